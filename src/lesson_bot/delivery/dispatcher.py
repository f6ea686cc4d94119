"""The dispatcher: claims due outbox rows, paces them through the rate limiter, sends, and records each fate.

Crash safety: a row is claimed with a lease before it is sent and marked sent right after (with the rows that
finished within a few ms, delivery/recorder.py), before its sending slot is given up. A SIGKILL can therefore
duplicate only a message whose HTTP request was under way or whose record was not yet committed (sent by Telegram
but not recorded): at most `max_sending` of them. Every other claimed row comes back when its lease runs out and
is sent by the next dispatcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.uow import Database
from lesson_bot.delivery import outbox
from lesson_bot.delivery.fence import Fence
from lesson_bot.delivery.outbox import Claimed, Fenced
from lesson_bot.delivery.ports import ChatEvents, Sender, stored_message
from lesson_bot.delivery.ratelimit import DeliveryLimiter
from lesson_bot.delivery.recorder import SentHook as SentHook  # re-exported: hooks are typed against it
from lesson_bot.delivery.recorder import SentRecorder
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.domain.messages import ChatGone, ChatMoved, Rejected, RetryLater, Transient
from lesson_bot.services import metrics as m
from lesson_bot.services.clock import Clock
from lesson_bot.services.lessons import counts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatcherConfig:
    batch: int = 200  # rows looked at per round
    horizon_s: float = 3.0  # claim only rows the limiter lets go within this time
    lease_s: float = 120.0  # a claimed row returns to pending if not settled by then
    max_sending: int = 8  # HTTP requests in flight at once (also the bound on duplicates after a kill)
    idle_s: float = 1.0  # longest sleep when nothing is due
    backoff_s: float = 1.0  # first retry after a 5xx or network error; doubles each attempt
    backoff_max_s: float = 300.0
    max_attempts: int = 10
    record_window_s: float = 0.005  # sends finishing within this long of each other are recorded together
    fence_check_s: float = 0.5  # a send after this long without a fenced transaction checks the epoch first


def is_group(chat_id: int) -> bool:
    """Telegram gives groups and supergroups negative ids, users positive ones."""
    return chat_id < 0


class Dispatcher:
    """Sends the outbox. Run one per process; on PostgreSQL only the leader runs it (see delivery/leader.py)."""

    def __init__(self, db: Database, sender: Sender, limiter: DeliveryLimiter, clock: Clock,
                 events: ChatEvents, config: DispatcherConfig, worker: str | None = None,
                 on_sent: Mapping[str, SentHook] | None = None, metrics: m.Metrics | None = None) -> None:
        self._db = db
        self._metrics = metrics
        self._count = metrics.send if metrics is not None else m.not_counted
        self._sender = sender
        self._limiter = limiter
        self._clock = clock
        self._events = events
        self.config = config
        self.worker = worker or f"dispatcher-{uuid.uuid4().hex[:8]}"
        self._fence = Fence(db, self.config.fence_check_s)  # the leader epoch claims and settlements are made under
        self._recorder = SentRecorder(db, on_sent or {}, self.worker, self.config.record_window_s,
                                      flush_at=self.config.max_sending // 2, fence=self._fence.check)
        self._sending = asyncio.Semaphore(self.config.max_sending)
        self._in_flight: set[int] = set()
        # Chats with a row in flight: one at a time per chat, so messages of different kinds that fall due together
        # (a late meeting notice and its sign-in opening) arrive in their due order, not in a race.
        self._busy_chats: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self.failed_rounds = 0  # rounds that hit a database error (the loop carries on)
        self.round_failed = asyncio.Event()

    @property
    def record_transactions(self) -> int:
        """Transactions that recorded sent rows so far (fewer than rows sent when sends finish close together)."""
        return self._recorder.batches

    def wake(self) -> None:
        """New rows were enqueued in this process: look now instead of at the next idle tick."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, epoch: int | None = None) -> None:
        """Dispatch until `stop` is set or a newer leader epoch than `epoch` begins, then let the sends whose
        request is under way finish (the others are dropped: their rows go back to pending for the next leader)."""
        released = False
        self._fence.begin(epoch, stop)
        # A previous leader may have just emptied Telegram's bucket: no burst until it has refilled.
        self._limiter.drained()
        while not stop.is_set() and not self._fence.over:
            try:
                if not released:
                    async with self._fence.transaction() as s:
                        recovered = await outbox.release_all_claims(s)
                    released = True
                    if recovered:
                        log.info("%d rows left claimed by a previous run are pending again", recovered)
                started = await self.step()
                if started == 0:
                    await self._idle(stop)
            except Fenced:
                self._lose()
            except SQLAlchemyError:
                # A locked or unreachable database must not end delivery: what is claimed stays claimed, the
                # rest waits in the outbox, and the next round tries again.
                self.failed_rounds += 1
                self.round_failed.set()
                log.warning("dispatcher round failed; retrying", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.config.idle_s)
        await self.drain()

    @property
    def fenced(self) -> bool:
        """Whether a newer leader epoch ended this dispatcher's run."""
        return self._fence.over

    def _lose(self) -> None:
        self._fence.lose()
        self._wake.set()

    async def settle(self) -> None:
        """Dispatch until no row is open: every row sent, failed or missed (deferred ones wait for their time)."""
        self._fence.begin(None, asyncio.Event())
        async with self._db.transaction() as s:
            await outbox.release_all_claims(s)
        while True:
            self._wake.clear()  # before looking: a send finishing during the round still wakes us
            try:
                started = await self.step()
            except SQLAlchemyError:
                log.warning("dispatcher round failed; retrying", exc_info=True)
                await asyncio.sleep(self.config.idle_s)
                continue
            if started:
                continue
            if self._tasks:
                await self._wake.wait()  # a send finished (it may free a chat's next part)
                continue
            async with self._db.transaction() as s:
                upcoming = await outbox.next_due(s)
            if upcoming is None:
                return
            # Not before the budget frees up either (a bot-wide 429 pause): no round would claim anything.
            await asyncio.sleep(max(self._booked_ahead(), (upcoming - self._clock.now()).total_seconds()))

    async def drain(self) -> None:
        """Wait for every send this dispatcher started."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _booked_ahead(self) -> float:
        """How long until step() would claim again: the bot's budget is booked until then (0: claim now)."""
        return max(0.0, self._limiter.ready_in(0, False) - self.config.horizon_s / 2)

    async def _idle(self, stop: asyncio.Event) -> None:
        ahead = self._booked_ahead()
        if ahead > 0:
            # Nothing can be claimed before then: no query and no round per finished send meanwhile.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), ahead)
            return
        self._wake.clear()  # before looking: a send finishing during the query still wakes us
        async with self._db.transaction() as s:
            upcoming = await outbox.next_due(s)
        delay = self.config.idle_s
        if upcoming is not None:
            delay = min(delay, max(0.0, (upcoming - self._clock.now()).total_seconds()))
        if self._tasks and delay == 0.0:
            delay = self.config.idle_s  # due rows wait for their earlier parts: a finished send wakes us
        waits = [asyncio.create_task(self._wake.wait()), asyncio.create_task(stop.wait())]
        _done, pending = await asyncio.wait(waits, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def step(self) -> int:
        """One round: claim what the limits allow soon and start sending it. The number of rows started."""
        if self._booked_ahead() > 0:
            # The bot's budget is booked well ahead: wait until half of it is spent, then claim a batch,
            # rather than scanning the outbox for one or two rows at every finished send.
            return 0
        now = self._clock.now()
        async with self._fence.transaction() as s:
            await outbox.recover_expired(s, now)
            candidates = [r for r in await outbox.eligible(s, now, self.config.batch)
                          if r.id not in self._in_flight and r.chat_id not in self._busy_chats]
            chosen = self._within_horizon(candidates)
            claimed = await outbox.claim(s, [r.id for r in chosen], self.worker,
                                         outbox.lease(now, self.config.lease_s), self._fence.epoch)
        started = 0
        for row in chosen:
            if row.id in claimed:
                self._start(row)
                started += 1
        return started

    def _within_horizon(self, rows: list[OutboxMessage]) -> list[OutboxMessage]:
        # One part per chat per round keeps a chat's parts in order and leaves the limiter to pace the rest.
        seen: set[int] = set()
        chosen = []
        for row in rows:
            if row.chat_id in seen:
                continue
            seen.add(row.chat_id)
            if self._limiter.ready_in(row.chat_id, is_group(row.chat_id)) <= self.config.horizon_s:
                chosen.append(row)
        return chosen

    def _start(self, row: OutboxMessage) -> None:
        item = Claimed(row.id, row.chat_id, row.kind, dict(row.payload), row.due_at, row.not_after, row.attempts,
                       row.branch_id)
        self._in_flight.add(row.id)
        self._busy_chats.add(row.chat_id)
        task = asyncio.create_task(self._deliver_or_drop(item))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _task: self._wake.set())  # a finished part may free the next one

    async def _deliver_or_drop(self, row: Claimed) -> None:
        try:
            await self._deliver(row)
        except Fenced:  # the row is the new leader's now (it released our claims): leave it alone
            self._lose()
        except SQLAlchemyError:  # recording the fate failed: the row stays claimed and comes back with its lease
            log.warning("recording the fate of outbox row %d failed", row.id, exc_info=True)
        finally:
            self._in_flight.discard(row.id)
            self._busy_chats.discard(row.chat_id)

    async def _deliver(self, row: Claimed) -> None:
        cuts = self._limiter.pace.cuts  # the pace's cuts when the request left (a 429 to it cuts only once)
        group = is_group(row.chat_id)
        try:
            delay = self._limiter.reserve(row.chat_id, group)
            while True:
                while delay > 0:
                    await asyncio.sleep(delay)
                    # The pace changed during the sleep (a 429 cut it), or the process stalled: book again.
                    delay = self._limiter.rebook(row.chat_id, group) or 0.0
                if row.not_after is not None and self._clock.now() > row.not_after:
                    await self._final(row, OutboxStatus.MISSED, DeliveryOutcome.MISSED, "past its grace window")
                    return
                paused = self._limiter.pause_remaining(row.chat_id)
                if paused > 0:  # a 429 arrived while this row waited: sending now would only draw another
                    self._count(m.DEFERRED)
                    await self._again(row, paused, DeliveryOutcome.DEFERRED, "paused by Telegram's retry_after",
                                      count_attempt=False)
                    return
                await self._sending.acquire()
                # Every sender may have been busy past this row's slot (a slow write): then it would go out
                # bunched with the others that waited; it waits for a slot again, without holding a sender.
                delay = self._limiter.rebook(row.chat_id, group) or 0.0
                if delay <= 0:
                    break
                self._sending.release()
            try:
                if not await self._fence.may_send():
                    return  # not started: the row stays claimed until the next leader (or run) releases it
                cuts = self._limiter.pace.cuts
                sent = await self._sender.send(row.chat_id, stored_message(row.payload))
                self._limiter.accepted()
                # Telegram has the message: record it before giving up the slot, so that at most max_sending
                # messages are ever sent-but-unrecorded (the bound on duplicates after a kill). From here on only
                # the record may be retried, never the send. sent_at is when Telegram answered, not the commit.
                at = self._clock.now()
                await self._recorder.record(row, sent, at)
                if self._metrics is not None:
                    self._metrics.sent(row.due_at, at)
            finally:
                self._sending.release()
        except RetryLater as exc:
            self._limiter.penalize(exc.retry_after, None if exc.whole_bot else row.chat_id)
            self._limiter.throttled(cuts)
            self._count(m.THROTTLED)
            await self._again(row, exc.retry_after, DeliveryOutcome.DEFERRED, exc.reason, count_attempt=False)
        except Transient as exc:
            await self._retry(row, exc.reason, ambiguous=exc.ambiguous)
        except ChatMoved as exc:
            self._count(m.MIGRATED)
            await self._events.chat_moved(row.chat_id, exc.new_chat_id)
            await self._moved(row, exc.new_chat_id)
        except ChatGone as exc:
            self._count(m.FAILED)
            async with self._fence.transaction() as s:
                await outbox.close_chat(s, row.chat_id, self._clock.now(), exc.reason, self.worker)
            await self._events.chat_gone(row.chat_id, exc.reason)
        except Rejected as exc:
            await self._final(row, OutboxStatus.FAILED, DeliveryOutcome.FAILED, exc.reason)
        except (Fenced, SQLAlchemyError):
            raise
        except Exception as exc:  # a bug must not lose the row: it is retried, and the error logged
            log.exception("unexpected error sending outbox row %d", row.id)
            await self._retry(row, f"{type(exc).__name__}: {exc}")

    async def _moved(self, row: Claimed, new_chat_id: int) -> None:
        # Sends follow the group to the supergroup; edits of the old group's messages are closed (outbox.move_chat).
        now = self._clock.now()
        async with self._fence.transaction() as s:
            moved = await outbox.move_chat(s, row.chat_id, new_chat_id, now, self.worker, current=row.id)
            await counts.follow_chat(s, moved.moved.values(), row.chat_id, new_chat_id)
            if row.id in moved.moved:
                await outbox.mark_again(s, row.id, now, now, DeliveryOutcome.MIGRATED, f"moved to {new_chat_id}",
                                        self.worker, count_attempt=False)

    async def _retry(self, row: Claimed, reason: str, *, ambiguous: bool = False) -> None:
        if ambiguous:  # sent again, as at-least-once requires; the ledger shows the row may have arrived twice
            reason = f"{outbox.AMBIGUOUS}{reason}"
        if row.attempts + 1 >= self.config.max_attempts:
            await self._final(row, OutboxStatus.FAILED, DeliveryOutcome.FAILED, f"gave up: {reason}",
                              ambiguous=ambiguous)
            return
        wait = min(self.config.backoff_max_s, self.config.backoff_s * 2 ** row.attempts)
        self._count(m.RETRIED)
        await self._again(row, wait, DeliveryOutcome.RETRIED, reason, ambiguous=ambiguous)

    async def _again(self, row: Claimed, wait_s: float, outcome: DeliveryOutcome, reason: str,
                     count_attempt: bool = True, ambiguous: bool = False) -> None:
        now = self._clock.now()
        async with self._fence.transaction() as s:
            await outbox.mark_again(s, row.id, now, now + timedelta(seconds=wait_s), outcome, reason, self.worker,
                                    count_attempt=count_attempt, ambiguous=ambiguous)

    async def _final(self, row: Claimed, status: OutboxStatus, outcome: DeliveryOutcome, reason: str,
                     ambiguous: bool = False) -> None:
        self._count(m.MISSED if status is OutboxStatus.MISSED else m.FAILED)
        async with self._fence.transaction() as s:
            await outbox.mark_final(s, row.id, self._clock.now(), status, outcome, reason, self.worker,
                                    ambiguous=ambiguous)
