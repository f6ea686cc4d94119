"""What the committee's reviewers count in a branch's 台账 for a period: meetings held against the cadence, records
submitted and submitted late (逾期上报), meetings held or recorded after the fact (补开补报), records returned, and
the 规范执行率. A plain query for the report services: no role check here (the caller's report checks who may see
the branch); the definitions are in docs/meetings-records.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Meeting, SignIn
from lesson_bot.domain.cadence import assess, span_at
from lesson_bot.domain.enums import MeetingStatus, ReviewState
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.services.meetings.cadence import _facts, _groups, _started
from lesson_bot.services.meetings.review_log import of_meetings


@dataclass(frozen=True)
class TypeCount:
    """One meeting type in the period: held, and what its cadence expected with deadlines in the period."""

    type: str
    held: int  # meetings of the type held in the period
    expected: int  # meetings the cadence expects by deadlines falling in the period
    met: int  # of those expected, how many were held in time (within their own cadence period)


@dataclass(frozen=True)
class RecordCounts:
    """One branch, one period [start, end)."""

    branch_id: int
    start: datetime
    end: datetime
    by_type: tuple[TypeCount, ...]
    due: int  # records due: meetings held in the period
    submitted: int  # of those, recorded (minutes submitted)
    submitted_late: int  # recorded, first submitted later than the grace after the meeting's end (补录)
    overdue: int  # not recorded, and the grace after the meeting's end has passed
    after_the_fact: int  # 补开补报: recorded late, or the meeting was entered after it began
    returned: int  # records returned at least once
    approved: int  # records approved (as their review now stands)
    approved_first_time: int  # approved and never returned

    @property
    def expected(self) -> int:
        return sum(row.expected for row in self.by_type)

    @property
    def met(self) -> int:
        return sum(row.met for row in self.by_type)

    @property
    def late_rate(self) -> float | None:
        """逾期上报率: records submitted late or overdue, of the records due."""
        return (self.submitted_late + self.overdue) / self.due if self.due else None

    @property
    def compliance_rate(self) -> float | None:
        """规范执行率: records approved without a return, of the records due."""
        return self.approved_first_time / self.due if self.due else None


def _held() -> ColumnElement[bool]:
    """Held as cadence compliance has it: marked held, recorded, or its sign-in window closed with a sign-in."""
    signed = exists().where(SignIn.meeting_id == Meeting.id)
    return or_(Meeting.status == MeetingStatus.HELD, Meeting.recorded_at.is_not(None),
               Meeting.attendance_closed_at.is_not(None) & signed)


async def record_counts(s: AsyncSession, branch_ids: Sequence[int], start: datetime, end: datetime, *,
                        now: datetime, grace: timedelta, types: MeetingTypes | None = None) -> list[RecordCounts]:
    """The counts of each branch for meetings starting in [start, end) (UTC instants), as the records and their
    review stand now; `grace` is the record's (LESSON_BOT_RECORD_GRACE_HOURS)."""
    types = types or MeetingTypes()
    branches = (await s.execute(select(Branch).where(Branch.id.in_(branch_ids)).order_by(Branch.id))).scalars().all()
    meetings = (await s.execute(select(Meeting).where(
        Meeting.branch_id.in_(branch_ids), Meeting.starts_at >= start, Meeting.starts_at < end,
        Meeting.status != MeetingStatus.CANCELLED, _held()))).scalars().all()
    reviews = await of_meetings(s, [m.id for m in meetings])
    facts = await _facts(s, list(branch_ids), start - timedelta(days=367))
    groups = await _groups(s, list(branch_ids))
    started = await _started(s, list(branch_ids))
    result = []
    for branch in branches:
        mine = [m for m in meetings if m.branch_id == branch.id]
        since = min([*([started[branch.id]] if branch.id in started else []),
                     *(f.starts_at for f in facts.get(branch.id, []))], default=None)
        by_type = []
        for key, cadence in types.cadences().items():
            expected = met = 0
            span = span_at(cadence.period, start, branch.timezone)
            while span.bounds(branch.timezone)[0] < end:
                span_end = span.bounds(branch.timezone)[1]
                if start < span_end <= end and (since is None or span_end > since):
                    for group in sorted(set(groups.get(branch.id, []))) if cadence.per_party_group else [None]:
                        row = assess(key, cadence, span, branch.timezone, facts.get(branch.id, []), end,
                                     party_group=group)
                        expected, met = expected + row.expected, met + min(row.held, row.expected)
                span = span_at(cadence.period, span_end, branch.timezone)
            held = sum(1 for m in mine if str(m.type) == key)
            if held or expected:
                by_type.append(TypeCount(key, held, expected, met))
        for key in sorted({str(m.type) for m in mine} - set(types.cadences())):
            by_type.append(TypeCount(key, sum(1 for m in mine if str(m.type) == key), 0, 0))
        steps = {m.id: reviews.get(m.id, []) for m in mine}
        returned = {i for i, rows in steps.items() if any(r.state is ReviewState.RETURNED for r in rows)}
        approved = {i for i, rows in steps.items() if rows and rows[-1].state is ReviewState.APPROVED}
        recorded = [m for m in mine if m.recorded_at is not None]
        result.append(RecordCounts(
            branch.id, start, end, tuple(by_type), due=len(mine), submitted=len(recorded),
            submitted_late=sum(1 for m in recorded if m.recorded_late),
            overdue=sum(1 for m in mine if m.recorded_at is None and m.ends_at + grace <= now),
            after_the_fact=sum(1 for m in mine if m.recorded_late or m.created_at > m.starts_at),
            returned=len(returned), approved=len(approved), approved_first_time=len(approved - returned)))
    return result
