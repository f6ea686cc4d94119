"""The delivery engine in a running service: the leader ticks the planner (APScheduler) and runs the dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher
from lesson_bot.delivery.leader import Leadership, lead
from lesson_bot.delivery.planner import Planner
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.schedules.missed import tick_missed

log = logging.getLogger(__name__)
PLANNER_INTERVAL_S = 5.0

# A periodic job besides the planner (live check-in counts, nudges, re-quiz of mistakes...): it enqueues outbox
# rows and returns how many, so the dispatcher can be woken.
Tick = Callable[[], Awaitable[int]]


class Engine:
    """Starts with the service, stops with it; only the leader replica does the work."""

    def __init__(self, leadership: Leadership, planner: Planner, dispatcher: Dispatcher, db: Database,
                 clock: Clock, translator: Translator, tick_s: float = PLANNER_INTERVAL_S,
                 ticks: Sequence[Tick] = ()) -> None:
        self._leadership = leadership
        self._planner = planner
        self._dispatcher = dispatcher
        self._db = db
        self._clock = clock
        self._translator = translator
        self._tick_s = tick_s
        self._ticks = list(ticks)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.leading = False  # whether this replica is the delivery leader now (readiness, metrics)

    async def _tick(self) -> None:
        report = await self._planner.tick()
        report.rows += await tick_missed(self._db, self._translator, report.missed, self._clock.now())
        if report.rows:
            self._dispatcher.wake()
            log.info("planned %d occurrences (%d messages)", report.planned, report.rows)
        for tick in self._ticks:
            try:
                if await tick():
                    self._dispatcher.wake()
            except Exception:  # one failing job must not stop the planner or the other jobs
                log.exception("engine job %s failed", getattr(tick, "__qualname__", tick))

    async def _work(self, lost: asyncio.Event) -> None:
        # APScheduler only runs the periodic tick; the schedules themselves live in the database.
        scheduler = AsyncIOScheduler()
        scheduler.add_job(self._tick, "interval", seconds=self._tick_s, max_instances=1, coalesce=True)
        scheduler.start()
        self.leading = True
        try:
            await self._tick()
            await self._dispatcher.run(lost, epoch=await self._leadership.new_epoch())
        finally:
            self.leading = False
            scheduler.shutdown(wait=False)

    async def run_once(self) -> None:
        """One planner round and one round of every periodic job, then send everything due (no leadership): for
        one-shot runs and tests that move a clock by hand."""
        await self._tick()
        await self._dispatcher.settle()

    def start(self) -> None:
        """Begin (as leader, or standing by for leadership); an engine stopped before starts afresh."""
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(lead(self._leadership, self._stop, self._work))

    async def stop(self) -> None:
        """Stop planning, let the sends under way finish, step down."""
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
