"""A report as an Excel workbook (openpyxl): one sheet per table, read comfortably by a secretary.

Each sheet has a bold, frozen header row; columns are as wide as their widest cell, counting an East Asian wide
character as two (Excel's column width is in narrow characters); dates and times are real dates, percentages
numbers formatted `0.0%` (other numbers keep Excel's General format), and text cells go through `safe_cell` so
that nothing in them runs as a formula.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lesson_bot.reports.safe import safe_cell
from lesson_bot.reports.tables import Cell, Kind, Table, Workbook, cell_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# openpyxl is imported when a workbook is written, not with this module: with numpy it is about 30 MB of a running
# service's memory (docs/operations.md, footprint). Its ILLEGAL_CHARACTERS_RE, the control characters a cell refuses:
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

FORMATS = {
    Kind.INTEGER: "0",
    Kind.PERCENT: "0.0%",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
}
WIDTH_MIN, WIDTH_MAX = 6, 60  # in narrow characters; longer text wraps in Excel rather than a page-wide column
TEXT_MAX = 32_767  # Excel's limit on one cell's characters
SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """How many narrow characters `text` takes on screen: East Asian wide and full-width ones count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _shown(kind: Kind, value: Cell) -> str:
    """Roughly what Excel shows for a cell, to size its column."""
    if isinstance(value, float) and kind is not Kind.PERCENT:
        return f"{value:.2f}"
    return cell_text(kind, value)


def sheet_names(titles: list[str]) -> list[str]:
    """Excel-valid, distinct sheet names: at most 31 characters, none of `[]:*?/\\`, no edge `'`, not empty."""
    names: list[str] = []
    taken: set[str] = set()
    for number, title in enumerate(titles, start=1):
        base = _SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'").strip()
        base = base[:SHEET_NAME_MAX].rstrip().rstrip("'") or f"Sheet{number}"
        name, copy = base, 1
        while name.casefold() in taken or name.casefold() == "history":  # Excel reserves "History"
            copy += 1
            suffix = f" ({copy})"
            name = base[:SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _value(value: Cell) -> Cell:
    if isinstance(value, datetime):
        # openpyxl refuses aware datetimes; the table holds wall-clock times (tables.Kind.DATETIME)
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[:TEXT_MAX])
    return value


def _fill(sheet: Worksheet, table: Table) -> None:
    """A write-only sheet (rows streamed to the file, not kept as cell objects: an organization of 30,000 members
    is some 700,000 cells): widths from a first pass over the values, the header bold and frozen."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [display_width(column.title) for column in table.columns]
    for row in table.rows:
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            widths[index] = max(widths[index], display_width(_shown(column.kind, value)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=str(safe_cell(column.title)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [FORMATS.get(column.kind) for column in table.columns]
    for row in table.rows:
        values: list[object] = []
        for number_format, value in zip(formats, row, strict=True):
            if number_format is not None and value is not None:
                cell = WriteOnlyCell(sheet, value=_value(value))  # type: ignore[arg-type]  # its stubs omit date
                cell.number_format = number_format
                values.append(cell)
            else:
                values.append(_value(value))
        sheet.append(values)


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    from openpyxl import Workbook as XlsxBook

    book = XlsxBook(write_only=True)
    for table, name in zip(workbook.tables, sheet_names([t.title for t in workbook.tables]), strict=True):
        _fill(book.create_sheet(title=name), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_xlsx(workbook: Workbook, path: Path) -> Path:
    """Write the workbook to `path` (an .xlsx file) and return it."""
    path.write_bytes(xlsx_bytes(workbook))
    return path
