"""The neutral table model refuses what a writer could not write faithfully."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lesson_bot.reports.safe import safe_cell
from lesson_bot.reports.tables import Column, Kind, Table, Workbook


def test_a_cell_of_the_wrong_type_names_its_row_and_column() -> None:
    """A datetime in a date column (or a bool as a count) is refused, naming where it is."""
    with pytest.raises(TypeError, match=r"row 2 column 'held'"):
        Table("meetings", "会议", (Column("held", "日期", Kind.DATE),), ((date(2025, 1, 1),), (datetime(2025, 1, 1),)))
    with pytest.raises(TypeError, match="column 'n'"):
        Table("t", "T", (Column("n", "N", Kind.INTEGER),), ((True,),))


def test_a_row_of_the_wrong_length_and_bad_names_are_refused() -> None:
    with pytest.raises(ValueError, match="row 1: 1 cells for 2 columns"):
        Table("t", "T", (Column("a", "A"), Column("b", "B")), (("x",),))
    with pytest.raises(ValueError, match="table name"):
        Table("成员", "T", (Column("a", "A"),))
    with pytest.raises(ValueError, match="distinct table names"):
        Workbook((Table("t", "T", (Column("a", "A"),)), Table("t", "U", (Column("a", "A"),))))


def test_records_round_trip_by_column_key() -> None:
    """Rows built from records come back as the same records; a missing key is an empty cell."""
    columns = (Column("name", "姓名"), Column("rate", "出勤率", Kind.PERCENT))
    table = Table.from_records("m", "M", columns, [{"name": "张三", "rate": 0.5}, {"name": "李四"}])
    assert table.rows == (("张三", 0.5), ("李四", None))
    assert table.records() == [{"name": "张三", "rate": 0.5}, {"name": "李四", "rate": None}]
    with pytest.raises(ValueError, match="unknown column keys"):
        Table.from_records("m", "M", columns, [{"nmae": "x"}])


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@A1", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠A1"])
def test_text_that_a_spreadsheet_would_evaluate_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_numbers_dates_and_plain_text_are_left_alone() -> None:
    for value in (-2, -1.5, date(2025, 1, 1), datetime(2025, 1, 1, 8), None, "", "张三", "a=1", " =1"):
        assert safe_cell(value) == value
