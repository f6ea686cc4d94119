"""The period picker: a month, a quarter or a year, as `2026-12`, `2026-Q4` or `2026` (the reports' notation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lesson_bot.domain import periods
from lesson_bot.domain.periods import PeriodError

PICKED = (periods.Kind.MONTH, periods.Kind.QUARTER, periods.Kind.YEAR)
MONTHS, QUARTERS, YEARS = 12, 4, 3


@dataclass(frozen=True)
class Choices:
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    years: tuple[str, ...]


def current_quarter(today: datetime) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def parse(value: str | None, today: datetime) -> str:
    """The period asked for (a month, a quarter or a year, read by domain/periods.py) as its label; else the
    current quarter."""
    try:
        period = periods.parse(value.strip()) if value else None
    except PeriodError:
        period = None
    return period.label if period is not None and period.kind in PICKED else current_quarter(today)


def choices(today: datetime) -> Choices:
    """The recent months, quarters and years, newest first."""
    months, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarters, year, quarter = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(QUARTERS):
        quarters.append(f"{year}-Q{quarter}")
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return Choices(tuple(months), tuple(quarters), tuple(str(today.year - i) for i in range(YEARS)))
