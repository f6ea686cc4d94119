"""Counting weekly and monthly occurrences on the calendar instead of walking them one by one.

Such a rule fires at one wall time on each matching local date, and the DST rules map distinct dates to
distinct instants (a missing time moves forward to the change, within the night), so the number of occurrences
due by a moment is the number of matching dates between the first and the last date whose occurrence falls in
range, less the holidays those occurrences land on. Cost: O(1) for weekly, O(months) for monthly, plus
O(holidays in range).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.clock import resolve
from lesson_bot.domain.recurrence.rules import parse_time

_DAY = timedelta(days=1)


def monthly_date(rule: Mapping[str, Any], year: int, month: int) -> date | None:
    """The date a monthly rule names in that month, None if the month has none (a 31st, a fifth Friday)."""
    first_weekday, length = calendar.monthrange(year, month)
    day = rule.get("day")
    if day == "last":
        return date(year, month, length)
    if day is not None:
        return date(year, month, day) if day <= length else None
    weekday, nth = rule["weekday"], rule["nth"]
    if nth == -1:
        return date(year, month, length - (calendar.weekday(year, month, length) - weekday) % 7)
    found = 1 + (weekday - first_weekday) % 7 + 7 * (nth - 1)
    return date(year, month, found) if found <= length else None


def _matches(kind: RecurrenceType, rule: Mapping[str, Any], day: date) -> bool:
    if kind is RecurrenceType.WEEKLY:
        return day.weekday() in rule["days"]
    return monthly_date(rule, day.year, day.month) == day


def _matching_days(kind: RecurrenceType, rule: Mapping[str, Any], first: date, last: date) -> int:
    if last < first:
        return 0
    if kind is RecurrenceType.WEEKLY:
        weeks, rest = divmod((last - first).days + 1, 7)
        days = set(rule["days"])
        return weeks * len(days) + sum((first.weekday() + k) % 7 in days for k in range(rest))
    count, year, month = 0, first.year, first.month
    while (year, month) <= (last.year, last.month):
        found = monthly_date(rule, year, month)
        count += found is not None and first <= found <= last
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count


def count_through(
    kind: RecurrenceType,
    rule: Mapping[str, Any],
    tz: ZoneInfo,
    starts_at: datetime,
    skip_dates: frozenset[date],
    instant: datetime,
) -> int:
    """How many occurrences of a weekly or monthly rule are due from `starts_at` up to `instant` inclusive."""
    hour, minute = parse_time(rule["time"])

    def due(day: date) -> datetime:
        return resolve(datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC), tz)

    # A day's occurrence lands on that local date or, moved out of a gap at midnight, the next one.
    start_day = starts_at.astimezone(tz).date()
    first = next(d for d in (start_day - _DAY, start_day, start_day + _DAY) if due(d) >= starts_at)
    end_day = instant.astimezone(tz).date()
    last = next((d for d in (end_day, end_day - _DAY) if due(d) <= instant), end_day - 2 * _DAY)
    count = _matching_days(kind, rule, first, last)
    for holiday in skip_dates:
        if not first <= holiday <= last + _DAY:
            continue
        for day in (holiday - _DAY, holiday):
            if first <= day <= last and _matches(kind, rule, day) and due(day).astimezone(tz).date() == holiday:
                count -= 1
    return count
