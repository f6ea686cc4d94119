"""The period picker: a month, a quarter or a year, as `2026-12`, `2026-Q4` or `2026` (the reports' notation)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")
MONTHS, QUARTERS, YEARS = 12, 4, 3


@dataclass(frozen=True)
class Choices:
    months: tuple[str, ...]
    quarters: tuple[str, ...]
    years: tuple[str, ...]


def current_quarter(today: datetime) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def parse(value: str | None, today: datetime) -> str:
    """The period asked for, if well formed; else the current quarter."""
    if value and _PERIOD.match(value.strip()):
        return value.strip()
    return current_quarter(today)


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
