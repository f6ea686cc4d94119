"""A schedule that cannot be kept is refused with the field at fault and a stable problem code."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Recurrence, RecurrenceError, validate

W, M, C, ONCE = RecurrenceType.WEEKLY, RecurrenceType.MONTHLY, RecurrenceType.CRON, RecurrenceType.ONCE
SHANGHAI = "Asia/Shanghai"
START = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "rule", "field", "problem"),
    [
        (W, {"days": [], "time": "09:00"}, "rule.days", "days_empty"),
        (W, {"days": [7], "time": "09:00"}, "rule.days", "day_invalid"),
        (W, {"days": [-1], "time": "09:00"}, "rule.days", "day_invalid"),
        (W, {"days": [True], "time": "09:00"}, "rule.days", "day_invalid"),
        (W, {"days": ["mon"], "time": "09:00"}, "rule.days", "day_invalid"),
        (W, {"days": "0,2", "time": "09:00"}, "rule.days", "days_not_list"),
        (W, {"days": [1, 1], "time": "09:00"}, "rule.days", "days_duplicate"),
        (W, {"days": [1], "time": "25:00"}, "rule.time", "time_invalid"),
        (W, {"days": [1], "time": "09:60"}, "rule.time", "time_invalid"),
        (W, {"days": [1], "time": "9"}, "rule.time", "time_invalid"),
        (W, {"days": [1], "time": 900}, "rule.time", "time_invalid"),
        (W, {"days": [1]}, "rule.time", "rule_key_missing"),
        (W, {"time": "09:00"}, "rule.days", "rule_key_missing"),
        (W, {"days": [1], "time": "09:00", "every": 2}, "rule.every", "rule_key_unknown"),
        (M, {"day": 0, "time": "09:00"}, "rule.day", "day_of_month_invalid"),
        (M, {"day": 32, "time": "09:00"}, "rule.day", "day_of_month_invalid"),
        (M, {"day": "first", "time": "09:00"}, "rule.day", "day_of_month_invalid"),
        (M, {"day": 1, "weekday": 4, "nth": 1, "time": "09:00"}, "rule", "monthly_ambiguous"),
        (M, {"weekday": 7, "nth": 1, "time": "09:00"}, "rule.weekday", "weekday_invalid"),
        (M, {"weekday": 4, "nth": 6, "time": "09:00"}, "rule.nth", "nth_invalid"),
        (M, {"weekday": 4, "nth": 0, "time": "09:00"}, "rule.nth", "nth_invalid"),
        (M, {"weekday": 4, "nth": -2, "time": "09:00"}, "rule.nth", "nth_invalid"),
        (M, {"weekday": 4, "time": "09:00"}, "rule.nth", "rule_key_missing"),
        (M, {"time": "09:00"}, "rule.weekday", "rule_key_missing"),
        (M, {"day": 1, "time": "24:00"}, "rule.time", "time_invalid"),
        (C, {"expr": "every day at nine"}, "rule.expr", "cron_fields"),
        (C, {"expr": "0 9 * *"}, "rule.expr", "cron_fields"),
        (C, {"expr": "0 9 * * * *"}, "rule.expr", "cron_fields"),
        (C, {"expr": 5}, "rule.expr", "cron_fields"),
        (C, {"expr": "61 9 * * *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 24 * * *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 32 * *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 * 13 *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 * * 8"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 * * 5-1"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 * * mon-xyz"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 * * 1#2"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 9 ? * *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "*/0 9 * * *"}, "rule.expr", "cron_invalid"),
        (C, {"expr": "0 0 30 2 *"}, "rule.expr", "cron_never_fires"),
        (C, {"expr": "0 0 31 4,6,9,11 *"}, "rule.expr", "cron_never_fires"),
        (C, {}, "rule.expr", "rule_key_missing"),
        (ONCE, {"time": "09:00"}, "rule.time", "rule_key_unknown"),
        (W, ["days", "time"], "rule", "rule_not_mapping"),
        ("yearly", {}, "kind", "kind_unknown"),
    ],
)
def test_bad_rules_name_the_field_and_the_problem(kind: Any, rule: Any, field: str, problem: str) -> None:
    """Each malformed rule is refused, pointing at the part to fix."""
    with pytest.raises(RecurrenceError) as caught:
        validate(kind, rule, SHANGHAI, starts_at=START)
    assert (caught.value.field, caught.value.problem) == (field, problem)
    with pytest.raises(RecurrenceError):
        Recurrence(kind, SHANGHAI, START, rule)


def test_a_cron_error_says_which_field_and_value() -> None:
    """The message for a bad cron field can quote the field and the value typed."""
    with pytest.raises(RecurrenceError) as caught:
        validate(C, {"expr": "0 25 * * *"}, SHANGHAI)
    assert caught.value.params == {"part": "hour", "value": "25"}


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "+08:00", "UTC+8", "", " Asia/Shanghai", "../etc/passwd", 8])
def test_an_unknown_zone_is_refused(zone: Any) -> None:
    """Only IANA zone names are accepted; an offset or a typo is refused as an unknown zone."""
    with pytest.raises(RecurrenceError) as caught:
        validate(W, {"days": [0], "time": "09:00"}, zone)
    assert (caught.value.field, caught.value.problem) == ("timezone", "timezone_unknown")


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"starts_at": datetime(2026, 6, 1)}, "starts_at", "datetime_naive"),
        ({"starts_at": START, "ends_at": datetime(2026, 7, 1)}, "ends_at", "datetime_naive"),
        ({"ends_at": datetime(2026, 7, 1)}, "ends_at", "datetime_naive"),
        ({"starts_at": START, "ends_at": datetime(2026, 5, 1, tzinfo=UTC)}, "ends_at", "ends_before_start"),
        ({"starts_at": START, "ends_at": datetime(2026, 6, 2, tzinfo=UTC)}, "ends_at", "no_occurrence_before_end"),
        ({"max_count": 0}, "max_count", "count_invalid"),
        ({"max_count": -3}, "max_count", "count_invalid"),
        ({"max_count": True}, "max_count", "count_invalid"),
        ({"max_count": 2.5}, "max_count", "count_invalid"),
    ],
)
def test_bad_limits_are_refused(kwargs: dict[str, Any], field: str, problem: str) -> None:
    """A naive time, an end before the start or before any lesson, and a count under 1 are refused."""
    with pytest.raises(RecurrenceError) as caught:
        validate(W, {"days": [3], "time": "09:00"}, SHANGHAI, **kwargs)  # first lesson: Thursday 4 June
    assert (caught.value.field, caught.value.problem) == (field, problem)


def test_good_schedules_pass() -> None:
    """Well-formed schedules of every kind validate, with an end and a count."""
    end = datetime(2026, 12, 31, tzinfo=UTC)
    validate(W, {"days": [0, 2, 4], "time": "9:05"}, SHANGHAI, starts_at=START, ends_at=end, max_count=10)
    validate(M, {"day": "last", "time": "09:00"}, "Europe/Berlin", starts_at=START, ends_at=end)
    validate(M, {"weekday": 6, "nth": -1, "time": "09:00"}, "America/New_York")
    validate(C, {"expr": "@weekly"}, "UTC", starts_at=START, ends_at=end)
    validate(C, {"expr": "0 0 29 2 *"}, SHANGHAI)  # only in leap years, but it does fire
    validate("once", {}, SHANGHAI, starts_at=START, ends_at=START)


def test_a_recurrence_refuses_a_missing_start_and_datetimes_as_skip_dates() -> None:
    """A stored schedule always has a start, and its holidays are dates, not datetimes."""
    with pytest.raises(RecurrenceError) as caught:
        Recurrence(W, SHANGHAI, None, {"days": [0], "time": "09:00"})  # type: ignore[arg-type]
    assert caught.value.field == "starts_at"
    with pytest.raises(RecurrenceError) as caught:
        Recurrence(W, SHANGHAI, START, {"days": [0], "time": "09:00"}, skip_dates=frozenset({START}))
    assert (caught.value.field, caught.value.problem) == ("skip_dates", "skip_date_invalid")
    assert Recurrence("weekly", SHANGHAI, START, {"days": [0], "time": "09:00"}).kind is W  # type: ignore[arg-type]
    assert date(2026, 6, 1) in Recurrence(W, SHANGHAI, START, {"days": [0], "time": "09:00"},
                                          skip_dates=frozenset({date(2026, 6, 1)})).skip_dates
