"""Real databases for tests: the PostgreSQL server's per-test databases, migrating to head, emptying tables."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg

# The server that CI starts; any database on it can be used to create and drop the per-test databases.
PG_SERVER_URL = os.environ.get("LESSON_BOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(PG_SERVER_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def pg_database_url(name: str) -> str:
    base = PG_SERVER_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def new_pg_database(template: str | None = None) -> str:
    name = f"lb_test_{uuid.uuid4().hex[:12]}"
    suffix = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"{suffix}'))
    return name


def drop_pg_database(name: str) -> None:
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def migrate_to_head(url: str) -> None:
    from lesson_bot.db import migrate
    from lesson_bot.db.engine import create_engine

    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def empty_all_tables(name: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(pg_database_url(name)), timeout=5)
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
