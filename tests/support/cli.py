"""The command line's tests: a migrated database with the lesson library and one branch, as the CLI sees it."""

from __future__ import annotations

import asyncio

import pytest

from lesson_bot.bootstrap.services import build_services
from lesson_bot.config import load_settings
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT

ADMIN = 4242


def library_and_branch(db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """Point the CLI at `db_url` (ADMIN as its admin), load the lesson library and register one branch (in Berlin,
    English, secretary Wang, group -100); the branch's id."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))

    async def setup() -> int:
        services = build_services(load_settings(), SystemClock())
        try:
            await services.library.sync(REPO_ROOT / "content" / "lessons")
            branch = await services.branches.register(Person(7, "Wang"), -100, "一支部", "Europe/Berlin", "en",
                                                      is_group_admin=True)
            return branch.id
        finally:
            await services.db.dispose()

    return asyncio.run(setup())
