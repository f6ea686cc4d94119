"""Reading what services/reports/rollups.py keeps: the rollup keys of a period, the members' figures added up per
membership or per branch, the branches' kept figures of ended periods, and the branches a range of months cannot be
added up for (one lesson sent in two of its months).

A refreshed table holds rows only for current members of active branches: a roster or branch change counts the
branch again (migration 0017's triggers), so only a member's own scope needs the join to the roster.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    BranchPeriodFigures,
    LessonDelivery,
    Member,
    MemberPeriodFigures,
    Membership,
)
from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import MemberFacts, Totals
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.periods import Kind, Period
from lesson_bot.services.reports.branch_facts import BranchFigures
from lesson_bot.services.reports.queries import NO_LESSONS, NO_MEETINGS, NO_QUIZ, LessonRow, Scope, in_period

R = MemberPeriodFigures
B = BranchPeriodFigures


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def month_key(at: datetime, zone: str) -> str:
    """The local month (YYYY-MM) that holds the instant `at` in `zone`."""
    local = at.astimezone(_zone(zone))
    return f"{local.year:04d}-{local.month:02d}"


def months_of(period: Period) -> list[str] | None:
    """The months a period is made of, or None when it does not start and end on a month's edge."""
    if period.first.day != 1 or period.end.day != 1:
        return None
    found, day = [], period.first
    while day < period.end:
        found.append(f"{day.year:04d}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def rollup_keys(period: Period) -> tuple[list[str], bool] | None:
    """The rollup keys a period reads and whether they are exact (a month, quarter or year: one key) or a sum of
    months to check with `redelivered`; None when the period must be counted directly."""
    if period.kind in (Kind.MONTH, Kind.QUARTER, Kind.YEAR):
        return [period.label], True
    months = months_of(period)
    return None if months is None else (months, False)


async def read_branch_figures(s: AsyncSession, key: str, rules: str, ids: Sequence[int] | None
                              ) -> dict[int, BranchFigures]:
    """Per branch: its kept figures of an ended period, counted by these cadence rules."""
    query = select(B.branch_id, B.meetings_held, B.records_on_time, B.records_late, B.cadence_due,
                   B.cadence_met).where(B.period == key, B.final.is_(True), B.rules == rules)
    if ids is not None:
        query = query.where(B.branch_id.in_(ids))
    return {branch_id: BranchFigures(*figures) for branch_id, *figures in await s.execute(query)}


FIGURES = (R.delivered, R.on_time, R.makeup, R.answered, R.answered_right, R.reviews, R.reviews_right, R.attended,
           R.late, R.excused, R.absent, R.made_up)


def _summed(keys: Sequence[str], scope: Scope, by: Any) -> Select[*tuple[Any, ...]]:
    """The periods' rows in scope added up, grouped by `by`."""
    query = select(by, *(func.sum(column) for column in FIGURES)).where(R.period.in_(keys)).group_by(by)
    if scope.branch_ids is not None:
        query = query.where(R.branch_id.in_(scope.branch_ids))
    if scope.member_id is not None:
        query = query.join(Membership, Membership.id == R.membership_id).join(
            Branch, Branch.id == Membership.branch_id).where(*scope.where())
    return query


def _tallies(delivered: int | None, on_time: int, makeup: int, answered: int, right: int, reviews: int,
             reviews_right: int, attended: int | None, late: int, excused: int, absent: int, made_up: int
             ) -> tuple[scoring.LessonTally, scoring.QuizTally, scoring.MeetingTally]:
    """A membership's figures (or a branch's added up) as tallies, as queries.lesson_figures and
    queries.meeting_figures give them: lessons and the quiz only with a lesson delivered, meetings only with one
    expected (the shared empty tallies otherwise, equal to zero tallies; None: no row)."""
    lessons, quiz = (scoring.LessonTally(delivered, on_time, makeup),
                     scoring.QuizTally(answered, right, reviews, reviews_right)) if delivered else (NO_LESSONS, NO_QUIZ)
    meetings = scoring.MeetingTally(attended, late, excused, absent, made_up) \
        if attended is not None and (attended or late or excused or absent) else NO_MEETINGS
    return lessons, quiz, meetings


async def read(s: AsyncSession, keys: Sequence[str], scope: Scope
               ) -> tuple[dict[int, LessonRow], dict[int, scoring.MeetingTally]]:
    """Per membership in scope: the periods' figures added up (lessons as queries.lesson_figures gives them, meetings
    as queries.meeting_figures)."""
    lessons: dict[int, LessonRow] = {}
    meetings: dict[int, scoring.MeetingTally] = {}
    for membership_id, *figures in await (await s.connection()).execute(_summed(keys, scope, R.membership_id)):
        lesson_tally, quiz_tally, meeting_tally = _tallies(*figures)
        if lesson_tally is not NO_LESSONS:
            lessons[membership_id] = LessonRow(lesson_tally, quiz_tally)
        if meeting_tally is not NO_MEETINGS:
            meetings[membership_id] = meeting_tally
    return lessons, meetings


async def read_members(s: AsyncSession, key: str, scope: Scope) -> dict[int, list[MemberFacts]]:
    """Per branch: the facts of its current members in scope (by joining), one period's kept figures with their
    names (the roster and the figures in one query: a membership has one row per period, nothing to add up; a
    member without a row did nothing counted)."""
    query = (select(Membership.branch_id, Membership.member_id, Membership.roster_name, Member.full_name, *FIGURES)
             .join(Member, Member.id == Membership.member_id).join(Branch, Branch.id == Membership.branch_id)
             .outerjoin(R, and_(R.membership_id == Membership.id, R.period == key))
             .where(*scope.where()).order_by(Membership.branch_id, Membership.id))
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    for branch_id, member_id, roster_name, full_name, *figures in await (await s.connection()).execute(query):
        members[branch_id].append(MemberFacts(member_id, roster_name or full_name, *_tallies(*figures)))
    return members


async def read_branches(s: AsyncSession, keys: Sequence[str], scope: Scope) -> dict[int, Totals]:
    """Per branch: its current members' figures over the periods, added up (assessment.totals of `read`)."""
    return {branch_id: Totals(*_tallies(*figures)) for branch_id, *figures in await (await s.connection()).execute(
        _summed(keys, scope, R.branch_id))}


async def redelivered(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope) -> set[int]:
    """Branches in scope that were sent one lesson version in two or more months of the period."""
    group = and_(LessonDelivery.member_id.is_(None), LessonDelivery.mode == ParticipationMode.ON_TIME,
                 LessonDelivery.delivered_at.is_not(None), in_period(LessonDelivery.delivered_at, period, zones))
    branches = [LessonDelivery.branch_id.in_(scope.branch_ids)] if scope.branch_ids is not None else []
    twice = (await s.execute(
        select(LessonDelivery.branch_id, LessonDelivery.lesson_version_id)
        .join(Branch, Branch.id == LessonDelivery.branch_id).where(group, *branches)
        .group_by(LessonDelivery.branch_id, LessonDelivery.lesson_version_id).having(func.count() > 1))).all()
    if not twice:  # the usual case: every lesson sent once
        return set()
    rows = await s.execute(
        select(LessonDelivery.branch_id, LessonDelivery.lesson_version_id, LessonDelivery.delivered_at,
               Branch.timezone)
        .join(Branch, Branch.id == LessonDelivery.branch_id)
        .where(group, LessonDelivery.branch_id.in_(sorted({b for b, _ in twice}))))
    pairs = {(b, v) for b, v in twice}
    months: dict[tuple[int, int], set[str]] = defaultdict(set)
    for branch_id, version_id, at, zone in rows:
        if at is not None and (branch_id, version_id) in pairs:
            months[(branch_id, version_id)].add(month_key(at, zone))
    return {branch_id for (branch_id, _), found in months.items() if len(found) > 1}
