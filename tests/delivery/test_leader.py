"""Only one replica leads on PostgreSQL, and another takes over when the leader's connection dies."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from lesson_bot.db.engine import create_engine
from lesson_bot.delivery.leader import Leadership, lead


@pytest.mark.postgres
async def test_one_leader_at_a_time_and_failover(pg_url: str) -> None:
    """The second replica cannot lead while the first does; when the first's session is killed, it can."""
    engines = [create_engine(pg_url) for _ in range(3)]
    try:
        first, second = Leadership(engines[0]), Leadership(engines[1])
        assert await first.try_acquire() is True
        assert await second.try_acquire() is False
        async with engines[2].connect() as admin:  # the leader's database session dies
            await admin.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            ))
            await admin.commit()
        assert await first.still_held() is False
        assert await second.try_acquire() is True
        await second.release()
        assert await first.try_acquire() is True
        await first.release()
    finally:
        for engine in engines:
            await engine.dispose()


async def test_sqlite_is_a_single_process_that_always_leads(sqlite_url: str) -> None:
    """On SQLite there is no election: the one process leads, and lead() runs the work until stopped."""
    engine = create_engine(sqlite_url)
    try:
        leadership = Leadership(engine)
        stop = asyncio.Event()
        ran = asyncio.Event()

        async def work(lost: asyncio.Event) -> None:
            ran.set()
            await lost.wait()

        task = asyncio.create_task(lead(leadership, stop, work))
        await ran.wait()
        stop.set()
        await task
        assert await leadership.try_acquire() is True
    finally:
        await engine.dispose()
