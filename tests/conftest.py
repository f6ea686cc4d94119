"""Fixtures shared by every test: real SQLite files and real, freshly created PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The server that CI starts; any database on it can be used to create and drop the per-test databases.
PG_SERVER_URL = os.environ.get("LESSON_BOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(PG_SERVER_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_available() -> bool:
    """Whether PostgreSQL answers. In CI an unreachable server is a failure, never a skip."""
    try:
        asyncio.run(_pg_admin("SELECT 1"))
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
    name = f"lb_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    base = PG_SERVER_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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

