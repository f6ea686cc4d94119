"""Report periods: written forms, their UTC bounds in a branch's zone (DST included), the period before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lesson_bot.domain.periods import Kind, Period, PeriodError, Recent, parse, recent


@pytest.mark.parametrize(("text", "first", "last", "kind"), [
    ("2026-11", date(2026, 11, 1), date(2026, 11, 30), Kind.MONTH),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), Kind.MONTH),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), Kind.QUARTER),
    ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), Kind.QUARTER),
    ("2026", date(2026, 1, 1), date(2026, 12, 31), Kind.YEAR),
    ("2026-10-01..2026-12-31", date(2026, 10, 1), date(2026, 12, 31), Kind.RANGE),
    ("2026-03-05..2026-03-05", date(2026, 3, 5), date(2026, 3, 5), Kind.RANGE),
])
def test_each_written_form_names_its_days_and_reads_back(text: str, first: date, last: date, kind: Kind) -> None:
    """Each form gives its first and last day, and its label parses back to the same period."""
    period = parse(text)
    assert (period.first, period.last, period.kind) == (first, last, kind)
    assert parse(period.label) == period


@pytest.mark.parametrize(("text", "problem"), [
    ("2026-13", "the month must be from 01 to 12"),
    ("2026-Q5", "expected a month"),
    ("26-Q1", "expected a month"),
    ("1999", "the year must be from 2000 to 2999"),
    ("2026-12-31..2026-10-01", "the range ends before it starts"),
    ("2026-02-30..2026-03-01", "2026-02-30 is not a date"),
    ("2020-01-01..2026-01-01", "a range is at most 1098 days"),
    ("next quarter", "expected a month"),
])
def test_a_bad_period_is_refused_naming_the_field(text: str, problem: str) -> None:
    """The error names the field and the value and says what is wrong."""
    with pytest.raises(PeriodError) as caught:
        parse(text, "--period")
    assert caught.value.field == "--period"
    assert problem in str(caught.value)
    assert str(caught.value).startswith("--period: ")


def test_bounds_are_local_midnights_of_the_zone() -> None:
    """2026-Q4 in Shanghai starts at 16:00 UTC the day before and ends at 16:00 UTC on 31 December."""
    assert parse("2026-Q4").bounds("Asia/Shanghai") == (datetime(2026, 9, 30, 16, tzinfo=UTC),
                                                         datetime(2026, 12, 31, 16, tzinfo=UTC))


def test_bounds_follow_daylight_saving_in_the_zone() -> None:
    """March 2026 in Berlin starts at UTC+1 and ends at UTC+2 (DST began on the 29th): 743 hours, not 744."""
    start, end = parse("2026-03").bounds("Europe/Berlin")
    assert start == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 22, tzinfo=UTC)
    assert (end - start).total_seconds() == 743 * 3600
    start, end = parse("2026-Q4").bounds("America/New_York")
    assert (start, end) == (datetime(2026, 10, 1, 4, tzinfo=UTC), datetime(2027, 1, 1, 5, tzinfo=UTC))


@pytest.mark.parametrize(("text", "before"), [
    ("2026-01", "2025-12"),
    ("2026-Q1", "2025-Q4"),
    ("2026-Q3", "2026-Q2"),
    ("2026", "2025"),
    ("2026-10-01..2026-10-10", "2026-09-21..2026-09-30"),
    ("2026-03-01..2026-03-31", "2026-01-29..2026-02-28"),
])
def test_the_previous_period_is_of_equal_kind_or_length(text: str, before: str) -> None:
    """Trend compares with the period just before: the same kind, or for a range as many days."""
    previous = parse(text).previous()
    assert previous.label == before
    assert previous.days == parse(text).days or previous.kind is not Kind.RANGE
    assert previous.end == parse(text).first


def test_contains_is_inclusive_of_both_ends() -> None:
    period = Period(date(2026, 10, 1), date(2026, 10, 31), Kind.RANGE)
    assert period.contains(date(2026, 10, 1)) and period.contains(date(2026, 10, 31))
    assert not period.contains(date(2026, 11, 1))


@pytest.mark.parametrize(("today", "labels"), [
    (date(2026, 12, 1), ["2026-12", "2026-11", "2026-Q4", "2026-Q3", "2026"]),
    (date(2027, 1, 5), ["2027-01", "2026-12", "2027-Q1", "2026-Q4", "2027"]),
    (date(2026, 4, 30), ["2026-04", "2026-03", "2026-Q2", "2026-Q1", "2026"]),
])
def test_the_report_picker_offers_the_periods_around_the_local_day(today: date, labels: list[str]) -> None:
    """This month, last month, this quarter, last quarter, this year, seen from the caller's local day (a new
    year's first days look back into December and the last quarter of the year before)."""
    found = recent(today)
    assert [which for which, _ in found] == list(Recent)
    assert [period.label for _, period in found] == labels
