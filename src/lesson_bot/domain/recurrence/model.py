"""Recurrence: when a schedule fires, as pure data in the branch's zone (an IANA name, never an offset).

Kinds: ONCE (the moment `starts_at`), WEEKLY (chosen weekdays at a time), MONTHLY (a day of the month, "last",
or the nth/last weekday at a time) and CRON (a 5-field crontab in the zone: 0 and 7 are Sunday, and when both
day fields are restricted a day matching either fires, as crontab(5) says). A MONTHLY day 31 fires only in
months that have one; "last" is the month's last day. Occurrences are numbered 1, 2, ... from `starts_at`:
skipped dates (holidays, local dates, recurring kinds only) are not numbered, and `max_count` counts numbered
ones, so seq k of a series schedule is its k-th lesson.

Daylight saving, the rules every occurrence follows:

- a wall-clock time that does not exist (spring forward) fires at the first valid instant after it, the moment
  of the change: Berlin 02:30 on 2026-03-29 fires at 03:00 CEST (01:00 UTC);
- a wall-clock time that happens twice (fall back) fires once, at the first: Berlin 02:30 on 2026-10-25 fires
  at 02:30 CEST (00:30 UTC) only;
- so weekly 09:00 Europe/Berlin is 09:00 local on both sides of each change (08:00 UTC in winter, 07:00 UTC in
  summer); several wall times falling into one gap fire once, at the change.

APScheduler's CronTrigger computes the wall-clock pattern; it runs in UTC because, given a zone, APScheduler
3.11 repeats the fall-back hour forever and fires inside the spring-forward gap (observed with 3.11.3 and
zoneinfo). `recurrence_clock` maps wall times to instants by the rules above.

Cost, for a planner calling `occurrences(rec, after=last_tick, until=now)` every few seconds: when nothing is
due the answer costs one trigger evaluation (~0.1 ms), whatever the schedule's age. When something is due, its
seq needs the number of earlier occurrences. WEEKLY and MONTHLY count them on the calendar (`recurrence_count`:
constant for weekly, one step per month for monthly, plus the holidays in range), never walking from the start.
CRON walks: a per-process cache keeps a checkpoint every 16 occurrences, so a call walks at most 16 from the
nearest one plus those it returns; the first such call for a cron schedule in a process walks from `starts_at`
once (~80 us an occurrence: a weekday cron three years old is ~60 ms). Results never depend on the cache.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.rules import PATTERN_END, RecurrenceError, check_rule, zone
from lesson_bot.domain.recurrence.walk import Series, occurrences_through, walk

# APScheduler's calendar starts in 1970 and a datetime ends in 9999: keep a day's margin on both sides.
FIRST_YEAR, LAST_YEAR = 1971, 8999


def _aware(value: object, name: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise RecurrenceError(name, "datetime_naive")
    return value


def _in_range(value: object, name: str) -> datetime:
    moment = _aware(value, name)
    if not FIRST_YEAR <= moment.astimezone(UTC).year <= LAST_YEAR:
        raise RecurrenceError(name, "datetime_out_of_range", value=moment.isoformat())
    return moment


def validate(
    kind: RecurrenceType | str,
    rule: Mapping[str, Any],
    timezone: str,
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    max_count: int | None = None,
) -> None:
    """Raise RecurrenceError naming the field when these values do not make a schedule that can fire."""
    _validate_fields(kind, rule, timezone, starts_at, ends_at, max_count)
    kind = RecurrenceType(kind)
    if starts_at is not None and ends_at is not None and kind is not RecurrenceType.ONCE:
        first = next(walk(Series.of(kind, rule, timezone, starts_at, frozenset())), None)
        if first is None or first.due_at > ends_at:
            raise RecurrenceError("ends_at", "no_occurrence_before_end")


def _validate_fields(
    kind: object, rule: object, timezone: object, starts_at: object, ends_at: object, max_count: object
) -> None:
    try:
        checked_kind = RecurrenceType(str(kind))
    except ValueError as exc:
        raise RecurrenceError("kind", "kind_unknown", value=str(kind)) from exc
    zone(timezone)
    check_rule(checked_kind, rule)
    start = _in_range(starts_at, "starts_at") if starts_at is not None else None
    end = _in_range(ends_at, "ends_at") if ends_at is not None else None
    if start is not None and end is not None and end < start:
        raise RecurrenceError("ends_at", "ends_before_start")
    if max_count is not None and (not isinstance(max_count, int) or isinstance(max_count, bool) or max_count < 1):
        raise RecurrenceError("max_count", "count_invalid", value=str(max_count))


@dataclass(frozen=True)
class Recurrence:
    """When a schedule fires; construction checks it (RecurrenceError), so a Recurrence can always be walked."""

    kind: RecurrenceType
    timezone: str
    starts_at: datetime  # ONCE: the moment; others: the first allowed moment (inclusive)
    rule: Mapping[str, Any]
    ends_at: datetime | None = None  # nothing after it
    max_count: int | None = None  # at most this many occurrences; skipped dates do not count
    skip_dates: frozenset[date] = frozenset()  # local dates on which recurring kinds do not fire

    def __post_init__(self) -> None:
        if self.starts_at is None:
            raise RecurrenceError("starts_at", "starts_at_missing")
        _validate_fields(self.kind, self.rule, self.timezone, self.starts_at, self.ends_at, self.max_count)
        object.__setattr__(self, "kind", RecurrenceType(self.kind))
        for day in self.skip_dates:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise RecurrenceError("skip_dates", "skip_date_invalid", value=str(day))


@dataclass(frozen=True)
class Occurrence:
    """One firing: its 1-based place in the schedule, the instant (UTC) and the same instant in the zone."""

    seq: int
    due_at: datetime
    local: datetime


def occurrences(rec: Recurrence, *, after: datetime | None, until: datetime) -> Iterator[Occurrence]:
    """Every occurrence with after < due_at <= until (after=None: from the start), in order."""
    if after is not None:
        _aware(after, "after")
    upper = _aware(until, "until") if rec.ends_at is None else min(_aware(until, "until"), rec.ends_at)
    tz = ZoneInfo(rec.timezone)
    if rec.kind is RecurrenceType.ONCE:
        if (after is None or rec.starts_at > after) and rec.starts_at <= upper:
            yield Occurrence(1, rec.starts_at.astimezone(UTC), rec.starts_at.astimezone(tz))
        return
    if rec.max_count is not None and rec.max_count < 1:
        return
    series = Series.of(rec.kind, rec.rule, rec.timezone, rec.starts_at, rec.skip_dates)
    if after is None or after < rec.starts_at:
        points = walk(series)
    else:
        # Most calls find nothing due: answer that from the times alone, before counting anything.
        upcoming = next(walk(series, after=after), None)
        if upcoming is None or upcoming.due_at > upper:
            return
        points = walk(series, after=after, base=occurrences_through(series, after))
    for point in points:
        if point.due_at > upper or (rec.max_count is not None and point.seq > rec.max_count):
            return
        yield Occurrence(point.seq, point.due_at, point.due_at.astimezone(tz))


def preview(rec: Recurrence, now: datetime, n: int) -> list[Occurrence]:
    """The next n occurrences after `now`, for a secretary to check before confirming."""
    if n < 0:
        raise ValueError("n must not be negative")
    return list(islice(occurrences(rec, after=now, until=PATTERN_END), n))
