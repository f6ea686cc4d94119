"""Records sent outbox rows in batches: rows whose sends finish within a few ms of each other share a transaction.

Each row's on-sent hook runs inside that transaction, so a row and what it means are recorded together or not at
all. The dispatcher awaits `record` before it releases the row's sending slot, so a row is never "sent but
unrecorded" without holding one of the `max_sending` slots: the bound on duplicates after a kill is unchanged.
A batch that fails (a hook raising, the database locked) is retried row by row, so one bad row delays only itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.uow import Database
from lesson_bot.delivery import outbox
from lesson_bot.delivery.outbox import Claimed, Fenced, SentRecord
from lesson_bot.domain.messages import Sent
from lesson_bot.services.clock import Clock
from lesson_bot.services.messages.lesson_sent import record_part
from lesson_bot.services.surveys.closing import record_sent as record_survey

log = logging.getLogger(__name__)
RECORD_ATTEMPTS = 8

# What else a sent row means, by outbox kind (e.g. "lesson": the lesson's delivery and quiz polls are recorded).
# Runs in the transaction that marks the row sent, so the two are recorded together or not at all.
SentHook = Callable[[AsyncSession, Claimed, Sent], Awaitable[None]]
# Checks, inside the recording transaction, that this dispatcher still leads (raises outbox.Fenced otherwise).
FenceCheck = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class _Finished:
    row: Claimed
    sent: Sent
    at: datetime
    recorded: asyncio.Future[None]


class SentRecorder:
    """Writes "sent" for rows that finished close together in one transaction; `record` waits for it."""

    def __init__(self, db: Database, hooks: Mapping[str, SentHook], worker: str, window_s: float,
                 flush_at: int, fence: FenceCheck | None = None) -> None:
        self._db = db
        self._hooks = dict(hooks)
        self._worker = worker
        self._window_s = window_s
        self._flush_at = max(1, flush_at)
        self._fence = fence
        self._queue: list[_Finished] = []
        self._full = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._alone: set[asyncio.Task[None]] = set()
        self.batches = 0  # transactions that recorded at least one row (for the benchmark's figures)

    async def record(self, row: Claimed, sent: Sent, at: datetime) -> None:
        """Return once the row is recorded as sent (or recording it gave up, which is logged); raise outbox.Fenced
        if a newer leader owns the row now."""
        finished = _Finished(row, sent, at, asyncio.get_running_loop().create_future())
        self._queue.append(finished)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        elif len(self._queue) >= self._flush_at:
            self._full.set()
        await finished.recorded

    async def _write(self) -> None:
        try:
            while self._queue:
                if len(self._queue) < self._flush_at:
                    # Sends finishing about now join this batch. The wait is a few ms inside their sending slots,
                    # cut short once flush_at rows wait, so that the slots never all wait on it.
                    self._full.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._full.wait(), self._window_s)
                batch, self._queue = self._queue, []
                await self._commit(batch)
        finally:
            self._writer = None

    async def _commit(self, batch: list[_Finished]) -> None:
        try:
            await self._transaction(batch)
        except Fenced as exc:
            for finished in batch:
                _resolve(finished, exc)
            return
        except Exception:
            log.warning("recording %d sent outbox rows failed; recording them one by one", len(batch),
                        exc_info=True)
            for finished in batch:
                task = asyncio.create_task(self._record_alone(finished))
                self._alone.add(task)
                task.add_done_callback(self._alone.discard)
            return
        self.batches += 1
        for finished in batch:
            _resolve(finished)

    async def _transaction(self, batch: list[_Finished]) -> None:
        async with self._db.transaction() as s:
            if self._fence is not None:
                await self._fence(s)
            records = [SentRecord(f.row.id, f.at, f.sent.message_id, f.sent.result) for f in batch]
            await outbox.mark_sent_many(s, records, self._worker)
            for finished in batch:
                hook = self._hooks.get(finished.row.kind)
                if hook is not None:
                    await hook(s, finished.row, finished.sent)

    async def _record_alone(self, finished: _Finished) -> None:
        try:
            for attempt in range(RECORD_ATTEMPTS):
                try:
                    await self._transaction([finished])
                except Fenced as exc:
                    _resolve(finished, exc)
                    return
                except Exception:
                    log.warning("recording outbox row %d as sent failed (attempt %d)", finished.row.id,
                                attempt + 1, exc_info=True)
                    await asyncio.sleep(min(5.0, 0.1 * 2**attempt))
                else:
                    self.batches += 1
                    return
            # The row stays claimed; when its lease runs out it is sent again: one bounded duplicate, never a loss.
            log.error("outbox row %d was sent but could not be recorded", finished.row.id)
        finally:
            _resolve(finished)


def _resolve(finished: _Finished, fenced: Fenced | None = None) -> None:
    if finished.recorded.done():  # its waiter may have been cancelled (the row is still recorded)
        return
    if fenced is None:
        finished.recorded.set_result(None)
    else:
        finished.recorded.set_exception(fenced)


def lesson_sent(clock: Clock) -> SentHook:
    """The hook for kind "lesson": what a sent part of a lesson means (services/messages/lesson_sent.py)."""

    async def hook(s: AsyncSession, row: Claimed, sent: Sent) -> None:
        await record_part(s, row.payload.get("meta"), sent, clock.now())

    return hook


def survey_sent(clock: Clock) -> SentHook:
    """The hook for kind "survey": a sent poll's message id, or a stopped poll's counts (services/surveys)."""

    async def hook(s: AsyncSession, row: Claimed, sent: Sent) -> None:
        await record_survey(s, row.chat_id, row.payload.get("meta"), sent, clock.now())

    return hook
