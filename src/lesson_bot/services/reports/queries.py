"""A period's member figures as SQL aggregates (GROUP BY membership), counted as /me counts them.

- Lessons: the distinct lesson versions of the branch's group deliveries sent in the period while the member was on
  the roster (`present_at`); each counts by the member's first check-in (on time or make-up, whenever it came; ties
  by event id), or is missed.
- Quiz: for those lessons, the first on-time or make-up answer to each question; review answers apart.
- Meetings: not cancelled, starting in the period, whose sign-in window has closed, at which the member was expected
  (all, the committee, or the meeting's 党小组; from `Meeting.settings`, as domain/attendance.py reads it) while on
  the roster: signed in (late or not) wins over approved leave; the rest are absent. An excused or absent member
  made it up with a `makeup_done` event for the meeting, or for a 党课 with a lesson a check-in to it after the
  meeting began (services/meetings/facts.made_up_at).

Current members only (active memberships), as /me and /progress list them. The period is each branch's own: its
local days, in its time zone. Nothing is loaded row by row: one statement per part, a row per membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    LessonDelivery,
    LessonVersion,
    Meeting,
    Membership,
    ParticipationEvent,
    Rsvp,
    SignIn,
)
from lesson_bot.domain import scoring
from lesson_bot.domain.enums import (
    BranchStatus,
    LeaveStatus,
    MeetingStatus,
    MembershipStatus,
    ParticipationKind,
    ParticipationMode,
    RsvpAnswer,
)
from lesson_bot.domain.meeting_types import Expected
from lesson_bot.domain.periods import Period
from lesson_bot.domain.values import value
from lesson_bot.services.branches.membership import present_at

CREDITED = [ParticipationMode.ON_TIME, ParticipationMode.MAKEUP]
NO_LESSONS = scoring.LessonTally(0, 0, 0)
NO_QUIZ = scoring.QuizTally(0, 0, 0, 0)
NO_MEETINGS = scoring.MeetingTally()
Ev = ParticipationEvent


@dataclass(frozen=True)
class Scope:
    """Which memberships a report reads: some branches (None: every branch) or one member."""

    branch_ids: tuple[int, ...] | None = None
    member_id: int | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """Conditions on the query's Membership and Branch rows: current members of active branches in scope."""
        found = [Membership.status == MembershipStatus.ACTIVE, Branch.status == BranchStatus.ACTIVE]
        if self.branch_ids is not None:
            found.append(Membership.branch_id.in_(self.branch_ids))
        if self.member_id is not None:
            found.append(Membership.member_id == self.member_id)
        return found


def in_period(column: SQLColumnExpression[datetime] | SQLColumnExpression[datetime | None], period: Period,
              zones: Sequence[str]) -> ColumnElement[bool]:
    """SQL: `column` falls in the period in the zone of the joined Branch row."""
    parts = []
    for zone in zones:
        start, end = period.bounds(zone)
        parts.append(and_(Branch.timezone == zone, column >= start, column < end))
    return or_(*parts) if parts else literal(False)


def _expected_lessons(period: Period, zones: Sequence[str], scope: Scope) -> Select[int, int, int]:
    """(membership, member, lesson version) for each lesson the member was expected to study in the period."""
    return (
        select(Membership.id.label("membership_id"), Membership.member_id.label("member_id"),
               LessonDelivery.lesson_version_id.label("version_id")).distinct()
        .select_from(LessonDelivery)
        .join(Branch, Branch.id == LessonDelivery.branch_id)
        .join(Membership, Membership.branch_id == LessonDelivery.branch_id)
        .where(LessonDelivery.member_id.is_(None), LessonDelivery.mode == ParticipationMode.ON_TIME,
               LessonDelivery.delivered_at.is_not(None), in_period(LessonDelivery.delivered_at, period, zones),
               present_at(LessonDelivery.delivered_at), *scope.where())
    )


@value
class LessonRow:
    lessons: scoring.LessonTally
    quiz: scoring.QuizTally


