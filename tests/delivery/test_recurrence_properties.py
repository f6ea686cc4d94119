"""Properties the planner relies on, over random rules, zones and windows (Hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Occurrence, Recurrence, clear_position_cache, occurrences

# Zones with one-hour and half-hour changes, northern and southern summers, a change at midnight, and none.
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "Australia/Sydney", "Australia/Lord_Howe",
         "America/Santiago", "Pacific/Chatham", "America/St_Johns", "Europe/London"]
zones = st.sampled_from(ZONES)
starts = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC))
# Night hours are drawn often: that is where the changes happen.
hours = st.one_of(st.integers(0, 23), st.integers(0, 3))
offsets = st.lists(st.floats(min_value=-10, max_value=120, allow_nan=False), min_size=3, max_size=3).map(sorted)
skips = st.frozensets(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 6, 1)), max_size=5)
SETTINGS = settings(max_examples=60, deadline=None)


def windows(start: datetime, days: list[float]) -> tuple[datetime, datetime, datetime]:
    a, b, c = (start + timedelta(days=d) for d in days)
    return a, b, c


def wall_time_exists(day: date, at: time, zone: ZoneInfo) -> bool:
    wall = datetime.combine(day, at, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


def check_window_properties(rec: Recurrence, a: datetime, b: datetime, c: datetime) -> list[Occurrence]:
    clear_position_cache()
    whole = list(occurrences(rec, after=a, until=c))
    split = list(occurrences(rec, after=a, until=b)) + list(occurrences(rec, after=b, until=c))
    assert split == whole  # nothing lost, nothing twice at the window edge
    dues = [o.due_at for o in whole]
    assert all(x < y for x, y in pairwise(dues))
    assert all(a < d <= c for d in dues)
    from_start = [o for o in occurrences(rec, after=None, until=c) if o.due_at > a]
    assert from_start == whole  # the same numbers as one walk from the beginning
    seqs = [o.seq for o in whole]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True
    for o in whole:
        assert o.local.astimezone(UTC) == o.due_at  # == across zones is False in a doubled hour (PEP 495)
        assert o.local.tzinfo == ZoneInfo(rec.timezone)
        assert o.local.date() not in rec.skip_dates
    return whole


@SETTINGS
@given(zone=zones, start=starts, days=st.sets(st.integers(0, 6), min_size=1), hour=hours,
       minute=st.integers(0, 59), offsets=offsets, skip=skips)
def test_weekly_occurrences_keep_the_local_time_and_windows_join_exactly(
    zone: str, start: datetime, days: set[int], hour: int, minute: int, offsets: list[float], skip: frozenset[date]
) -> None:
    """Weekly lessons fire in order on the chosen days at the chosen local time (later only when that time does
    not exist that night), and two adjacent windows give exactly what one window gives."""
    rule = {"days": sorted(days), "time": f"{hour:02d}:{minute:02d}"}
    rec = Recurrence(RecurrenceType.WEEKLY, zone, start, rule, skip_dates=skip)
    found = check_window_properties(rec, *windows(start, offsets))
    tz, at = ZoneInfo(zone), time(hour, minute)
    for o in found:
        assert o.local.weekday() in days
        if o.local.time() != at:
            assert not wall_time_exists(o.local.date(), at, tz)
            assert o.local.time() > at  # the first valid instant after the missing time, the same night


monthly_rules = st.one_of(
    st.builds(lambda d, h: {"day": d, "time": f"{h:02d}:30"}, st.one_of(st.integers(1, 31), st.just("last")), hours),
    st.builds(lambda w, n, h: {"weekday": w, "nth": n, "time": f"{h:02d}:00"},
              st.integers(0, 6), st.sampled_from([1, 2, 3, 4, 5, -1]), hours),
)
cron_exprs = st.sampled_from(["0 9 * * 1-5", "*/30 1-3 * * *", "15 2 * * 0", "0 0 1,15 * 3", "30 1 * * *",
                              "0 12 last * *", "@daily", "0 2 * 3,10 0"])


@SETTINGS
@given(zone=zones, start=starts, rule=monthly_rules, offsets=offsets, skip=skips, count=st.none() | st.integers(1, 6))
def test_monthly_windows_join_exactly_and_respect_the_count(
    zone: str, start: datetime, rule: dict[str, Any], offsets: list[float], skip: frozenset[date], count: int | None
) -> None:
    """Monthly rules: ordered, numbered as one walk, split windows equal one window, never past the count."""
    rec = Recurrence(RecurrenceType.MONTHLY, zone, start, rule, skip_dates=skip, max_count=count)
    found = check_window_properties(rec, *windows(start, [o * 3 for o in offsets]))
    assert all(o.seq <= (count or o.seq) for o in found)


@SETTINGS
@given(zone=zones, start=starts, expr=cron_exprs, offsets=offsets, skip=skips)
def test_cron_windows_join_exactly(
    zone: str, start: datetime, expr: str, offsets: list[float], skip: frozenset[date]
) -> None:
    """Cron rules, including several firings inside one night's change: the same joins, order and numbering."""
    rec = Recurrence(RecurrenceType.CRON, zone, start, {"expr": expr}, skip_dates=skip)
    check_window_properties(rec, *windows(start, offsets))
