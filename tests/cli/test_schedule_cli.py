"""`lesson-bot schedule preview|add|cancel|skip`: scheduling lessons from the command line."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.services.views import Person
from tests.conftest import REPO_ROOT

ADMIN = 4242


@pytest.fixture
def branch_id(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))

    async def setup() -> int:
        services = build_services(load_settings())
        try:
            await services.library.sync(REPO_ROOT / "content" / "lessons")
            branch = await services.branches.register(Person(7, "Wang"), -100, "一支部", "Europe/Berlin", "en",
                                                      is_group_admin=True)
            return branch.id
        finally:
            await services.db.dispose()

    return asyncio.run(setup())


def test_preview_add_skip_and_cancel(branch_id: int) -> None:
    """A weekly series previews in the branch's zone, is added, a holiday is set, and it can be cancelled."""
    runner = CliRunner()
    preview = runner.invoke(app, ["schedule", "preview", "--branch", str(branch_id), "every Monday 09:00"])
    assert preview.exit_code == 0, preview.output
    assert "09:00 Mon (CET)" in preview.output
    added = runner.invoke(app, ["schedule", "add", "--branch", str(branch_id), "--series", "红色足迹",
                                "every Monday 09:00"])
    assert added.exit_code == 0, added.output
    schedule_id = added.output.split()[1].rstrip(":")
    skipped = runner.invoke(app, ["schedule", "skip", "--branch", str(branch_id), "2026-12-07", "--reason", "holiday"])
    assert skipped.exit_code == 0
    again = runner.invoke(app, ["schedule", "preview", "--branch", str(branch_id), "every Monday 09:00"])
    assert "2026-12-07" not in again.output and "2026-12-14" in again.output
    cancelled = runner.invoke(app, ["schedule", "cancel", schedule_id])
    assert cancelled.exit_code == 0 and f"schedule {schedule_id} cancelled" in cancelled.output


def test_a_bad_time_names_the_field(branch_id: int) -> None:
    """Text that is not a time is refused, naming the 'when' field, with exit status 1."""
    result = CliRunner().invoke(app, ["schedule", "add", "--branch", str(branch_id), "--series", "红色足迹", "someday"])
    assert result.exit_code == 1
    assert result.output.startswith("when")
