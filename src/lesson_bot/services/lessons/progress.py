"""A member's own record (/me) and a lesson's progress for its secretaries (/progress), read from the events.

Who is expected to study a group delivery is services/lessons/audience.py's one definition (the group's live
count uses it too). Tallies and points are the pure rules of domain/scoring.py over these facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    LessonDelivery,
    LessonVersion,
    Meeting,
    Member,
    Membership,
    ParticipationEvent,
    Rsvp,
    SignIn,
)
from lesson_bot.db.uow import Database
from lesson_bot.domain import attendance, scoring
from lesson_bot.domain.enums import (
    LeaveStatus,
    MeetingStatus,
    MembershipStatus,
    ParticipationKind,
    ParticipationMode,
    RsvpAnswer,
)
from lesson_bot.domain.permissions import Action
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.membership import present_at
from lesson_bot.services.branches.registration import branch_view
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import NotFound
from lesson_bot.services.lessons.audience import expected_members, is_reachable, study_count
from lesson_bot.services.meetings.facts import made_up_at
from lesson_bot.services.views import BranchView

EARLIER = 5  # earlier deliveries offered as buttons under /progress


@dataclass(frozen=True)
class BranchRecord:
    branch_id: int
    title: str
    lessons: scoring.LessonTally
    quiz: scoring.QuizTally
    meetings: scoring.MeetingTally
    points: scoring.Points


@dataclass(frozen=True)
class MyRecord:
    name: str
    reachable: bool  # the bot can message them in private
    branches: tuple[BranchRecord, ...]
    rules: scoring.ScoringRules  # the weights the branches' points were computed with


@dataclass(frozen=True)
class DeliveryRef:
    id: int
    title: str
    delivered_at: datetime


@dataclass(frozen=True)
class QuestionStat:
    index: int
    question: str
    answered: int  # first answers, on time or make-up
    right: int
    top_wrong: str | None  # the wrong option chosen most often
    top_wrong_count: int


@dataclass(frozen=True)
class LessonProgress:
    branch: BranchView
    delivery: DeliveryRef | None  # None: nothing delivered yet
    expected: int
    on_time: int
    makeup: int
    questions: tuple[QuestionStat, ...]
    missing: tuple[str, ...]  # names
    earlier: tuple[DeliveryRef, ...]  # the other recent deliveries, newest first

    @property
    def studied(self) -> int:
        return self.on_time + self.makeup


def _group_deliveries(branch_id: int) -> list[ColumnElement[bool]]:
    """The conditions of a branch's group lessons that were sent."""
    return [LessonDelivery.branch_id == branch_id, LessonDelivery.member_id.is_(None),
            LessonDelivery.mode == ParticipationMode.ON_TIME, LessonDelivery.delivered_at.is_not(None)]


