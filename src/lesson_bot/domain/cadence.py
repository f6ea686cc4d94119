"""Cadence compliance (三会一课): which meetings a branch's period expects, which were held, which are late.

Pure: periods are local calendar months, quarters or years in the branch's zone (a name, so DST is handled by
zoneinfo); the caller gives `now` and the meetings. Rules (the lead's, where the 支部工作条例 is silent):

- A type expects `count` meetings per period. A type with a fixed day (主题党日) has its deadline at the end of
  that local day (clamped to the month's last day); any other type's deadline is the end of the period. A meeting
  held later in the same period still counts: it is then held, not overdue.
- A 党小组会 is expected once per 党小组 on the roster, matched by the meeting's group; without groups on the
  roster none is expected.
- OVERDUE: the deadline passed without enough held. DUE_SOON: the deadline is within `soon` days and what is held
  plus what is still scheduled before the deadline is not enough. The secretary is reminded from `remind_hour`
  local time on the first due-soon day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_SOON_DAYS = 7
REMIND_HOUR = 9


class Period(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class State(enum.StrEnum):
    HELD = "held"
    OPEN = "open"  # not held yet, deadline not near
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Cadence:
    """How often a meeting type is expected."""

    period: Period
    count: int = 1
    fixed_day: int | None = None  # 主题党日: its day of the month
    per_party_group: bool = False  # 党小组会: once per 党小组


@dataclass(frozen=True, order=True)
class Span:
    """One period as local calendar dates: [first, end)."""

    first: date
    end: date
    period: Period

    @property
    def label(self) -> str:
        match self.period:
            case Period.MONTH:
                return f"{self.first:%Y-%m}"
            case Period.QUARTER:
                return f"{self.first.year}Q{(self.first.month - 1) // 3 + 1}"
            case Period.YEAR:
                return f"{self.first.year}"

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """The period's start and end as UTC instants."""
        return local_midnight(self.first, zone), local_midnight(self.end, zone)


@dataclass(frozen=True)
class MeetingFact:
    """A meeting as compliance sees it (cancelled meetings are left out by the caller)."""

    type: str
    starts_at: datetime  # UTC
    held: bool
    party_group: str | None = None


@dataclass(frozen=True)
class Expectation:
    """One expected meeting type (and 党小组) in one period, and where it stands."""

    type: str
    span: Span
    expected: int
    held: int
    scheduled: int  # called, not held yet, before the deadline
    deadline: datetime  # UTC
    state: State
    remind_at: datetime  # UTC: when the secretary is reminded if it is still missing
    party_group: str | None = None

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.held)


@lru_cache(maxsize=4096)  # an organization's report asks for the same few days of each zone thousands of times
def local_midnight(day: date, zone: str) -> datetime:
    """The UTC instant a local date begins (zoneinfo resolves a DST gap forward)."""
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def span_of(period: Period, day: date) -> Span:
    """The period containing a local date."""
    match period:
        case Period.MONTH:
            first = day.replace(day=1)
        case Period.QUARTER:
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        case Period.YEAR:
            first = date(day.year, 1, 1)
    return Span(first, _add_months(first, _months(period)), period)


def span_at(period: Period, instant: datetime, zone: str) -> Span:
    """The period containing an instant, in the branch's zone."""
    return span_of(period, instant.astimezone(ZoneInfo(zone)).date())


def previous(span: Span) -> Span:
    return span_of(span.period, span.first - timedelta(days=1))


def following(span: Span) -> Span:
    return span_of(span.period, span.end)


def recent(period: Period, now: datetime, zone: str, count: int) -> list[Span]:
    """The current period and the `count - 1` before it, newest first."""
    spans = [span_at(period, now, zone)]
    while len(spans) < count:
        spans.append(previous(spans[-1]))
    return spans


def _months(period: Period) -> int:
    return {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}[period]


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def deadlines(cadence: Cadence, span: Span, zone: str) -> list[datetime]:
    """The UTC deadline of each expected meeting of the span (one per month of it for a fixed-day type)."""
    return list(_deadlines(cadence, span, zone))


