"""Fixtures shared by every test: real SQLite files and real, freshly created PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import shutil
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


def _pg_database_url(name: str) -> str:
    base = PG_SERVER_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def _new_pg_database(template: str | None = None) -> str:
    name = f"lb_test_{uuid.uuid4().hex[:12]}"
    suffix = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"{suffix}'))
    return name


def _drop_pg_database(name: str) -> None:
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_available: bool) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards; its SQLAlchemy async URL."""
    if not pg_available:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} is unreachable (outside CI only)")
    name = _new_pg_database()
    try:
        yield _pg_database_url(name)
    finally:
        _drop_pg_database(name)


async def _migrate(url: str) -> None:
    from lesson_bot.db import migrate
    from lesson_bot.db.engine import create_engine

    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def pg_template(pg_available: bool) -> Iterator[str | None]:
    """A PostgreSQL database migrated to head once per run, shared (and emptied) by the tests that need a schema."""
    if not pg_available:
        yield None
        return
    name = _new_pg_database()
    asyncio.run(_migrate(_pg_database_url(name)))
    try:
        yield name
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once per run, copied for each test that needs a schema."""
    path = tmp_path_factory.mktemp("template") / "lesson_bot.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
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
    asyncio.run(_empty_all_tables(template))
    yield _pg_database_url(template)


async def _empty_all_tables(name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(_pg_database_url(name)), timeout=5)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        # DELETE is far cheaper than TRUNCATE on tiny tables; replica mode skips the append-only triggers
        # and foreign-key order for this cleanup only.
        statements = "; ".join(f'DELETE FROM "{row["tablename"]}"' for row in tables)
        await conn.execute(f"SET session_replication_role = replica; {statements}")
    finally:
        await conn.close()
