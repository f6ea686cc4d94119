"""Wall-clock times to instants in a zone, by two fixed rules for daylight-saving changes.

A wall time that does not exist (spring forward) becomes the first valid instant after it, i.e. the moment of the
change (02:30 on Berlin's spring-forward night fires at 03:00 CEST). A wall time that happens twice (fall back)
becomes the first of the two (02:30 on Berlin's fall-back night fires at 02:30 CEST, once).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)


def resolve(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall time (its fields read in `tz`; its own tzinfo and fold are ignored)."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=UTC) == wall.replace(tzinfo=UTC, fold=0):
        return first  # exists; fold=0 is the earlier of two when it happens twice
    # In a gap fold=0 and fold=1 read the wall time with the offsets on either side of the change, which
    # bracket the change; the first instant in the bracket with the later offset is the change itself.
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, second), max(first, second)
    before = low.astimezone(tz).utcoffset()
    while high - low > _SECOND:
        middle = low + ((high - low) // 2 // _SECOND) * _SECOND
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


def resolve_local(local: datetime, timezone: str) -> datetime:
    """The UTC instant at which a wall time typed by a secretary happens in `timezone`, by the DST rules."""
    return resolve(local, ZoneInfo(timezone))


def wall_floor(instant: datetime, tz: ZoneInfo) -> datetime:
    """A wall time (tagged UTC) at or before that of every wall time whose instant is after `instant`.

    Uses the smallest offset the zone has within a day of `instant`; zones change offset at most once a day.
    """
    offsets = [(instant + k * _DAY).astimezone(tz).utcoffset() for k in (-1, 0, 1)]
    smallest = min(o for o in offsets if o is not None)
    return (instant + smallest).replace(tzinfo=UTC)
