"""Fixtures shared by every test: real SQLite files and real, freshly created PostgreSQL databases."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import settings

pytest.register_assert_rewrite("tests.support")

# Hypothesis's per-example deadline (200 ms) is a timing threshold: on a loaded 2-core machine an openpyxl round trip
# or a callback decode can take longer without anything being wrong. Properties check behaviour, never speed.
settings.register_profile("lesson_bot", deadline=None)
settings.load_profile("lesson_bot")

from tests.support.db import (  # noqa: E402  (after the assert rewrite is registered)
    IN_CI,
    PG_SERVER_URL,
    drop_pg_database,
    empty_all_tables,
    migrate_to_head,
    new_pg_database,
    pg_admin,
    pg_database_url,
)


@pytest.fixture(scope="session")
def pg_available() -> bool:
    """Whether PostgreSQL answers. In CI an unreachable server is a failure, never a skip."""
    try:
        asyncio.run(pg_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_SERVER_URL} is unreachable in CI: {exc}")
        return False
    return True


@pytest.fixture
def pg_url(pg_available: bool) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; its SQLAlchemy async URL."""
    if not pg_available:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} is unreachable (outside CI only)")
    name = new_pg_database()
    try:
        yield pg_database_url(name)
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session")
def pg_template(pg_available: bool) -> Iterator[str | None]:
    """A PostgreSQL database migrated to head once per run, shared (and emptied) by the tests that need a schema."""
    if not pg_available:
        yield None
        return
    name = new_pg_database()
    asyncio.run(migrate_to_head(pg_database_url(name)))
    try:
        yield name
    finally:
        drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per run, copied for each test that needs a schema."""
    path = tmp_path_factory.mktemp("template") / "lesson_bot.db"
    asyncio.run(migrate_to_head(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for one test; its SQLAlchemy async URL."""
    return f"sqlite+aiosqlite:///{tmp_path / 'lesson_bot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))



@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database already at the newest schema revision, on SQLite and on PostgreSQL in turn."""
    if request.param == "sqlite":
        target = tmp_path / "lesson_bot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    template = request.getfixturevalue("pg_template")
    if template is None:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} is unreachable (outside CI only)")
    # One migrated database per run, emptied before each test: much cheaper than a database per test.
    asyncio.run(empty_all_tables(template))
    yield pg_database_url(template)

