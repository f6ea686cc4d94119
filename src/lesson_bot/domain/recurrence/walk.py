"""Walking a schedule's occurrences in order, and finding how many came before a moment (for seq numbers)."""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.clock import resolve, wall_floor
from lesson_bot.domain.recurrence.count import count_through
from lesson_bot.domain.recurrence.rules import Pattern, canonical_rule, compile_pattern

CHECKPOINT_EVERY = 16
CACHED_SCHEDULES = 2048
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Point:
    wall: datetime  # the pattern's wall time (tagged UTC) that produced this occurrence
    due_at: datetime
    seq: int


@dataclass(frozen=True)
class Series:
    """What numbering depends on (not ends_at nor max_count, which only cut the series)."""

    kind: RecurrenceType
    tz: ZoneInfo
    starts_at: datetime
    skip_dates: frozenset[date]
    pattern: Pattern = field(compare=False)
    rule: Mapping[str, Any] = field(compare=False)
    key: tuple[object, ...] = field(compare=False)

    @classmethod
    def of(
        cls, kind: RecurrenceType, rule: Mapping[str, Any], timezone: str, starts_at: datetime, skip: frozenset[date]
    ) -> Series:
        rule_json = canonical_rule(rule)
        key = (kind, timezone, starts_at.astimezone(UTC), rule_json, skip)
        return cls(kind, ZoneInfo(timezone), starts_at, skip, compile_pattern(kind, rule_json), rule, key)


def walk(
    series: Series, start: Point | None = None, *, after: datetime | None = None, base: int = 0
) -> Iterator[Point]:
    """Occurrences in order: after `start`, or after `after` numbered from `base`, or from the beginning."""
    if start is not None:
        wall, last_due, seq = start.wall + _ONE_MICROSECOND, start.due_at, start.seq
    else:
        wall, last_due, seq = wall_floor(series.starts_at - _ONE_MICROSECOND, series.tz), None, base
    if after is not None:
        wall = max(wall, wall_floor(after, series.tz))
    for candidate in series.pattern.walls(wall):
        due = resolve(candidate, series.tz)
        if due == last_due or due < series.starts_at or (after is not None and due <= after):
            continue  # several wall times in one DST gap fire once, at the change
        last_due = due
        if due.astimezone(series.tz).date() in series.skip_dates:
            continue
        seq += 1
        yield Point(candidate, due, seq)


def occurrences_through(series: Series, instant: datetime) -> int:
    """How many occurrences are due at or before `instant`."""
    if series.kind is RecurrenceType.CRON:
        found = _POSITIONS.last_at_or_before(series, instant)
        return found.seq if found is not None else 0
    # One firing per matching day: counted on the calendar, whatever the schedule's age.
    return count_through(series.kind, series.rule, series.tz, series.starts_at, series.skip_dates, instant)


class PositionCache:
    """Checkpoints (every CHECKPOINT_EVERY-th occurrence) per series, least recently used dropped first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._points: OrderedDict[tuple[object, ...], list[Point]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._points.clear()

    def last_at_or_before(self, series: Series, instant: datetime) -> Point | None:
        """The last occurrence due at or before `instant`, None if there is none."""
        with self._lock:
            points = list(self._points.get(series.key, ()))
            if series.key in self._points:
                self._points.move_to_end(series.key)
        index = bisect.bisect_right(points, instant, key=lambda p: p.due_at)
        found = points[index - 1] if index else None
        learned: list[Point] = []
        for point in walk(series, found):
            if point.due_at > instant:
                break
            found = point
            if point.seq % CHECKPOINT_EVERY == 0 and (not points or point.seq > points[-1].seq):
                learned.append(point)
        if learned:
            self._store(series.key, learned)
        return found

    def _store(self, key: tuple[object, ...], learned: list[Point]) -> None:
        with self._lock:
            points = self._points.setdefault(key, [])
            points.extend(p for p in learned if not points or p.seq > points[-1].seq)
            self._points.move_to_end(key)
            while len(self._points) > self._capacity:
                self._points.popitem(last=False)


_POSITIONS = PositionCache(CACHED_SCHEDULES)


def clear_position_cache() -> None:
    """Forget every cached checkpoint (results are the same; only the cost of the next calls changes)."""
    _POSITIONS.clear()
