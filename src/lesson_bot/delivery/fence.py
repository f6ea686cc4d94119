"""The fence around one leadership term: a dispatcher claims and settles rows only while its leader epoch is current.

A new leader increments the epoch (delivery/leader.py `new_epoch`) before it releases the old claims; every
transaction that claims or settles rows reads the epoch FOR SHARE first (outbox.fence), so once the new leader has
its epoch the old one can neither claim, nor mark sent, nor re-queue anything. The old leader learns it at its next
transaction, or before its next send if it has not checked lately, and from then on starts no send: a row whose
request never left stays claimed and is the new leader's to send (docs/delivery.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.uow import Database
from lesson_bot.delivery import outbox

log = logging.getLogger(__name__)


class Fence:
    """This dispatcher's leader epoch (None: a single process, nothing to fence) and whether its term is over."""

    def __init__(self, db: Database, check_s: float) -> None:
        self._db = db
        self._check_s = check_s
        self.epoch: int | None = None
        self._confirmed = -float("inf")
        self._stop = asyncio.Event()
        self.over = False

    def begin(self, epoch: int | None, stop: asyncio.Event) -> None:
        """A new term (a run of the dispatcher): until `stop`, or until a newer epoch begins."""
        self.epoch, self._stop, self.over, self._confirmed = epoch, stop, False, -float("inf")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A transaction that may claim or settle rows; raises outbox.Fenced once the epoch is over."""
        async with self._db.transaction() as s:
            await self.check(s)
            yield s

    async def check(self, s: AsyncSession) -> None:
        """Raise outbox.Fenced unless the epoch is still current (inside a transaction that then writes)."""
        await outbox.fence(s, self.epoch)
        self._confirmed = time.monotonic()

    def lose(self) -> None:
        """A newer leader exists: start no more sends."""
        if not self.over:
            log.warning("another replica leads now (epoch %s is over): sends not yet started are dropped",
                        self.epoch)
        self.over = True

    async def may_send(self) -> bool:
        """Whether a send may start now: not after `stop` or a newer leader; the epoch re-read if not seen lately."""
        if self.epoch is not None and not self.over and time.monotonic() - self._confirmed > self._check_s:
            try:
                async with self.transaction():
                    pass
            except outbox.Fenced:
                self.lose()
        return not (self.over or self._stop.is_set())