class ProgressService:
    """Reads the participation log for members and their secretaries."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, rules: scoring.ScoringRules) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._rules = rules

    async def me(self, telegram_user_id: int) -> MyRecord | None:
        """The caller's record in each branch they belong to (None: not known to the bot)."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if member is None:
                return None
            rows = (await s.execute(
                select(Membership, Branch).join(Branch, Branch.id == Membership.branch_id)
                .where(Membership.member_id == member.id, Membership.status == MembershipStatus.ACTIVE)
                .order_by(Membership.id)
            )).all()
            records = [await self._branch_record(s, member, membership, branch) for membership, branch in rows]
            return MyRecord(member.full_name, is_reachable(member), tuple(records), self._rules)

    async def _branch_record(self, s: AsyncSession, member: Member, membership: Membership, branch: Branch
                             ) -> BranchRecord:
        delivered = (await s.execute(
            select(LessonDelivery.lesson_version_id).distinct()
            .join(Membership, Membership.branch_id == LessonDelivery.branch_id)
            .where(*_group_deliveries(branch.id), Membership.id == membership.id,
                   present_at(LessonDelivery.delivered_at))
        )).scalars().all()
        events = (await s.execute(
            select(ParticipationEvent).where(
                ParticipationEvent.member_id == member.id,
                ParticipationEvent.kind.in_((ParticipationKind.LESSON_CHECKIN, ParticipationKind.QUIZ_ANSWER)),
                ParticipationEvent.lesson_version_id.in_(delivered),
            )
        )).scalars().all()
        checkins = [scoring.CheckIn(e.lesson_version_id, e.mode, e.occurred_at, e.id) for e in events
                    if e.kind is ParticipationKind.LESSON_CHECKIN and e.lesson_version_id is not None]
        answers = list(_answers(events))
        modes = scoring.lesson_modes(delivered, checkins)
        standings = await self._meetings(s, member, membership, branch)
        return BranchRecord(branch.id, branch.title, scoring.lesson_tally(modes), scoring.quiz_tally(answers),
                            scoring.meeting_tally(standings), scoring.score(modes, answers, standings, self._rules))

    async def _meetings(self, s: AsyncSession, member: Member, membership: Membership, branch: Branch
                        ) -> list[scoring.Standing]:
        # Meetings whose sign-in window has closed (absentees are known then) while the member was on the roster,
        # at which they were expected; domain/attendance.py gives each one's standing.
        meetings = (await s.execute(
            select(Meeting).join(Membership, Membership.branch_id == Meeting.branch_id)
            .where(Meeting.branch_id == branch.id, Meeting.status != MeetingStatus.CANCELLED,
                   Meeting.attendance_closed_at.is_not(None), Membership.id == membership.id,
                   present_at(Meeting.starts_at))
            .order_by(Meeting.starts_at)
        )).scalars().all()
        me = attendance.Attendee(member.id, member.full_name, is_committee=membership.is_committee,
                                 party_group=membership.party_group)
        meetings = [m for m in meetings
                    if attendance.expected([me], attendance.MeetingRules.from_settings(m.settings).expected,
                                           m.party_group)]
        ids = [m.id for m in meetings]
        signed = dict((await s.execute(
            select(SignIn.meeting_id, SignIn.late).where(SignIn.member_id == member.id, SignIn.meeting_id.in_(ids))
        )).all())
        excused = set((await s.execute(
            select(Rsvp.meeting_id).where(Rsvp.member_id == member.id, Rsvp.meeting_id.in_(ids),
                                          Rsvp.answer == RsvpAnswer.LEAVE, Rsvp.leave_status == LeaveStatus.APPROVED)
        )).scalars().all())
        statuses = [
            attendance.tally([me], {member.id: signed[m.id]} if m.id in signed else {},
                             {member.id} if m.id in excused else set()).lines[0].status
            for m in meetings
        ]
        # Excused or absent: whether they completed the meeting's 补学 since (as the record and /makeups see it).
        return [scoring.Standing(status, status in (attendance.Status.EXCUSED, attendance.Status.ABSENT)
                                 and member.id in await made_up_at(s, m))
                for m, status in zip(meetings, statuses, strict=True)]

    async def lesson_progress(self, telegram_user_id: int, branch_id: int, delivery_id: int | None = None
                              ) -> LessonProgress:
        """A group delivery's check-ins, quiz results per question and who is missing (the latest by default)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_PROGRESS, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            view = await branch_view(s, branch)
            recent = (await s.execute(
                select(LessonDelivery, LessonVersion.title).join(LessonVersion)
                .where(*_group_deliveries(branch_id))
                .order_by(LessonDelivery.delivered_at.desc(), LessonDelivery.id.desc()).limit(EARLIER + 1)
            )).all()
            if delivery_id is None and not recent:
                return LessonProgress(view, None, 0, 0, 0, (), (), ())
            delivery = recent[0][0] if delivery_id is None else await s.get(LessonDelivery, delivery_id)
            if delivery is None or delivery.branch_id != branch_id or delivery.delivered_at is None:
                raise NotFound("delivery", delivery_id)
            version = await s.get(LessonVersion, delivery.lesson_version_id)
            assert version is not None
            people = await expected_members(s, delivery)
            questions = await _questions(s, version, [p.member_id for p in people])
            count = study_count(people)
            return LessonProgress(
                view, DeliveryRef(delivery.id, version.title, delivery.delivered_at), count.expected,
                count.on_time, count.makeup, questions,
                tuple(p.name for p in people if p.mode is None),
                tuple(DeliveryRef(d.id, title, d.delivered_at) for d, title in recent
                      if d.id != delivery.id and d.delivered_at is not None)[:EARLIER],
            )


def _answers(events: Iterable[ParticipationEvent]) -> Iterable[scoring.Answer]:
    for e in events:
        if (e.kind is ParticipationKind.QUIZ_ANSWER and e.lesson_version_id is not None
                and e.question_index is not None):
            yield scoring.Answer(e.lesson_version_id, e.question_index, e.mode, bool(e.correct), e.occurred_at, e.id)


async def _questions(s: AsyncSession, version: LessonVersion, member_ids: list[int]) -> tuple[QuestionStat, ...]:
    events = (await s.execute(
        select(ParticipationEvent).where(
            ParticipationEvent.kind == ParticipationKind.QUIZ_ANSWER,
            ParticipationEvent.lesson_version_id == version.id, ParticipationEvent.member_id.in_(member_ids))
    )).scalars().all()
    by_member: dict[int, list[ParticipationEvent]] = defaultdict(list)
    for event in events:
        by_member[event.member_id].append(event)
    chosen = {e.id: e.option_index for e in events}  # Answer.order is the event id
    firsts = [a for evs in by_member.values() for a in scoring.first_answers(_answers(evs))]
    stats = []
    for index, question in enumerate(version.quiz):
        mine = [a for a in firsts if a.question_index == index]
        wrong = Counter(option for a in mine if not a.correct and (option := chosen[a.order]) is not None)
        choices = [str(option) for option in question.get("options", [])]
        # The most chosen wrong option; on a tie the first listed.
        top = min(wrong.items(), key=lambda item: (-item[1], item[0]), default=None)
        top_text = choices[top[0]] if top is not None and top[0] < len(choices) else None
        stats.append(QuestionStat(index, str(question.get("question", "")), len(mine), sum(a.correct for a in mine),
                                  top_text, top[1] if top is not None else 0))
    return tuple(stats)
