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
from datetime import datetime
from functools import cache

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, ManualScore, Meeting, Member, Membership, SignIn
from lesson_bot.domain import cadence, scoring
from lesson_bot.domain.assessment import BranchFacts, MemberFacts
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports.queries import Scope, lesson_figures, meeting_figures, meetings_in_period

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
    for type_name, rule in types.cadences().items():
        party_groups: Sequence[str | None] = sorted(set(groups)) if rule.per_party_group else [None]
        for span in _spans(rule.period, period):
            if since is not None and span.bounds(zone)[1] <= since:
                continue
            for group in party_groups:
                row = cadence.assess(type_name, rule, span, zone, meetings, now, party_group=group)
                if row.state in (cadence.State.HELD, cadence.State.OVERDUE):
                    due += row.expected
                    met += min(row.held, row.expected)
    return due, met


async def _meetings(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope
                    ) -> dict[int, list[tuple[cadence.MeetingFact, bool, bool]]]:
    """Per branch: each meeting of the period as cadence sees it, with (recorded, recorded late)."""
    signed = exists().where(SignIn.meeting_id == Meeting.id)
    query = (select(Meeting.branch_id, Meeting.type, Meeting.starts_at, Meeting.party_group, Meeting.status,
                    Meeting.recorded_at, Meeting.recorded_late, Meeting.attendance_closed_at, signed.label("signed"))
             .join(Branch, Branch.id == Meeting.branch_id).where(*meetings_in_period(period, zones)))
    if scope.branch_ids is not None:
        query = query.where(Meeting.branch_id.in_(scope.branch_ids))
    found: dict[int, list[tuple[cadence.MeetingFact, bool, bool]]] = defaultdict(list)
    for branch_id, kind, starts_at, group, status, recorded_at, late, closed_at, has_sign_ins in await s.execute(query):
        held = status is MeetingStatus.HELD or recorded_at is not None or (closed_at is not None and has_sign_ins)
        found[branch_id].append((cadence.MeetingFact(str(kind), starts_at, bool(held), group),
                                 recorded_at is not None, bool(late)))
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


async def period_facts(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                       types: MeetingTypes, now: datetime) -> dict[int, BranchFacts]:
    """Every branch's facts for the period (members limited by `scope`), by branch id, in the order given."""
    zones = sorted({b.timezone for b in branches})
    lessons = await lesson_figures(s, period, zones, scope)
    meetings = await meeting_figures(s, period, zones, scope)
    people = (await s.execute(
        select(Membership.id, Membership.branch_id, Membership.member_id, Membership.roster_name, Member.full_name)
        .join(Member, Member.id == Membership.member_id).join(Branch, Branch.id == Membership.branch_id)
        .where(*scope.where()).order_by(Membership.branch_id, Membership.id)
    )).all()
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    for membership_id, branch_id, member_id, roster_name, full_name in people:
        row = lessons.get(membership_id)
        members[branch_id].append(MemberFacts(
            member_id, roster_name or full_name, row.lessons if row else NO_LESSONS, row.quiz if row else NO_QUIZ,
            meetings.get(membership_id, NO_MEETINGS)))
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

