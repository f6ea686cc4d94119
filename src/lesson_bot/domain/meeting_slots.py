"""Start times to offer for a routine meeting: in the period its cadence still owes, like last time first.

Pure: the caller gives `now`, the branch's zone, the type's cadence, the meetings of that type (for what is owed)
and the local days already taken by other meetings. The rules:

- The owed period is the current one unless enough meetings of the type are held or called in it (then the
  next); a period with no day left after today is skipped too.
- "Like last time": the day of the month of the type's last meeting (a fixed-day type: its day), at the same
  local time, in the owed period (clamped to the month's length), unless that day is taken.
- Then the next free weekday evenings (Monday to Friday, a day without another meeting) of that period, at the
  last meeting's time or 19:30, from tomorrow on; a period that runs out continues into the next.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lesson_bot.domain.cadence import Cadence, MeetingFact, Span, assess, following, span_of
from lesson_bot.domain.recurrence import resolve_local

EVENING = time(19, 30)
FRIDAY = 4


def owed_span(type_key: str, cadence: Cadence, zone: str, facts: Sequence[MeetingFact], now: datetime,
              party_group: str | None = None) -> Span:
    """The period whose meeting of this type is still to be called: this one, or the next when it has enough."""
    tomorrow = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    span = span_of(cadence.period, tomorrow - timedelta(days=1))
    standing = assess(type_key, cadence, span, zone, facts, now, party_group=party_group)
    if standing.held + standing.scheduled >= standing.expected or tomorrow >= span.end:
        span = following(span)
    return span


def start_presets(
    type_key: str, cadence: Cadence | None, zone: str, facts: Sequence[MeetingFact], now: datetime, *,
    last: datetime | None = None, taken: Collection[date] = (), party_group: str | None = None, count: int = 3,
) -> list[datetime]:
    """Up to `count` start instants (UTC), soonest first: like `last` (UTC) in the owed period, then free
    weekday evenings there."""
    local_now = now.astimezone(ZoneInfo(zone))
    tomorrow = local_now.date() + timedelta(days=1)
    clock = last.astimezone(ZoneInfo(zone)).time().replace(second=0, microsecond=0) if last else EVENING
    if cadence is None:
        first, end = tomorrow, tomorrow + timedelta(days=28)
    else:
        span = owed_span(type_key, cadence, zone, facts, now, party_group)
        first, end = max(span.first, tomorrow), following(span).end
    days: list[date] = []
    day_of_month = cadence.fixed_day if cadence is not None and cadence.fixed_day else (
        last.astimezone(ZoneInfo(zone)).day if last else None)
    if day_of_month is not None:
        like_last = _in_month(first, day_of_month)
        if like_last < first:
            like_last = _in_month(_next_month(first), day_of_month)
        if like_last < end and like_last not in taken:
            days.append(like_last)
    day = first
    while len(days) < count and day < end:
        if day.weekday() <= FRIDAY and day not in taken and day not in days:
            days.append(day)
        day += timedelta(days=1)
    return sorted(resolve_local(datetime.combine(d, clock), zone) for d in days)


def _in_month(day: date, day_of_month: int) -> date:
    last = (_next_month(day) - timedelta(days=1)).day
    return day.replace(day=min(day_of_month, last))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
