"""The unit of work: the only code that opens sessions. One service call is one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lesson_bot.db.base import Base

_KEPT = "lesson_bot.kept_on_rollback"


def keep_on_rollback(session: AsyncSession, make: Callable[[], Base]) -> None:
    """Add a row that is written whatever becomes of this transaction (an audited refusal): it commits with the
    transaction, and if the transaction is rolled back instead, `Database.transaction` writes a fresh one (`make`
    called again) in a short transaction of its own."""
    session.add(make())
    session.info[_KEPT].append(make)


class Database:
    """Owns the engine and hands out transactional sessions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside a transaction: committed when the block ends, rolled back if it raises. The rows
        `keep_on_rollback` added are written after a rollback, once the rolled-back session is closed."""
        kept: list[Callable[[], Base]] = []
        try:
            async with self._sessions() as session, session.begin():
                session.info[_KEPT] = kept
                yield session
        except Exception:
            if kept:
                async with self._sessions() as session, session.begin():
                    session.add_all(make() for make in kept)
            raise

    async def dispose(self) -> None:
        """Close every pooled connection (on shutdown)."""
        await self.engine.dispose()
