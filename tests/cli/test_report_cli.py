"""`lesson-bot report`: the scripted quarter (tests/services/reports_support.py) from the command line."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.services.clock import FixedClock
from tests.support.reports import BOB, NOW, SEC_B, Quarter, play_quarter
from tests.support.services import ADMIN


@pytest.fixture
def quarter(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Quarter:
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN.telegram_user_id))
    monkeypatch.setenv("COLUMNS", "400")

    async def setup() -> Quarter:
        clock = FixedClock(NOW)
        services = build_services(load_settings(), clock)
        try:
            return await play_quarter(services, clock)
        finally:
            await services.aclose()

    return asyncio.run(setup())


def test_the_organization_report_as_json_has_every_figure(quarter: Quarter) -> None:
    """JSON: both branches ranked (二支部 first), 一支部's lesson totals 7/2/2, its members' points."""
    result = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == "2026-Q4" and data["previous"] == "2026-Q3"
    assert [b["title"] for b in data["branches"]] == ["二支部", "一支部"]
    first = data["branches"][1]
    assert (first["rank"], first["totals"]["lessons"]) == (2, {"delivered": 7, "on_time": 2, "makeup": 2})
    points = {m["name"]: m["points"] for m in data["members"]}
    assert points["Bob"] == {"lessons": 4, "quiz": 1, "meetings": 4}


def test_the_branch_report_as_a_table_and_to_a_file(quarter: Quarter, tmp_path: Path) -> None:
    """The table lists the members with their points and rates; --out writes the JSON to a file."""
    result = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--branch", str(quarter.branch_a)])
    assert result.exit_code == 0, result.output
    assert "一支部 2026-Q4 · members" in result.output
    bob = next(line for line in result.output.splitlines() if " Bob " in line)
    assert "100.0%" in bob and " 9 " in bob
    out = tmp_path / "a.json"
    written = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--branch", str(quarter.branch_a),
                                       "--format", "json", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert json.loads(out.read_text(encoding="utf-8"))["branch"]["points"] == 19


def test_a_member_sees_their_own_and_is_refused_the_rest(quarter: Quarter) -> None:
    """Bob's own report works with --as; the organization's is refused in one line with status 1; 二支部's secretary
    is refused 一支部."""
    own = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--member", str(quarter.members["Bob"]),
                                   "--as", str(BOB.telegram_user_id), "--format", "json"])
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["branches"][0]["lessons"] == {"delivered": 2, "on_time": 2, "makeup": 0}
    refused = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--as", str(BOB.telegram_user_id)])
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == "抱歉，只有管理员可以执行此操作。"
    other = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--branch", str(quarter.branch_a),
                                     "--as", str(SEC_B.telegram_user_id)])
    assert other.exit_code == 1 and "抱歉，只有本支部书记或管理员可以执行此操作。" in other.stderr


def test_a_bad_period_or_rules_file_is_one_line_with_status_2(quarter: Quarter, tmp_path: Path) -> None:
    bad = CliRunner().invoke(app, ["report", "--period", "2026-Q5"])
    assert bad.exit_code == 2 and bad.stderr.startswith("--period: expected a month")
    rules = tmp_path / "new.yaml"
    rules.write_text("points:\n  lesson_on_time: lots\n", encoding="utf-8")
    diff = CliRunner().invoke(app, ["report", "rules-diff", "--period", "2026-Q4", "--rules", str(rules)])
    assert diff.exit_code == 2
    assert diff.stderr.strip() == ("--rules: new.yaml:2: points.lesson_on_time: expected a whole number from 0 "
                                   "to 100")


def test_rules_diff_lists_what_changes(quarter: Quarter, tmp_path: Path) -> None:
    """On time worth 3: Bob 9 → 11, Eve 3 → 4; the branches' scorecards stay."""
    rules = tmp_path / "new.yaml"
    rules.write_text("points:\n  lesson_on_time: 3\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "rules-diff", "--period", "2026-Q4", "--rules", str(rules),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {(m["name"], m["before"], m["after"]) for m in data["members"]} == {("Bob", 9, 11), ("Eve", 3, 4)}
    assert all(b["before"] == b["after"] for b in data["branches"])


def test_the_organization_report_as_xlsx_and_csv_has_the_same_figures_titled_in_chinese(
    quarter: Quarter, tmp_path: Path
) -> None:
    """XLSX: one sheet per level with Chinese headers, rates as percent-formatted numbers equal to the JSON's; the CSV
    to the terminal is the branches' table with a BOM-free header row; to a file, a zip of every table."""
    out = tmp_path / "q4.xlsx"
    result = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["支部", "测评计分", "趋势", "党员"]
    sheet = book["支部"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["排名", "支部", "党员数", "积分"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    first = rows["一支部"]
    data = json.loads(CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--format", "json"]).stdout)
    branch = next(b for b in data["branches"] if b["title"] == "一支部")
    assert first[0] == branch["rank"] and first[4:7] == (7, 2, 2)
    rate_column = header.index("课程完成率") + 1
    rate = sheet.cell(row=2 + list(rows).index("一支部"), column=rate_column)
    assert rate.value == pytest.approx(branch["rates"]["lessons"]) and rate.number_format.endswith("%")
    text = CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--format", "csv"])
    assert text.exit_code == 0 and text.stdout.splitlines()[0].startswith("排名,支部,党员数,积分")
    zipped = tmp_path / "q4.zip"
    assert CliRunner().invoke(app, ["report", "--period", "2026-Q4", "--format", "csv", "--out", str(zipped)]
                              ).exit_code == 0
    with zipfile.ZipFile(zipped) as archive:
        assert sorted(archive.namelist()) == ["branches.csv", "members.csv", "scorecard.csv", "trend.csv"]
        assert archive.read("branches.csv").startswith("\ufeff".encode())
