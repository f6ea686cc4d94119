"""A period's facts per branch: its current members' figures (queries.py), its meetings and records, its 三会一课
cadence and the scores admins entered; what domain/assessment.py turns into points and a scorecard.

Meetings and records (as the committee counts them): a meeting starting in the period is held when cadence says so
(services/meetings/cadence.py: marked held, recorded, or closed with a sign-in); its record is on time when
submitted and not flagged 补录 (`Meeting.recorded_late`), late when flagged. Cadence: each meeting type's periods
(months, quarters, years) that lie inside the report period, assessed as of `now` (domain/cadence.assess); one whose
deadline has not come and that is not yet held is not due. Periods that ended before the branch's history began
(its first member or meeting) expect nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache

from sqlalchemy import Row, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, ManualScore, Meeting, Member, Membership, SignIn
from lesson_bot.domain import cadence, scoring
from lesson_bot.domain.assessment import BranchFacts, MemberFacts, Totals, totals
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports import rollups
from lesson_bot.services.reports.queries import (
    LessonRow,
    Scope,
    lesson_figures,
    meeting_figures,
    meetings_in_period,
)

NO_LESSONS = scoring.LessonTally(0, 0, 0)
NO_QUIZ = scoring.QuizTally(0, 0, 0, 0)
NO_MEETINGS = scoring.MeetingTally()


@cache
def _spans(kind: cadence.Period, period: Period) -> tuple[cadence.Span, ...]:
    """The cadence periods of one kind that lie inside the report period."""
    spans = []
    span = cadence.span_of(kind, period.first)
    while span.end <= period.end:
        if span.first >= period.first:
            spans.append(span)
        span = cadence.following(span)
    return tuple(spans)


def cadence_counts(types: MeetingTypes, period: Period, zone: str, meetings: Sequence[cadence.MeetingFact],
                   groups: Sequence[str], since: datetime | None, now: datetime) -> tuple[int, int]:
    """(due, met): meetings the cadence expected in the period's finished or fulfilled spans, and those held."""
    due = met = 0
    by_type: dict[str, list[cadence.MeetingFact]] = defaultdict(list)
    for meeting in meetings:
        by_type[meeting.type].append(meeting)
    for type_name, rule in types.cadences().items():
        party_groups: Sequence[str | None] = sorted(set(groups)) if rule.per_party_group else [None]
        for span in _spans(rule.period, period):
            if since is not None and span.bounds(zone)[1] <= since:
                continue
            for group in party_groups:
                found = cadence.settled(type_name, rule, span, zone, by_type[type_name], now, party_group=group)
                if found is not None:  # held, or overdue
                    due += found[0]
                    met += min(found[1], found[0])
    return due, met


async def _meetings(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope
                    ) -> dict[int, list[tuple[cadence.MeetingFact, bool, bool]]]:
    """Per branch: each meeting of the period as cadence sees it, with (recorded, recorded late)."""
    signed = exists().where(SignIn.meeting_id == Meeting.id)
    recorded = Meeting.recorded_at.is_not(None)
    held = or_(Meeting.status == MeetingStatus.HELD, recorded,
               and_(Meeting.attendance_closed_at.is_not(None), signed))
    query = (select(Meeting.branch_id, Meeting.type, Meeting.starts_at, Meeting.party_group, held, recorded,
                    Meeting.recorded_late)
             .join(Branch, Branch.id == Meeting.branch_id).where(*meetings_in_period(period, zones)))
    if scope.branch_ids is not None:
        query = query.where(Meeting.branch_id.in_(scope.branch_ids))
    found: dict[int, list[tuple[cadence.MeetingFact, bool, bool]]] = defaultdict(list)
    for branch_id, kind, starts_at, group, was_held, was_recorded, late in await s.execute(query):
        found[branch_id].append((cadence.MeetingFact(str(kind), starts_at, bool(was_held), group),
                                 bool(was_recorded), bool(late)))
    return found


async def _branch_context(s: AsyncSession, ids: Sequence[int] | None, label: str
                          ) -> tuple[dict[int, list[str]], dict[int, datetime], dict[int, dict[str, float]]]:
    """Per branch: its 党小组, when its first member joined, the manual scores entered for the period."""
    groups_q = select(Membership.branch_id, Membership.party_group).distinct().where(
        Membership.status == MembershipStatus.ACTIVE, Membership.party_group.is_not(None))
    started_q = select(Membership.branch_id, func.min(Membership.joined_at)).group_by(Membership.branch_id)
    manual_q = select(ManualScore.branch_id, ManualScore.dimension, ManualScore.score).where(
        ManualScore.period == label)
    if ids is not None:
        groups_q = groups_q.where(Membership.branch_id.in_(ids))
        started_q = started_q.where(Membership.branch_id.in_(ids))
        manual_q = manual_q.where(ManualScore.branch_id.in_(ids))
    groups: dict[int, list[str]] = defaultdict(list)
    for branch_id, group in await s.execute(groups_q):
        if group:
            groups[branch_id].append(group)
    manual: dict[int, dict[str, float]] = defaultdict(dict)
    for branch_id, dimension, score in await s.execute(manual_q):
        manual[branch_id][dimension] = float(score)
    started = {branch_id: first for branch_id, first in await s.execute(started_q)}
    return groups, started, manual


