"""When schedules fire: every kind, end date, count, holidays, preview, and windows the planner asks for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Occurrence, Recurrence, clear_position_cache, occurrences, preview

SHANGHAI = "Asia/Shanghai"
FAR = datetime(2030, 1, 1, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def weekly(days: list[int], time: str, **kwargs: Any) -> Recurrence:
    kwargs.setdefault("starts_at", utc(2026, 6, 1))
    return Recurrence(RecurrenceType.WEEKLY, kwargs.pop("timezone", SHANGHAI), rule={"days": days, "time": time},
                      **kwargs)


def monthly(rule: Mapping[str, Any], **kwargs: Any) -> Recurrence:
    kwargs.setdefault("starts_at", utc(2026, 1, 1))
    return Recurrence(RecurrenceType.MONTHLY, kwargs.pop("timezone", SHANGHAI), rule=rule, **kwargs)


def cron(expr: str, **kwargs: Any) -> Recurrence:
    kwargs.setdefault("starts_at", utc(2026, 6, 1))
    return Recurrence(RecurrenceType.CRON, kwargs.pop("timezone", SHANGHAI), rule={"expr": expr}, **kwargs)


def local_times(found: list[Occurrence]) -> list[str]:
    return [o.local.strftime("%Y-%m-%d %H:%M %a") for o in found]


def first(rec: Recurrence, n: int) -> list[Occurrence]:
    return list(occurrences(rec, after=None, until=FAR))[:n]


def test_weekly_fires_on_the_chosen_days_at_the_local_time_numbered_from_one() -> None:
    """Every Monday and Wednesday 20:00 in Shanghai fires then, numbered 1, 2, 3... from the start."""
    found = first(weekly([0, 2], "20:00"), 4)
    assert local_times(found) == [
        "2026-06-01 20:00 Mon", "2026-06-03 20:00 Wed", "2026-06-08 20:00 Mon", "2026-06-10 20:00 Wed",
    ]
    assert [o.seq for o in found] == [1, 2, 3, 4]
    assert found[0].due_at == utc(2026, 6, 1, 12)
    assert found[0].due_at.tzinfo is UTC
    assert str(found[0].local.tzinfo) == SHANGHAI


def test_the_start_moment_itself_is_allowed_and_earlier_times_are_not() -> None:
    """A schedule starting exactly at an occurrence includes it; one starting a minute later skips to the next."""
    at_start = weekly([0], "20:00", starts_at=utc(2026, 6, 1, 12))
    just_after = weekly([0], "20:00", starts_at=utc(2026, 6, 1, 12, 1))
    assert first(at_start, 1)[0].due_at == utc(2026, 6, 1, 12)
    assert first(just_after, 1)[0].due_at == utc(2026, 6, 8, 12)


def test_nothing_fires_after_the_end_date() -> None:
    """With an end, the last occurrence is the one at or before it, even when asked for more."""
    rec = weekly([0], "20:00", ends_at=utc(2026, 6, 15, 12))
    assert local_times(list(occurrences(rec, after=None, until=FAR))) == [
        "2026-06-01 20:00 Mon", "2026-06-08 20:00 Mon", "2026-06-15 20:00 Mon",
    ]
    assert preview(rec, utc(2026, 6, 16), 5) == []


def test_a_count_limits_the_occurrences_whatever_the_window() -> None:
    """max_count=3 gives three lessons: asking past them, or from the middle, yields no fourth."""
    rec = weekly([0, 2], "20:00", max_count=3)
    assert [o.seq for o in occurrences(rec, after=None, until=FAR)] == [1, 2, 3]
    middle = list(occurrences(rec, after=utc(2026, 6, 2), until=FAR))
    assert [(o.seq, o.due_at) for o in middle] == [(2, utc(2026, 6, 3, 12)), (3, utc(2026, 6, 8, 12))]


def test_skipped_dates_do_not_fire_and_do_not_use_a_number_or_the_count() -> None:
    """A holiday on a lesson day is passed over: the next lesson takes its number, and the count still gives 3."""
    rec = weekly([0, 2], "20:00", skip_dates=frozenset({date(2026, 6, 3)}), max_count=3)
    found = list(occurrences(rec, after=None, until=FAR))
    assert local_times(found) == ["2026-06-01 20:00 Mon", "2026-06-08 20:00 Mon", "2026-06-10 20:00 Wed"]
    assert [o.seq for o in found] == [1, 2, 3]


def test_skip_dates_are_local_dates() -> None:
    """A holiday is the branch's local date: 07:00 Shanghai on June 2 is June 1 in UTC, and is still skipped."""
    rec = weekly([1], "07:00", skip_dates=frozenset({date(2026, 6, 2)}))
    assert first(rec, 1)[0].local.date() == date(2026, 6, 9)


