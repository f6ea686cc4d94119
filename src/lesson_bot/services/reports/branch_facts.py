"""A period's branch-level facts: its meetings held, its records on time and late, its 三会一课 cadence.

Meetings and records (as the committee counts them): a meeting starting in the period is held when cadence says so
(services/meetings/cadence.py: marked held, recorded, or closed with a sign-in); its record is on time when
submitted and not flagged 补录 (`Meeting.recorded_late`), late when flagged. Cadence: each meeting type's periods
(months, quarters, years) that lie inside the report period, assessed as of `now` (domain/cadence.settled); one whose
deadline has not come and that is not yet held is not due. Periods that ended before the branch's history began
(its first member or meeting) expect nothing. Once a period has ended in a branch's time zone, nothing of this
depends on `now` any more: services/reports/rollups.py keeps it then.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, ManualScore, Meeting, Membership, SignIn
from lesson_bot.domain import cadence
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports.queries import meetings_in_period


@dataclass(frozen=True)
class BranchFigures:
    meetings_held: int = 0
    records_on_time: int = 0
    records_late: int = 0  # 补录: submitted after the meeting ended
    cadence_due: int = 0
    cadence_met: int = 0


def fingerprint(types: MeetingTypes) -> str:
    """Which cadence rules figures were counted by: kept figures counted by other rules are not used."""
    rules = repr(sorted(types.cadences().items()))
    return hashlib.sha256(rules.encode()).hexdigest()[:16]


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


async def _meetings(s: AsyncSession, period: Period, zones: Sequence[str], ids: Sequence[int] | None
                    ) -> dict[int, list[tuple[cadence.MeetingFact, bool, bool]]]:
    """Per branch: each meeting of the period as cadence sees it, with (recorded, recorded late)."""
    signed = exists().where(SignIn.meeting_id == Meeting.id)
    recorded = Meeting.recorded_at.is_not(None)
    held = or_(Meeting.status == MeetingStatus.HELD, recorded,
               and_(Meeting.attendance_closed_at.is_not(None), signed))
    query = (select(Meeting.branch_id, Meeting.type, Meeting.starts_at, Meeting.party_group, held, recorded,
                    Meeting.recorded_late)
             .join(Branch, Branch.id == Meeting.branch_id).where(*meetings_in_period(period, zones)))
    if ids is not None:
        query = query.where(Meeting.branch_id.in_(ids))
    found: dict[int, list[tuple[cadence.MeetingFact, bool, bool]]] = defaultdict(list)
    for branch_id, kind, starts_at, group, was_held, was_recorded, late in await s.execute(query):
        found[branch_id].append((cadence.MeetingFact(str(kind), starts_at, bool(was_held), group),
                                 bool(was_recorded), bool(late)))
    return found


async def _history(s: AsyncSession, ids: Sequence[int] | None) -> tuple[dict[int, list[str]], dict[int, datetime]]:
    """Per branch: its 党小组 (of its current members), and when its first member joined."""
    groups_q = select(Membership.branch_id, Membership.party_group).distinct().where(
        Membership.status == MembershipStatus.ACTIVE, Membership.party_group.is_not(None))
    started_q = select(Membership.branch_id, func.min(Membership.joined_at)).group_by(Membership.branch_id)
    if ids is not None:
        groups_q = groups_q.where(Membership.branch_id.in_(ids))
        started_q = started_q.where(Membership.branch_id.in_(ids))
    groups: dict[int, list[str]] = defaultdict(list)
    for branch_id, group in await s.execute(groups_q):
        if group:
            groups[branch_id].append(group)
    started = {branch_id: first for branch_id, first in await s.execute(started_q)}
    return groups, started


async def manual_scores(s: AsyncSession, ids: Sequence[int] | None, label: str) -> dict[int, dict[str, float]]:
    """Per branch: the manual scores entered for the period."""
    query = select(ManualScore.branch_id, ManualScore.dimension, ManualScore.score).where(ManualScore.period == label)
    if ids is not None:
        query = query.where(ManualScore.branch_id.in_(ids))
    manual: dict[int, dict[str, float]] = defaultdict(dict)
    for branch_id, dimension, score in await s.execute(query):
        manual[branch_id][dimension] = float(score)
    return manual


async def branch_figures(s: AsyncSession, period: Period, branches: Sequence[tuple[int, str]],
                         ids: Sequence[int] | None, types: MeetingTypes, now: datetime) -> dict[int, BranchFigures]:
    """Each (branch id, time zone)'s meetings, records and cadence for the period, counted from the meetings;
    `ids`: the branches to read (None: every branch, when `branches` holds them all)."""
    zones = sorted({zone for _, zone in branches})
    held = await _meetings(s, period, zones, ids)
    groups, started = await _history(s, ids)
    result = {}
    for branch_id, zone in branches:
        rows = held.get(branch_id, [])
        facts = [fact for fact, _, _ in rows]
        since = min([*([started[branch_id]] if branch_id in started else []), *(f.starts_at for f in facts)],
                    default=None)
        due, met = cadence_counts(types, period, zone, facts, groups.get(branch_id, []), since, now)
        result[branch_id] = BranchFigures(
            meetings_held=sum(f.held for f in facts),
            records_on_time=sum(f.held and recorded and not late for f, recorded, late in rows),
            records_late=sum(f.held and recorded and late for f, recorded, late in rows),
            cadence_due=due, cadence_met=met)
    return result
