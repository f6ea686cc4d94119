"""A report as CSV: UTF-8 with a byte order mark (so that Excel reads Chinese text as UTF-8), one table per file,
or a zip of one file per table. Text cells go through `safe_cell` like the XLSX writer's; dates are ISO
(`2025-03-01`, `2025-03-01 20:00`), percentages `85.0%` (which Excel reads back as the number 0.85).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from lesson_bot.reports.safe import safe_cell
from lesson_bot.reports.tables import Cell, Kind, Table, Workbook, cell_text

BOM = "\ufeff"
# A fixed timestamp keeps a zip of the same report byte-for-byte the same
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _text(kind: Kind, value: Cell) -> str:
    return str(safe_cell(value)) if isinstance(value, str) else cell_text(kind, value)


def csv_text(table: Table) -> str:
    """The table as CSV text (header row of titles, then the rows), without the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(safe_cell(column.title)) for column in table.columns])
    for row in table.rows:
        writer.writerow([_text(column.kind, value) for column, value in zip(table.columns, row, strict=True)])
    return buffer.getvalue()


def csv_bytes(table: Table) -> bytes:
    """The table as the bytes of a .csv file: UTF-8 with a BOM."""
    return (BOM + csv_text(table)).encode("utf-8")


def csv_zip(workbook: Workbook) -> bytes:
    """Every table of the workbook as `<name>.csv` in one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in workbook.tables:
            archive.writestr(zipfile.ZipInfo(f"{table.name}.csv", date_time=_ZIP_TIME), csv_bytes(table),
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_csv(table: Table, path: Path) -> Path:
    """Write the table to `path` (a .csv file) and return it."""
    path.write_bytes(csv_bytes(table))
    return path