Person = Row[int, int, int, str | None, str]


async def _member_figures(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope,
                          people: Sequence[Person]
                          ) -> tuple[dict[int, LessonRow], dict[int, scoring.MeetingTally]]:
    """Per membership: lesson and meeting figures. A period of whole months adds up the rollups (refreshed by the
    caller before its transaction); a branch sent one lesson twice in the period, and any other period, is counted
    over the period directly."""
    months = rollups.months_of(period)
    if months is None:
        return await lesson_figures(s, period, zones, scope), await meeting_figures(s, period, zones, scope)
    lessons, meetings = await rollups.read(s, months, scope)
    again = await rollups.redelivered(s, period, zones, scope)
    if again:
        counted = await lesson_figures(s, period, zones, replace(scope, branch_ids=tuple(sorted(again))))
        for membership_id, branch_id, *_ in people:
            if branch_id in again:
                lessons.pop(membership_id, None)
        lessons.update(counted)
    return lessons, meetings


async def roster(s: AsyncSession, scope: Scope) -> Sequence[Person]:
    """(membership, branch, member, roster name, name) of the current members in scope, by branch and joining."""
    return (await s.execute(
        select(Membership.id, Membership.branch_id, Membership.member_id, Membership.roster_name, Member.full_name)
        .join(Member, Member.id == Membership.member_id).join(Branch, Branch.id == Membership.branch_id)
        .where(*scope.where()).order_by(Membership.branch_id, Membership.id)
    )).all()


async def period_facts(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                       types: MeetingTypes, now: datetime, people: Sequence[Person] | None = None
                       ) -> dict[int, BranchFacts]:
    """Every branch's facts for the period (members limited by `scope`, `people` their roster when the caller has
    read it already), by branch id, in the order given."""
    zones = sorted({b.timezone for b in branches})
    if people is None:
        people = await roster(s, scope)
    lessons, meetings = await _member_figures(s, period, zones, scope, people)
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    for membership_id, branch_id, member_id, roster_name, full_name in people:
        row = lessons.get(membership_id)
        members[branch_id].append(MemberFacts(
            member_id, roster_name or full_name, row.lessons if row else NO_LESSONS, row.quiz if row else NO_QUIZ,
            meetings.get(membership_id, NO_MEETINGS)))
    return await _branch_facts(s, period, branches, scope, types, now, members)


async def _branch_facts(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                        types: MeetingTypes, now: datetime, members: dict[int, list[MemberFacts]]
                        ) -> dict[int, BranchFacts]:
    """Each branch's meetings, records, cadence and manual scores for the period, with the member facts given."""
    zones = sorted({b.timezone for b in branches})
    held = await _meetings(s, period, zones, scope)
    groups, started, manual = await _branch_context(s, scope.branch_ids, period.label)
    result = {}
    for b in branches:
        rows = held.get(b.id, [])
        facts = [fact for fact, _, _ in rows]
        since = min([*([started[b.id]] if b.id in started else []), *(f.starts_at for f in facts)], default=None)
        due, met = cadence_counts(types, period, b.timezone, facts, groups.get(b.id, []), since, now)
        result[b.id] = BranchFacts(
            b.id, b.title, b.timezone, tuple(members.get(b.id, [])),
            meetings_held=sum(f.held for f in facts),
            records_on_time=sum(f.held and recorded and not late for f, recorded, late in rows),
            records_late=sum(f.held and recorded and late for f, recorded, late in rows),
            cadence_due=due, cadence_met=met, manual=manual.get(b.id, {}))
    return result


async def period_totals(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                        types: MeetingTypes, now: datetime, people: Sequence[Person]
                        ) -> dict[int, tuple[BranchFacts, Totals]]:
    """Every branch's facts without member lines, and its members' figures added up: what a branch's scorecard
    needs (the trend's earlier period). Over whole months the rollups are added up per branch in the database."""
    months = rollups.months_of(period)
    if months is None:
        facts = await period_facts(s, period, branches, scope, types, now, people)
        return {branch_id: (replace(f, members=()), totals(f.members)) for branch_id, f in facts.items()}
    zones = sorted({b.timezone for b in branches})
    sums = await rollups.read_branches(s, months, scope)
    again = await rollups.redelivered(s, period, zones, scope)
    if again:
        counted = await lesson_figures(s, period, zones, replace(scope, branch_ids=tuple(sorted(again))))
        lessons: dict[int, list[MemberFacts]] = defaultdict(list)
        for membership_id, branch_id, member_id, _, name in people:
            if branch_id in again and (row := counted.get(membership_id)) is not None:
                lessons[branch_id].append(MemberFacts(member_id, name, row.lessons, row.quiz, NO_MEETINGS))
        for branch_id in again:
            recounted = totals(lessons.get(branch_id, []))
            meetings = sums[branch_id].meetings if branch_id in sums else NO_MEETINGS
            sums[branch_id] = Totals(recounted.lessons, recounted.quiz, meetings)
    facts = await _branch_facts(s, period, branches, scope, types, now, {})
    empty = Totals(NO_LESSONS, NO_QUIZ, NO_MEETINGS)
    return {branch_id: (f, sums.get(branch_id, empty)) for branch_id, f in facts.items()}
