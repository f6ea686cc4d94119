"""Participation: check-in taps and quiz answers become append-only events, written by a group-commit recorder.

Public API (the bot's handlers, 补学/review flows and benchmarks use only this):

    recorder = ParticipationRecorder(db, clock)
    outcome = await recorder.record_checkin(delivery_id, chat_id, person)    # the "✅ 已学习" button
    outcome = await recorder.record_answer(telegram_poll_id, person, option_ids)   # a quiz poll answer
    await recorder.aclose()                                                   # on shutdown: flush what is queued

An `Outcome` (services/participation/batch.py) says "recorded", "already" or "refused" (with the reason:
"unknown", "other_chat", "not_yours"), the delivery's check-in count and its denominator, whether a quiz answer
was correct, whether the person was just added to the roster, and the locale to answer in (the branch's for a
group delivery, the member's for a private one), so the handler needs no query of its own.

Why a recorder: a lesson posted to a big group draws a burst of taps within seconds. Each call queues its request
and awaits a future; one flusher writes everything queued so far in a single transaction (bulk lookups, one
multi-row insert-ignore of events) and resolves each caller with its own outcome. A burst costs a handful of
transactions instead of one per tap. A failing batch is split in halves and retried, so one bad request fails only
its own caller (whose handler then tells the member through the error handler); nothing is dropped silently.
Rules (who may check in where, what a replay does) are in docs/participation.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from lesson_bot.db.uow import Database
from lesson_bot.services.clock import Clock
from lesson_bot.services.metrics import Metrics
from lesson_bot.services.participation.batch import Caches, Outcome, Request, write_batch
from lesson_bot.services.views import Person

__all__ = ["Outcome", "ParticipationRecorder", "RecordFailed"]

log = logging.getLogger(__name__)
MAX_BATCH = 500  # rows per transaction; also well under SQLite's bound-parameter limit
LEAF_ATTEMPTS = 3  # a single request is tried this often before its caller is failed


class RecordFailed(Exception):
    """The database would not take this request (after retries): the member must be told to try again."""


class ParticipationRecorder:
    """Records check-ins and quiz answers, many callers per transaction."""

    def __init__(self, db: Database, clock: Clock, max_batch: int = MAX_BATCH, *,
                 metrics: Metrics | None = None) -> None:
        self._db = db
        self._batch_sizes = metrics.recorder_batch if metrics is not None else None
        self._clock = clock
        self._max_batch = max_batch
        self._queue: list[tuple[Request, asyncio.Future[Outcome]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._caches = Caches()
        self.batches = 0  # transactions committed (for benchmarks and tests: proof that calls were batched)

    async def record_checkin(self, delivery_id: int, chat_id: int | None, person: Person) -> Outcome:
        """A tap on a lesson's check-in button in chat `chat_id`."""
        return await self._submit(Request(person, self._clock.now(), delivery_id=delivery_id, chat_id=chat_id))

    async def record_answer(self, telegram_poll_id: str, person: Person, option_ids: Sequence[int]) -> Outcome:
        """An answer to a quiz poll the bot sent (an empty `option_ids` is a retracted vote)."""
        return await self._submit(Request(person, self._clock.now(), poll_id=telegram_poll_id,
                                          option_ids=tuple(option_ids)))

    async def aclose(self) -> None:
        """Wait until everything queued is written."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def _submit(self, request: Request) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        # Callers that arrive while a batch is being written wait for the next one: that is the group commit.
        await asyncio.sleep(0)  # let the callers woken in the same loop turn join the first batch
        while self._queue:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            await self._write(batch, LEAF_ATTEMPTS)

    async def _write(self, batch: list[tuple[Request, asyncio.Future[Outcome]]], attempts: int) -> None:
        try:
            async with self._db.transaction() as s:
                outcomes = await write_batch(s, self._caches, [r for r, _f in batch], self._clock.now())
        except Exception as exc:
            if len(batch) > 1:
                log.warning("recording a batch of %d failed; retrying in halves", len(batch), exc_info=True)
                middle = len(batch) // 2
                await self._write(batch[:middle], attempts)
                await self._write(batch[middle:], attempts)
            elif attempts > 1:
                await asyncio.sleep(0.05)
                await self._write(batch, attempts - 1)
            else:
                log.error("recording %s failed", batch[0][0], exc_info=True)
                _settle(batch[0][1], exception=RecordFailed(str(exc)))
            return
        self.batches += 1
        if self._batch_sizes is not None:
            self._batch_sizes.observe(len(batch))
        for (_request, future), outcome in zip(batch, outcomes, strict=True):
            _settle(future, outcome)


def _settle(future: asyncio.Future[Outcome], outcome: Outcome | None = None,
            exception: Exception | None = None) -> None:
    if future.done():  # the caller gave up (cancelled); the event is recorded all the same
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        assert outcome is not None
        future.set_result(outcome)
