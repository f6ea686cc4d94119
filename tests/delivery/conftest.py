"""Fixtures of the delivery tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.services.lessons.library import LibraryService
from tests.support import REPO_ROOT


@pytest.fixture
async def db(migrated_db_url: str) -> AsyncIterator[Database]:
    """A migrated database (SQLite, then PostgreSQL) with the lesson library of content/ loaded."""
    database = Database(create_engine(migrated_db_url))
    await LibraryService(database).sync(REPO_ROOT / "content" / "lessons")
    try:
        yield database
    finally:
        await database.dispose()
