"""Report periods: a month (`2026-11`), a quarter (`2026-Q4`), a year (`2026`) or a range of dates
(`2026-10-01..2026-12-31`, both days included).

A period is local calendar dates; its bounds are UTC instants in a given IANA zone (an organization's report covers
each branch in its own zone, so one period has as many bounds as there are zones). The previous period is the one
of equal kind before it; for a range, the same number of days just before it. Pure: no clock, no I/O.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lesson_bot.domain.cadence import local_midnight

MAX_RANGE_DAYS = 3 * 366  # longer ranges are more likely a typo than a report
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = r"(\d{4}-\d{2}-\d{2})"
_RANGE = re.compile(rf"^{_DAY}\.\.{_DAY}$")


class PeriodError(ValueError):
    """A period that cannot be read: `field` names the input, `problem` says why."""

    def __init__(self, field: str, value: str, problem: str) -> None:
        super().__init__(f"{field}: {problem} (got {value!r})")
        self.field, self.value, self.problem = field, value, problem


class Kind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True, order=True)
class Period:
    """Local calendar days [first, last], both included."""

    first: date
    last: date
    kind: Kind

    @property
    def end(self) -> date:
        """The day after the last one (the exclusive end)."""
        return self.last + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.first).days

    @property
    def label(self) -> str:
        """The period as it is written on the command line (`parse(p.label) == p`)."""
        match self.kind:
            case Kind.MONTH:
                return f"{self.first:%Y-%m}"
            case Kind.QUARTER:
                return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
            case Kind.YEAR:
                return f"{self.first.year}"
            case Kind.RANGE:
                return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def bounds(self, zone: str) -> tuple[datetime, datetime]:
        """The UTC instants the period starts and ends in `zone` (half-open: [start, end))."""
        return local_midnight(self.first, zone), local_midnight(self.end, zone)

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def previous(self) -> Period:
        """The period of equal kind just before (for a range: as many days, ending the day before it starts)."""
        match self.kind:
            case Kind.MONTH:
                return month(*_shift(self.first, -1))
            case Kind.QUARTER:
                before = _shift(self.first, -3)
                return quarter(before[0], (before[1] - 1) // 3 + 1)
            case Kind.YEAR:
                return year(self.first.year - 1)
            case Kind.RANGE:
                last = self.first - timedelta(days=1)
                return Period(last - timedelta(days=self.days - 1), last, Kind.RANGE)


def _shift(first: date, months: int) -> tuple[int, int]:
    index = first.year * 12 + first.month - 1 + months
    return index // 12, index % 12 + 1


def month(year_: int, month_: int) -> Period:
    first = date(year_, month_, 1)
    next_year, next_month = _shift(first, 1)
    return Period(first, date(next_year, next_month, 1) - timedelta(days=1), Kind.MONTH)


def quarter(year_: int, number: int) -> Period:
    first = date(year_, (number - 1) * 3 + 1, 1)
    next_year, next_month = _shift(first, 3)
    return Period(first, date(next_year, next_month, 1) - timedelta(days=1), Kind.QUARTER)


def year(year_: int) -> Period:
    return Period(date(year_, 1, 1), date(year_, 12, 31), Kind.YEAR)


def _year(text: str, value: str, field: str) -> int:
    number = int(text)
    if not 2000 <= number <= 2999:
        raise PeriodError(field, value, "the year must be from 2000 to 2999")
    return number


def _day(text: str, value: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(field, value, f"{text} is not a date") from None


def parse(value: str, field: str = "period") -> Period:
    """A period from its written form; PeriodError naming `field` when it is not one."""
    text = value.strip()
    if found := _MONTH.match(text):
        number = int(found.group(2))
        if not 1 <= number <= 12:
            raise PeriodError(field, value, "the month must be from 01 to 12")
        return month(_year(found.group(1), value, field), number)
    if found := _QUARTER.match(text):
        return quarter(_year(found.group(1), value, field), int(found.group(2)))
    if found := _YEAR.match(text):
        return year(_year(found.group(1), value, field))
    if found := _RANGE.match(text):
        first, last = _day(found.group(1), value, field), _day(found.group(2), value, field)
        _year(str(first.year), value, field)
        _year(str(last.year), value, field)
        if last < first:
            raise PeriodError(field, value, "the range ends before it starts")
        if (last - first).days + 1 > MAX_RANGE_DAYS:
            raise PeriodError(field, value, f"a range is at most {MAX_RANGE_DAYS} days")
        return Period(first, last, Kind.RANGE)
    raise PeriodError(field, value, "expected a month (2026-11), a quarter (2026-Q4), a year (2026) "
                                    "or a range of dates (2026-10-01..2026-12-31)")


def format_period(period: Period) -> str:
    return period.label


class Recent(enum.StrEnum):
    """The periods a report picker offers, relative to a local day."""

    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    LAST_QUARTER = "last_quarter"
    THIS_YEAR = "this_year"


def recent(today: date) -> list[tuple[Recent, Period]]:
    """This month, last month, this quarter, last quarter and this year, as seen on the local day `today`."""
    this_month = month(today.year, today.month)
    this_quarter = quarter(today.year, (today.month - 1) // 3 + 1)
    return [(Recent.THIS_MONTH, this_month), (Recent.LAST_MONTH, this_month.previous()),
            (Recent.THIS_QUARTER, this_quarter), (Recent.LAST_QUARTER, this_quarter.previous()),
            (Recent.THIS_YEAR, year(today.year))]