def test_monthly_day_31_fires_only_in_months_that_have_one() -> None:
    """"Every 31st" fires in January, March, May, July... and not in February, April or June."""
    found = first(monthly({"day": 31, "time": "09:00"}), 4)
    assert [o.local.date() for o in found] == [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31),
                                               date(2026, 7, 31)]


def test_monthly_last_day_follows_the_month_length_and_leap_years() -> None:
    """"The last day" is the 31st, the 28th or 29th of February, the 30th, as the month has it."""
    found = list(occurrences(monthly({"day": "last", "time": "09:00"}, starts_at=utc(2027, 12, 1)),
                             after=None, until=utc(2028, 4, 30, 12)))
    assert [o.local.date() for o in found] == [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29),
                                               date(2028, 3, 31), date(2028, 4, 30)]


def test_monthly_first_friday_and_last_sunday() -> None:
    """The first Friday and the last Sunday of each month, at the chosen time."""
    fridays = first(monthly({"weekday": 4, "nth": 1, "time": "15:00"}), 3)
    sundays = first(monthly({"weekday": 6, "nth": -1, "time": "10:00"}), 3)
    assert local_times(fridays) == ["2026-01-02 15:00 Fri", "2026-02-06 15:00 Fri", "2026-03-06 15:00 Fri"]
    assert local_times(sundays) == ["2026-01-25 10:00 Sun", "2026-02-22 10:00 Sun", "2026-03-29 10:00 Sun"]


def test_monthly_fifth_friday_skips_months_without_one() -> None:
    """A fifth Friday exists only in some months; the others have no occurrence."""
    found = first(monthly({"weekday": 4, "nth": 5, "time": "15:00"}), 3)
    assert [o.local.date() for o in found] == [date(2026, 1, 30), date(2026, 5, 29), date(2026, 7, 31)]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 9 * * 1-5", ["2026-06-01 09:00 Mon", "2026-06-02 09:00 Tue", "2026-06-03 09:00 Wed"]),
        ("30 8 * * 0", ["2026-06-07 08:30 Sun", "2026-06-14 08:30 Sun", "2026-06-21 08:30 Sun"]),
        ("30 8 * * 7", ["2026-06-07 08:30 Sun", "2026-06-14 08:30 Sun", "2026-06-21 08:30 Sun"]),
        ("0 20 * * sat,SUN", ["2026-06-06 20:00 Sat", "2026-06-07 20:00 Sun", "2026-06-13 20:00 Sat"]),
        ("*/20 9 * * *", ["2026-06-01 09:00 Mon", "2026-06-01 09:20 Mon", "2026-06-01 09:40 Mon"]),
        ("0 9 1 * *", ["2026-06-01 09:00 Mon", "2026-07-01 09:00 Wed", "2026-08-01 09:00 Sat"]),
        ("0 9 15 * 3", ["2026-06-03 09:00 Wed", "2026-06-10 09:00 Wed", "2026-06-15 09:00 Mon"]),
        ("0 7 * jul-aug */2", ["2026-07-02 07:00 Thu", "2026-07-04 07:00 Sat", "2026-07-05 07:00 Sun"]),
        ("@daily", ["2026-06-02 00:00 Tue", "2026-06-03 00:00 Wed", "2026-06-04 00:00 Thu"]),
    ],
)
def test_cron_reads_like_crontab_in_the_branch_zone(expr: str, expected: list[str]) -> None:
    """Crontab numbering (0 and 7 are Sunday), names, steps, months, either-day matching and macros."""
    assert local_times(first(cron(expr), 3)) == expected


