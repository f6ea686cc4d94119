"""The real bot (python-telegram-bot Application, polling) against the sandbox, on a real migrated database."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.bot import Harness, start_harness


@pytest.fixture
async def harness(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot on a fresh SQLite database, speaking zh-Hans by default."""
    target = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, target)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}"):
        yield h