@lru_cache(maxsize=4096)
def _sorted_deadlines(cadence: Cadence, span: Span, zone: str) -> tuple[datetime, ...]:
    return tuple(sorted(_deadlines(cadence, span, zone)))


@lru_cache(maxsize=4096)
def _deadlines(cadence: Cadence, span: Span, zone: str) -> tuple[datetime, ...]:
    if cadence.fixed_day is None:
        return (span.bounds(zone)[1],) * cadence.count
    result = []
    month = span.first
    while month < span.end:
        last = _add_months(month, 1) - timedelta(days=1)
        day = month.replace(day=min(cadence.fixed_day, last.day))
        result.append(local_midnight(day + timedelta(days=1), zone))
        month = _add_months(month, 1)
    return tuple(result * cadence.count)


def assess(
    type_name: str, cadence: Cadence, span: Span, zone: str, meetings: Iterable[MeetingFact], now: datetime, *,
    party_group: str | None = None, soon_days: int = DEFAULT_SOON_DAYS, remind_hour: int = REMIND_HOUR,
) -> Expectation:
    """Where one type (and group) stands in one period."""
    due, mine, held, deadline = _standing(type_name, cadence, span, zone, meetings, party_group)
    scheduled = sum(1 for m in mine if not m.held and m.starts_at >= now and m.starts_at < deadline)
    local_deadline = deadline.astimezone(ZoneInfo(zone))
    remind_day = (local_deadline - timedelta(days=soon_days)).date()
    remind_at = datetime.combine(remind_day, time(remind_hour), tzinfo=ZoneInfo(zone)).astimezone(UTC)
    if held >= len(due):
        state = State.HELD
    elif now >= deadline:
        state = State.OVERDUE
    elif now >= remind_at and held + scheduled < len(due):
        state = State.DUE_SOON
    else:
        state = State.OPEN
    return Expectation(type_name, span, len(due), held, scheduled, deadline, state, remind_at, party_group)


def _standing(type_name: str, cadence: Cadence, span: Span, zone: str, meetings: Iterable[MeetingFact],
              party_group: str | None) -> tuple[tuple[datetime, ...], list[MeetingFact], int, datetime]:
    """The span's deadlines, the type's (and group's) meetings in it, how many were held, the deadline to meet
    next (the last once all are met)."""
    start, end = span.bounds(zone)
    due = _sorted_deadlines(cadence, span, zone)
    mine = [m for m in meetings if m.type == type_name and start <= m.starts_at < end
            and (party_group is None or m.party_group == party_group)]
    held = sum(1 for m in mine if m.held)
    return due, mine, held, due[min(held, len(due) - 1)]


def settled(type_name: str, cadence: Cadence, span: Span, zone: str, meetings: Iterable[MeetingFact],
            now: datetime, *, party_group: str | None = None) -> tuple[int, int] | None:
    """(expected, held) when `assess` would find the span HELD or OVERDUE; None while it is still open. The same
    decision without the reminder arithmetic, for reports over many branches."""
    due, _, held, deadline = _standing(type_name, cadence, span, zone, meetings, party_group)
    return (len(due), held) if held >= len(due) or now >= deadline else None


def report(
    cadences: Mapping[str, Cadence], zone: str, meetings: Sequence[MeetingFact], now: datetime, *,
    party_groups: Sequence[str] = (), periods_back: int = 1, soon_days: int = DEFAULT_SOON_DAYS,
    ahead: bool = False, since: datetime | None = None,
) -> list[Expectation]:
    """Every expectation of a branch: each type in its current period and the `periods_back - 1` before it (and,
    `ahead`, the next one: a 主题党日 on the 1st is due soon while the month before is still current). Periods that
    ended by `since` (before the branch's history begins) expect nothing: they are left out, not overdue."""
    result = []
    for type_name, cadence in cadences.items():
        groups: Sequence[str | None] = sorted(set(party_groups)) if cadence.per_party_group else [None]
        spans = recent(cadence.period, now, zone, periods_back)
        for span in ([following(spans[0])] if ahead else []) + spans:
            if since is not None and span.bounds(zone)[1] <= since:
                continue
            result += [assess(type_name, cadence, span, zone, meetings, now, party_group=g, soon_days=soon_days)
                       for g in groups]
    return result
