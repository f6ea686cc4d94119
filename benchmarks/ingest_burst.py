"""Firing a burst of taps and votes at the sandbox and timing it: until the last event is committed and the last
tap answered.

Two clocks meet here: the sandbox stamps taps and answers with time.monotonic() in its process, this driver its own
calls and database checks with the same clock (system-wide on Linux), so both land on one time line.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ingest_setup import Actions
from tgsandbox import ControlClient

CHUNK = 500  # actions per bulk control call: small enough that delivery starts while the rest is queued
PACE_TICK_S = 0.02
CHECK_EVERY_S = 0.02
STALL_S = 15.0  # no event committed and no tap answered for this long: the rest is lost


@dataclass
class Outcome:
    """What one burst achieved."""

    actions: int
    taps: int
    votes: int
    elapsed_s: float = float("nan")
    answered: int = 0
    unanswered: int = 0
    committed: int = 0
    refused: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    timed_out: bool = False
    bot_cpu_s: float | None = None
    sandbox_cpu_s: float | None = None
    in_flight: float | None = None  # mean webhook requests in flight while updates were pending
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Actions per second; for a burst that did not finish, the events committed until it stalled."""
        done = min(self.committed, self.actions) if self.timed_out else self.actions
        return done / self.elapsed_s if self.elapsed_s > 0 else float("nan")


async def _queue(control: ControlClient, chunk: Sequence[tuple[str, list[Any]]]) -> int:
    taps = [item for kind, item in chunk if kind == "tap"]
    votes = [item for kind, item in chunk if kind == "vote"]
    refused = 0
    # Taps first: within a chunk a member never has both a tap and a vote that depend on each other's order.
    if taps:
        refused += len((await control.press_many(taps))["refused"])
    if votes:
        refused += len((await control.vote_many(votes))["refused"])
    return refused


async def fire(control: ControlClient, actions: Actions, rate: float | None) -> tuple[float, int]:
    """Queue every action: as fast as the control API takes them (rate None) or at `rate` actions/s.
    The monotonic time of the first call, and how many actions the sandbox refused."""
    items = actions.items
    start = time.monotonic()
    refused = 0
    if rate is None:
        for offset in range(0, len(items), CHUNK):
            refused += await _queue(control, items[offset:offset + CHUNK])
        return start, refused
    sent = 0
    while sent < len(items):
        due = min(len(items), int((time.monotonic() - start) * rate) + 1)
        if due > sent:
            refused += await _queue(control, items[sent:due])
            sent = due
        await asyncio.sleep(PACE_TICK_S)  # open-loop arrivals: the next few taps are due in a tick
    return start, refused


async def count_rows(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(sql))).scalar_one())


Counter = Callable[[], Awaitable[int]]  # how many actions the bot has done for good (committed, or handled)


def row_counter(engine: AsyncEngine, sql: str) -> Counter:
    """Actions done = rows `sql` counts in the bot's database."""
    return lambda: count_rows(engine, sql)


async def measure(control: ControlClient, count: Counter, actions: Actions, rate: float | None, timeout_s: float,
                  cpu: Callable[[], tuple[float | None, float | None]]) -> Outcome:
    """Fire the burst; wait until `count` counts every action and every tap has its answer (or the timeout)."""
    outcome = Outcome(len(actions.items), actions.taps, actions.votes)
    before = await count()
    await control.reset_answer_times()
    bot_cpu0, sandbox_cpu0 = cpu()
    start, outcome.refused = await fire(control, actions, rate)
    if outcome.refused:
        outcome.notes.append(f"the sandbox refused {outcome.refused} actions")
    expected_rows = actions.taps + actions.votes - outcome.refused
    committed_at: float | None = None
    report: dict[str, Any] = {}
    deadline = start + timeout_s
    progress_mark, progressed_at = (-1, -1), start
    flights: list[int] = []
    while True:
        now = time.monotonic()
        if committed_at is None:
            outcome.committed = await count() - before
            if outcome.committed >= expected_rows:
                committed_at = time.monotonic()
        report = await control.answer_times()
        counters = await control.counters()
        if counters["pending_updates"]:
            flights.append(counters["webhook"]["in_flight"])
        answers_done = report["unanswered"] == 0 and report["answered"] >= actions.taps - outcome.refused
        if committed_at is not None and answers_done:
            break
        if (outcome.committed, report["answered"]) != progress_mark:
            progress_mark, progressed_at = (outcome.committed, report["answered"]), now
        if now > deadline or now - progressed_at > STALL_S:
            outcome.timed_out = True
            outcome.notes.append(f"gave up after {now - start:.0f} s ({now - progressed_at:.0f} s without progress): "
                                 f"{expected_rows - outcome.committed} events not committed, "
                                 f"{report['unanswered']} taps unanswered")
            break
        await asyncio.sleep(CHECK_EVERY_S)  # the bot works in another process; its progress is read, not awaited
    bot_cpu1, sandbox_cpu1 = cpu()
    outcome.in_flight = sum(flights) / len(flights) if flights else None
    outcome.answered, outcome.unanswered = report["answered"], report["unanswered"]
    outcome.p50_ms, outcome.p99_ms, outcome.max_ms = report["p50_ms"], report["p99_ms"], report["max_ms"]
    if not outcome.timed_out:
        assert committed_at is not None
        end = max(committed_at, report["last_answer"] or start)
        outcome.elapsed_s = end - start
    else:
        outcome.elapsed_s = progressed_at - start
    outcome.committed = await count() - before
    if bot_cpu0 is not None and bot_cpu1 is not None:
        outcome.bot_cpu_s = bot_cpu1 - bot_cpu0
    if sandbox_cpu0 is not None and sandbox_cpu1 is not None:
        outcome.sandbox_cpu_s = sandbox_cpu1 - sandbox_cpu0
    return outcome
