"""The neutral tabular model every export is written from: report services fill it, writers turn it into files.

A report is a `Workbook` of `Table`s (one per level: organization, branches, members, meetings, lessons). Titles
are already translated by the caller; `name`s are stable ASCII identifiers (file names in a CSV zip). Each cell's
Python type must match its column's kind, so a writer never guesses: a `percent` is a float 0..1 (written as a
number formatted as a percentage), a `date` a `date`, a `datetime` a wall-clock time in the branch's zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

Cell = str | int | float | date | datetime | None

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    PERCENT = "percent"  # a float 0..1, shown as 0.0%
    DATE = "date"
    DATETIME = "datetime"  # wall-clock time: convert to the branch's zone before building the table


def _fits(kind: Kind, value: Cell) -> bool:
    if value is None:
        return True
    if kind is Kind.TEXT:
        return isinstance(value, str)
    if isinstance(value, bool):  # a bool is an int to Python, never a figure here
        return False
    if kind is Kind.INTEGER:
        return isinstance(value, int)
    if kind in (Kind.NUMBER, Kind.PERCENT):
        return isinstance(value, int | float)
    if kind is Kind.DATETIME:
        return isinstance(value, datetime)
    return isinstance(value, date) and not isinstance(value, datetime)


@dataclass(frozen=True)
class Column:
    """A column: `key` identifies it in records, `title` is its translated header."""

    key: str
    title: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    """One level of a report: a header of columns and rows of cells in the columns' order."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = field(default=())

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"table name {self.name!r}: lower-case ASCII letters, digits, '-' and '_' only")
        keys = [column.key for column in self.columns]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError(f"table {self.name!r}: columns must be non-empty with distinct keys: {keys}")
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "rows", tuple(tuple(row) for row in self.rows))
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.name!r} row {number}: {len(row)} cells for {len(self.columns)} columns")
            for column, value in zip(self.columns, row, strict=True):
                if not _fits(column.kind, value):
                    raise TypeError(f"table {self.name!r} row {number} column {column.key!r}: "
                                    f"{type(value).__name__} is not a {column.kind}")

    @classmethod
    def from_records(cls, name: str, title: str, columns: Sequence[Column],
                     records: Iterable[Mapping[str, Cell]]) -> Table:
        """A table from one mapping per row, keyed by column key (a missing key is an empty cell)."""
        known = {column.key for column in columns}
        rows = []
        for record in records:
            unknown = set(record) - known
            if unknown:
                raise ValueError(f"table {name!r}: unknown column keys {sorted(unknown)}")
            rows.append(tuple(record.get(column.key) for column in columns))
        return cls(name, title, tuple(columns), tuple(rows))

    def records(self) -> list[dict[str, Cell]]:
        """The rows as mappings keyed by column key (for the dashboard's JSON)."""
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Workbook:
    """A report: several tables, one per level, in the order they are shown."""

    tables: tuple[Table, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(self.tables))
        names = [table.name for table in self.tables]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"a workbook needs at least one table and distinct table names: {names}")


def cell_text(kind: Kind, value: Cell) -> str:
    """A cell as text the way a spreadsheet shows it: percentages as 85.0%, date-times to the minute, dates ISO."""
    if value is None:
        return ""
    if kind is Kind.PERCENT and isinstance(value, int | float):
        return f"{value:.1%}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