def test_a_one_off_in_the_past_is_still_returned_for_the_planner_to_judge() -> None:
    """A one-off whose moment has passed is found from the start (the planner records it missed) but not previewed."""
    rec = Recurrence(RecurrenceType.ONCE, SHANGHAI, utc(2026, 6, 1, 12), {})
    now = utc(2026, 6, 2)
    assert [(o.seq, o.due_at) for o in occurrences(rec, after=None, until=now)] == [(1, utc(2026, 6, 1, 12))]
    assert list(occurrences(rec, after=utc(2026, 6, 1, 12), until=now)) == []
    assert preview(rec, now, 3) == []


def test_a_one_off_ignores_holidays_and_previews_its_moment() -> None:
    """A one-off is a deliberate choice: it fires even on a branch holiday, once."""
    rec = Recurrence(RecurrenceType.ONCE, SHANGHAI, utc(2026, 10, 1, 12), {}, skip_dates=frozenset({date(2026, 10, 1)}))
    found = preview(rec, utc(2026, 6, 1), 3)
    assert local_times(found) == ["2026-10-01 20:00 Thu"]


def test_preview_gives_the_next_n_after_now_in_local_time() -> None:
    """The preview a secretary sees: the next n, strictly after now, numbered as they will be delivered."""
    rec = weekly([0, 2], "20:00")
    found = preview(rec, utc(2026, 6, 3, 12), 3)
    assert local_times(found) == ["2026-06-08 20:00 Mon", "2026-06-10 20:00 Wed", "2026-06-15 20:00 Mon"]
    assert [o.seq for o in found] == [3, 4, 5]
    assert preview(rec, utc(2026, 6, 3, 12), 0) == []
    with pytest.raises(ValueError, match="negative"):
        preview(rec, utc(2026, 6, 3), -1)


def test_a_window_before_the_start_counts_from_the_start() -> None:
    """Asking from before the schedule starts yields it from its first occurrence, numbered 1."""
    rec = weekly([0], "20:00")
    found = list(occurrences(rec, after=utc(2025, 1, 1), until=utc(2026, 6, 9)))
    assert [(o.seq, o.local.date()) for o in found] == [(1, date(2026, 6, 1)), (2, date(2026, 6, 8))]


def test_naive_window_bounds_are_refused() -> None:
    """A window without a zone is a programming error, named as such."""
    rec = weekly([0], "20:00")
    with pytest.raises(ValueError, match="until"):
        list(occurrences(rec, after=None, until=datetime(2026, 7, 1)))
    with pytest.raises(ValueError, match="after"):
        list(occurrences(rec, after=datetime(2026, 6, 1), until=utc(2026, 7, 1)))


def test_planner_ticks_over_years_number_like_one_walk_from_the_start() -> None:
    """Ticking every few hours for two years gives exactly the occurrences and numbers of one long walk."""
    rec = cron("0 9,21 * * *", starts_at=utc(2026, 1, 1), skip_dates=frozenset({date(2026, 5, 1), date(2027, 1, 1)}))
    whole = list(occurrences(rec, after=None, until=utc(2028, 1, 1)))
    clear_position_cache()
    ticked: list[Occurrence] = []
    tick = utc(2026, 1, 1)
    while tick < utc(2028, 1, 1):
        ticked.extend(occurrences(rec, after=tick, until=tick + timedelta(hours=5)))
        tick += timedelta(hours=5)
    assert ticked == whole
    assert [o.seq for o in whole] == list(range(1, len(whole) + 1))
    clear_position_cache()
    late = list(occurrences(rec, after=utc(2027, 6, 1), until=utc(2027, 6, 2)))
    assert late == [o for o in whole if utc(2027, 6, 1) < o.due_at <= utc(2027, 6, 2)]
