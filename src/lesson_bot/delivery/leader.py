"""One leader among replicas: only the leader plans and dispatches, so the whole bot stays under Telegram's limits.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own. If the leader dies or
loses its database connection, PostgreSQL releases the lock and the next replica to try takes over within
`retry_s`. SQLite is the single-process store: that process always leads. docs/delivery.md argues the choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
STEPPED_DOWN = "stepped down as the delivery leader"
LOCK_KEY = 0x1E55_0B07  # "lesson bot"; any constant shared by the replicas


class Leadership:
    """Try to become the leader, and notice when leadership is lost."""

    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: AsyncConnection | None = None

    @property
    def exclusive(self) -> bool:
        """Whether this store needs an election (PostgreSQL) or has one process only (SQLite)."""
        return self._engine.dialect.name == "postgresql"

    async def try_acquire(self) -> bool:
        """True if this replica is now the leader."""
        if not self.exclusive:
            return True
        if self._conn is not None:
            return await self.still_held()
        conn = await self._engine.connect()
        try:
            got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})).scalar_one()
            await conn.commit()  # the lock is session-level; no transaction should stay open on this connection
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def still_held(self) -> bool:
        """False once the lock's connection is gone (then the lock is gone too)."""
        if not self.exclusive:
            return True
        if self._conn is None:
            return False
        try:
            await self._conn.execute(text("SELECT 1"))
            await self._conn.commit()
            return True
        except Exception:
            log.warning("lost the leader connection", exc_info=True)
            await self._drop()
            return False

    async def new_epoch(self) -> int | None:
        """As the new leader, increment the leader epoch (on the lock's connection) and return it; None on SQLite,
        where one process is the only dispatcher. Dispatchers of older epochs can no longer claim or settle rows."""
        if not self.exclusive or self._conn is None:
            return None
        epoch = (await self._conn.execute(text(
            "INSERT INTO delivery_leader (id, epoch) VALUES (1, 1) "
            "ON CONFLICT (id) DO UPDATE SET epoch = delivery_leader.epoch + 1 RETURNING epoch"
        ))).scalar_one()
        await self._conn.commit()
        return int(epoch)

    async def release(self) -> None:
        """Step down (on shutdown): another replica takes the lock at its next try."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                await self._conn.commit()
            await self._drop()
            log.info(STEPPED_DOWN)

    async def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None


async def lead(leadership: Leadership, stop: asyncio.Event, work: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
               *, retry_s: float = 2.0, check_s: float = 5.0) -> None:
    """Run `work(lost)` whenever this replica is the leader, until `stop`; `lost` is set when leadership goes."""
    try:
        while not stop.is_set():
            if not await leadership.try_acquire():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), retry_s)
                continue
            log.info("this replica is the delivery leader")
            lost = asyncio.Event()
            runner = asyncio.create_task(work(lost))
            stopping = asyncio.create_task(stop.wait())
            while not runner.done() and not stop.is_set():
                done, _ = await asyncio.wait({runner, stopping}, timeout=check_s, return_when=asyncio.FIRST_COMPLETED)
                if runner not in done and not stop.is_set() and not await leadership.still_held():
                    break
            stopping.cancel()
            lost.set()
            await runner
    finally:
        await leadership.release()