async def lesson_figures(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope
                         ) -> dict[int, LessonRow]:
    """Per membership id: lessons delivered / on time / make-up, and first answers, right, reviews.

    Two statements: the lessons each membership was expected to study, counted; and the check-ins and answers
    to those lessons, each ranked in its (membership, lesson, kind, question) by time, counted in one GROUP BY
    membership (no per-lesson aggregate in between)."""
    expected = _expected_lessons(period, zones, scope).cte("expected")
    delivered = {membership_id: int(n) for membership_id, n in await s.execute(
        select(expected.c.membership_id, func.count()).group_by(expected.c.membership_id))}
    review = Ev.mode == ParticipationMode.REVIEW
    events = (
        select(expected.c.membership_id, Ev.kind, Ev.mode, Ev.correct,
               func.row_number().over(partition_by=(expected.c.membership_id, Ev.lesson_version_id, Ev.kind, review,
                                                    Ev.question_index),
                                      order_by=(Ev.occurred_at, Ev.id)).label("rn"))
        .select_from(expected)
        .join(Ev, and_(Ev.member_id == expected.c.member_id, Ev.lesson_version_id == expected.c.version_id))
        .where(Ev.kind.in_((ParticipationKind.LESSON_CHECKIN, ParticipationKind.QUIZ_ANSWER)),
               or_(Ev.kind == ParticipationKind.QUIZ_ANSWER, Ev.mode.in_(CREDITED)))
        .subquery("events")
    )
    e = events.c
    first = e.rn == 1
    checkin = and_(e.kind == ParticipationKind.LESSON_CHECKIN, first)
    answer = and_(e.kind == ParticipationKind.QUIZ_ANSWER, e.mode.in_(CREDITED), first)
    reviewed = and_(e.kind == ParticipationKind.QUIZ_ANSWER, e.mode == ParticipationMode.REVIEW)

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    done = {row[0]: tuple(int(v) for v in row[1:]) for row in await s.execute(
        select(e.membership_id, count(and_(checkin, e.mode == ParticipationMode.ON_TIME)),
               count(and_(checkin, e.mode == ParticipationMode.MAKEUP)), count(answer),
               count(and_(answer, e.correct.is_(True))), count(reviewed), count(and_(reviewed, e.correct.is_(True))))
        .group_by(e.membership_id))}
    result = {}
    for membership_id, n in delivered.items():
        on_time, makeup, answered, right, reviews, reviews_right = done.get(membership_id, (0, 0, 0, 0, 0, 0))
        result[membership_id] = LessonRow(scoring.LessonTally(n, on_time, makeup),
                                          scoring.QuizTally(answered, right, reviews, reviews_right))
    return result


def meetings_in_period(period: Period, zones: Sequence[str]) -> list[ColumnElement[bool]]:
    """The conditions of a branch's meetings starting in the period (cancelled ones left out)."""
    return [Meeting.status != MeetingStatus.CANCELLED, in_period(Meeting.starts_at, period, zones)]


async def meeting_figures(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope
                          ) -> dict[int, scoring.MeetingTally]:
    """Per membership id: meetings attended, late, excused, absent, and made up (of the excused and absent)."""
    rule = func.coalesce(Meeting.settings["expected"].as_string(), Expected.ALL.value)
    # One CASE on the rule, not an OR of three comparisons: the settings' JSON is read once per (meeting, member).
    expected = case({Expected.ALL.value: true(), Expected.COMMITTEE.value: Membership.is_committee.is_(True),
                     Expected.PARTY_GROUP.value: and_(Meeting.party_group.is_not(None),
                                                      Membership.party_group == Meeting.party_group)},
                    value=rule, else_=false())
    done = exists().where(Ev.member_id == Membership.member_id, Ev.meeting_id == Meeting.id,
                          Ev.kind == ParticipationKind.MAKEUP_DONE)
    # The version's lesson is joined inside the EXISTS: an IN (SELECT ...) there would not correlate with the
    # meeting and would count a check-in to any 党课's lesson.
    studied = exists().where(
        Ev.member_id == Membership.member_id, Ev.kind == ParticipationKind.LESSON_CHECKIN,
        Ev.occurred_at >= Meeting.starts_at, Ev.lesson_version_id == LessonVersion.id,
        LessonVersion.lesson_id == Meeting.lesson_id)
    signed, late = SignIn.id.is_not(None), SignIn.late.is_(True)
    excused = and_(~signed, Rsvp.id.is_not(None))
    absent = and_(~signed, Rsvp.id.is_(None))
    made_up = and_(~signed, or_(done, and_(Meeting.lesson_id.is_not(None), studied)))

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = (await s.execute(
        select(Membership.id, count(and_(signed, ~late)), count(and_(signed, late)), count(excused), count(absent),
               count(made_up))
        .select_from(Meeting)
        .join(Branch, Branch.id == Meeting.branch_id)
        .join(Membership, and_(Membership.branch_id == Meeting.branch_id, present_at(Meeting.starts_at), expected))
        .outerjoin(SignIn, and_(SignIn.meeting_id == Meeting.id, SignIn.member_id == Membership.member_id))
        .outerjoin(Rsvp, and_(Rsvp.meeting_id == Meeting.id, Rsvp.member_id == Membership.member_id,
                              Rsvp.answer == RsvpAnswer.LEAVE, Rsvp.leave_status == LeaveStatus.APPROVED))
        .where(*meetings_in_period(period, zones), Meeting.attendance_closed_at.is_not(None), *scope.where())
        .group_by(Membership.id)
    )).all()
    return {membership_id: scoring.MeetingTally(int(attended), int(late), int(excused), int(absent), int(made_up))
            for membership_id, attended, late, excused, absent, made_up in rows}
