"""The README keeps up with the bot: its command table names every command the bot answers, and the sample roster
it points to imports with the command line."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from telegram.ext import CommandHandler
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.bot.app import build_application
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.services.clock import SystemClock
from tests.support import REPO_ROOT
from tests.support.cli import library_and_branch

README = REPO_ROOT / "README.md"
SAMPLE = REPO_ROOT / "content" / "roster" / "sample.csv"


def _table_commands() -> set[str]:
    """The commands named in the README's "Using the bot" table."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using the bot"):]
    section = section[:section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return {name for row in rows for name in re.findall(r"`/([a-z]+)", row)}


def test_the_readme_table_names_every_command_the_bot_answers(tmp_path: Path) -> None:
    """Every command with a handler (the menus' and the rest) has a row in the README's table."""
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")

    async def commands() -> set[str]:
        services = build_services(settings, SystemClock())
        try:
            application = build_application(services, "123:abc", "http://127.0.0.1:9")
            return {command for handlers in application.handlers.values() for handler in handlers
                    if isinstance(handler, CommandHandler) for command in handler.commands}
        finally:
            await services.aclose()

    answered = asyncio.run(commands())
    assert {"deliveries", "meetings", "record", "register"} <= answered
    assert sorted(answered - _table_commands()) == []


def test_the_sample_roster_imports_with_the_command_line(migrated_db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """content/roster/sample.csv, which the README and docs/roster.md point to, imports without a problem."""
    branch = library_and_branch(migrated_db_url, monkeypatch)
    result = CliRunner().invoke(app, ["roster", "import", str(SAMPLE), "--branch", str(branch)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "5 added, 0 updated, 0 unchanged, 0 problems"
    shown = CliRunner().invoke(app, ["roster", "show", "--branch", str(branch)], env={"COLUMNS": "200"}).output
    assert all(name in shown for name in ("李明", "张伟", "王芳", "陈静", "赵强"))
