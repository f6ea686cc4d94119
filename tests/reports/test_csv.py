"""CSV exports: UTF-8 with a BOM that Excel reads as Chinese text, and the same escaping as the XLSX writer."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from lesson_bot.reports.csv import csv_bytes, csv_zip, write_csv
from tests.support.report_samples import HOSTILE, NAMES, members, workbook


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_the_bom_and_parses_back_cell_by_cell() -> None:
    rows = _rows(csv_bytes(members()))
    assert rows[0] == ["姓名", "所在支部", "完成微党课", "答题正确率", "积分", "入党日期", "最近学习"]
    for row, name in zip(rows[1:], NAMES, strict=False):
        assert row[0] == ("'" + name if name in HOSTILE else name)
    assert rows[2] == ["'+1", "第一党支部", "1", "5.0%", "-0.5", "2020-01-02", "2025-03-01 20:01"]
    assert rows[-1] == ["王芳", "", "", "", "", "", ""]
    assert len(rows) == len(NAMES) + 2


def test_a_zip_holds_one_csv_per_table(tmp_path: Path) -> None:
    data = csv_zip(workbook())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["organization.csv", "branches.csv", "members.csv", "meetings.csv",
                                      "lessons.csv"]
        assert _rows(archive.read("branches.csv"))[2] == ["'=1+1", "80"]
        assert _rows(archive.read("organization.csv")) == [["支部数", "学习完成率"], ["12", "87.5%"]]
    assert csv_zip(workbook()) == data  # the same report gives the same file
    path = write_csv(members(), tmp_path / "members.csv")
    assert _rows(path.read_bytes())[1][0] == "'" + HOSTILE[0]
