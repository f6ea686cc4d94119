"""XLSX exports, opened with openpyxl as Excel would open them."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from lesson_bot.reports.tables import Column, Table, Workbook
from lesson_bot.reports.xlsx import display_width, sheet_names, write_xlsx, xlsx_bytes
from tests.support.report_samples import HOSTILE, MEMBER_COLUMNS, NAMES, members, workbook


def _open(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_hostile_member_names_stay_text_cell_by_cell() -> None:
    """Every name reads back as itself or `'` + itself, never as a formula; the hostile ones are all quoted."""
    sheet = _open(xlsx_bytes(Workbook((members(),))))["党员"]
    for row, name in enumerate(NAMES, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s", (name, cell.data_type)
        assert cell.value == ("'" + name if name in HOSTILE else name)
    assert sheet.cell(row=len(NAMES) + 1, column=1).value == "党员" * 20
    formulas = [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


def test_typed_cells_are_real_numbers_dates_and_percentages() -> None:
    sheet = _open(xlsx_bytes(Workbook((members(),))))["党员"]
    row = [cell for cell in sheet[3]]  # the second member: "+1", index 1
    assert row[2].value == 1 and row[2].data_type == "n"
    assert row[3].value == 0.05 and row[3].number_format == "0.0%"
    assert row[4].value == -0.5 and row[4].data_type == "n"  # a negative number is not escaped
    assert row[5].value == datetime(2020, 1, 2) and row[5].is_date and row[5].number_format == "yyyy-mm-dd"
    assert row[6].value == datetime(2025, 3, 1, 20, 1) and row[6].is_date
    empty = sheet[len(NAMES) + 2]
    assert empty[0].value == "王芳" and all(cell.value is None for cell in empty[1:])


def test_header_is_bold_and_frozen_and_columns_fit_chinese_text() -> None:
    sheet = _open(xlsx_bytes(Workbook((members(),))))["党员"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [column.title for column in MEMBER_COLUMNS]
    assert all(c.font.b for c in sheet[1])
    # the 40-character name is 80 narrow characters wide: capped at 60; "第一党支部" is 10 wide, + 2
    assert sheet.column_dimensions["A"].width == 60
    assert sheet.column_dimensions["B"].width == 12
    assert sheet.column_dimensions["G"].width == len("2025-03-01 20:00") + 2


def test_one_sheet_per_level_with_excel_valid_names(tmp_path: Path) -> None:
    path = write_xlsx(workbook(), tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["全组织", "支部：排名_得分", "党员", "会议", "微党课"]
    branches = book["支部：排名_得分"]
    assert branches["A3"].value == "'=1+1" and branches["B3"].value == 80
    assert book["会议"]["B2"].value == datetime(2025, 3, 1)


def test_sheet_names_are_short_distinct_and_never_empty() -> None:
    names = sheet_names(["党员" * 20, "党员" * 20, "[]:*?/\\", "'quoted'", "", "History"])
    assert names == ["党员" * 15 + "党", "党员" * 13 + "党 (2)", "_______", "quoted", "Sheet5", "History (2)"]
    assert all(len(name) <= 31 for name in names)


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3 and display_width("张三") == 4 and display_width("Ａ１，") == 6


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal() -> None:
    table = Table("t", "T", (Column("name", "姓名"),), (("张\x00三\x1b",),))
    assert _open(xlsx_bytes(Workbook((table,))))["T"]["A2"].value == "张三"


@given(st.text(st.characters(exclude_categories=["Cs"])).filter(lambda s: not ILLEGAL_CHARACTERS_RE.search(s)))
def test_any_text_reads_back_as_itself_or_quoted_and_never_as_a_formula(text: str) -> None:
    table = Table("t", "T", (Column("name", "姓名"),), ((text,), (text[:1] + "x",)))
    sheet = _open(xlsx_bytes(Workbook((table,))))["T"]
    for cell, value in ((sheet["A2"], text), (sheet["A3"], text[:1] + "x")):
        assert cell.data_type != "f"
        assert cell.value in ({None} if value == "" else {value, "'" + value})
