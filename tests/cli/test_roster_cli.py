"""`lesson-bot roster import|show|secretary` and `lesson-bot branches`: the services, run by an operator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.views import Person

ADMIN = 4242
CSV = "name,telegram,role,status\nZhang San,@zhangsan,member,full\nLi Si,300003,member,probationary\nBad,,member,full\n"


@pytest.fixture
def env(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """A database with one branch (registered by a group admin); returns the branch id."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))

    async def setup() -> int:
        services = build_services(load_settings(), SystemClock())
        try:
            branch = await services.branches.register(Person(7, "Secretary Wang", "wang"), -100, "一支部",
                                                      "Asia/Shanghai", "zh-Hans", is_group_admin=True)
            return branch.id
        finally:
            await services.db.dispose()

    return asyncio.run(setup())


def test_import_reports_bad_lines_as_file_line_and_imports_the_rest(env: int, tmp_path: Path) -> None:
    """The CLI import prints each bad row as file:line, imports the good rows, and is idempotent."""
    roster = tmp_path / "roster.csv"
    roster.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["roster", "import", str(roster), "--branch", str(env)])
    assert first.exit_code == 1
    assert f"{roster}:4: telegram: empty" in first.output
    assert "2 added, 0 updated, 0 unchanged, 1 problems" in first.output
    second = runner.invoke(app, ["roster", "import", str(roster), "--branch", str(env)])
    assert "0 added, 0 updated, 2 unchanged" in second.output
    shown = runner.invoke(app, ["roster", "show", "--branch", str(env)])
    assert shown.exit_code == 0 and "Zhang San" in shown.output and "Li Si" in shown.output


def test_the_cli_applies_the_same_role_checks(env: int, tmp_path: Path) -> None:
    """Acting as an ordinary user, the CLI is refused like the bot would refuse them, naming who may."""
    roster = tmp_path / "roster.csv"
    roster.write_text(CSV, encoding="utf-8")
    refused = CliRunner().invoke(app, ["roster", "import", str(roster), "--branch", str(env), "--as", "555"])
    assert refused.exit_code == 1
    refusal, hint = refused.output.splitlines()
    assert refusal == "抱歉，只有本支部书记或管理员可以执行此操作。"
    assert hint == "命令以 --as 指定的 Telegram 用户身份执行（默认为 LESSON_BOT_ADMIN_IDS 中的第一个）。"


def test_a_refusal_about_a_branch_that_does_not_exist_is_told_like_any_other(env: int) -> None:
    """`deliveries --branch 999 --as 12345` used to crash with IntegrityError writing the refusal's audit entry."""
    refused = CliRunner().invoke(app, ["deliveries", "--branch", "999", "--as", "12345"])
    assert refused.exit_code == 1
    assert "抱歉，只有本支部书记或管理员可以执行此操作。" in refused.output


def test_secretaries_and_branches_from_the_command_line(env: int, tmp_path: Path) -> None:
    """An admin appoints a secretary the roster names (never a free @username), removes them, and lists the
    branches from the command line."""
    runner = CliRunner()
    unknown = runner.invoke(app, ["roster", "secretary", "add", "--branch", str(env), "@zhangsan"])
    assert unknown.exit_code == 1 and "我还不认识 @zhangsan，无法任命其为书记。" in unknown.output
    roster = tmp_path / "roster.csv"
    roster.write_text(CSV, encoding="utf-8")
    runner.invoke(app, ["roster", "import", str(roster), "--branch", str(env)])
    added = runner.invoke(app, ["roster", "secretary", "add", "--branch", str(env), "@zhangsan"])
    assert added.exit_code == 0 and "is now a secretary" in added.output
    removed = runner.invoke(app, ["roster", "secretary", "remove", "--branch", str(env), "@zhangsan"])
    assert removed.exit_code == 0 and "is no longer a secretary" in removed.output
    listing = runner.invoke(app, ["branches"])
    assert listing.exit_code == 0 and "一支部" in listing.output and "active" in listing.output
    missing = runner.invoke(app, ["roster", "show", "--branch", "999"])
    assert missing.exit_code == 1 and "没有编号为 999 的支部：请查看 `lesson-bot branches`。" in missing.output
