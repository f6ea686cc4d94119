"""The two ways the fan-out is sent: lesson_bot's delivery engine, and python-telegram-bot's AIORateLimiter.

Each phase runs against its own fresh sandbox process and returns the same record (``Phase``); the figures are
computed from it in benchmarks/fanout_figures.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import telegram
from sqlalchemy import select, update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from fanout_rig import Arrivals, Counters, SandboxProcess, check_arrivals, create_groups, lesson_payloads, progress
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db import migrate, outbox
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.domain.messages import part_from_payload
from lesson_bot.services.clock import SystemClock
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND, GROUP_MESSAGES_PER_MINUTE
from tgsandbox import ControlClient

DRAIN_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 10.0
BASELINE_POOL = 64
BASELINE_MAX_RETRIES = 5


@dataclass
class Phase:
    """What one sender did: when each part was due and sent (epoch seconds), and what arrived."""

    name: str
    groups: int
    parts: int
    due: list[float] = field(default_factory=list)  # per part that was sent, the moment it was due
    sent: list[float] = field(default_factory=list)  # ... and the moment its send was answered
    not_sent: int = 0  # parts the sender did not record as sent (failed, given up, timed out)
    failures: dict[str, int] = field(default_factory=dict)  # why, by kind
    counters: Counters = field(default_factory=lambda: Counters(0, 0, {}, 0))
    arrivals: Arrivals = field(default_factory=Arrivals)
    wall_s: float = 0.0  # from the first due moment until the sender was done
    client_cpu_s: float = 0.0  # this process, all threads, over the same span
    sandbox_cpu_s: float | None = None
    record_transactions: int | None = None  # the engine's transactions that recorded sent rows
    timed_out: bool = False
    crashed: str | None = None  # the sender raised instead of finishing


@dataclass
class _Events:
    """ChatEvents that only counts: in this fan-out no group removes the bot or migrates."""

    gone: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        self.gone.append(chat_id)

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None:
        self.moved.append(old_chat_id)


async def _measured(phase: Phase, sandbox: SandboxProcess, control: ControlClient, chats: list[int], tag: str,
                    send: Callable[[], Awaitable[None]], due: float | None = None) -> None:
    """Run `send` and fill in the counters, CPU figures and arrivals around it (wall time from `due`)."""
    before = await Counters.read(control)
    sandbox_cpu, client_cpu, started = sandbox.cpu_seconds(), time.process_time(), time.time()
    await send()
    phase.wall_s = time.time() - (started if due is None else max(started, due))
    phase.client_cpu_s = time.process_time() - client_cpu
    sandbox_cpu_after = sandbox.cpu_seconds()
    if sandbox_cpu is not None and sandbox_cpu_after is not None:
        phase.sandbox_cpu_s = sandbox_cpu_after - sandbox_cpu
    phase.counters = (await Counters.read(control)).since(before)
    phase.arrivals = await check_arrivals(control, chats, tag)


# --- lesson_bot's delivery engine ---------------------------------------------------------------------


async def run_engine(sandbox: SandboxProcess, groups: int, time_scale: float, timeout_s: float,
                     lead_s: float) -> Phase:
    """Enqueue the lesson for every group in a real SQLite outbox and let the real Dispatcher send it."""
    control = ControlClient(sandbox.control_url)
    try:
        chats = await create_groups(control, groups)
        progress(f"engine: {len(chats)} groups created")
        with tempfile.TemporaryDirectory(prefix="fanout-") as workdir:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(workdir) / 'fanout.db'}")
            await migrate.upgrade(engine)
            db = Database(engine)
            try:
                return await _dispatch(db, sandbox, control, chats, time_scale, timeout_s, lead_s)
            finally:
                await db.dispose()
    finally:
        await control.aclose()


async def _dispatch(db: Database, sandbox: SandboxProcess, control: ControlClient, chats: list[int],
                    time_scale: float, timeout_s: float, lead_s: float) -> Phase:
    tag = "engine"
    phase = Phase("lesson_bot dispatcher", len(chats), 4 * len(chats))
    config = DispatcherConfig()
    # Like the planner (which enqueues up to its lookahead before the due time), the rows are in the outbox
    # before they are due, so the lateness measured is the dispatcher's and not this bulk insert's: they are
    # inserted due in an hour (the insert takes seconds on a loaded machine), then all made due lead_s from now.
    placeholder = datetime.now(UTC) + timedelta(hours=1)
    items = [
        OutboxItem.of(f"{tag}:{chat}:{seq}", chat, "lesson", part_from_payload(payload), placeholder, f"{tag}:{chat}",
                      seq=seq)
        for chat in chats
        for seq, payload in enumerate(lesson_payloads(tag))
    ]
    async with db.transaction() as session:
        added = await outbox.enqueue(session, items)
    due = datetime.now(UTC) + timedelta(seconds=lead_s)
    async with db.transaction() as session:
        await session.execute(update(OutboxMessage).values(due_at=due, next_attempt_at=due))
    late_by = (datetime.now(UTC) - due).total_seconds()
    progress(f"engine: {added} rows enqueued, then made due {lead_s:g} s later"
             + (f" (the update ran {late_by:.3f} s past it)" if late_by > 0 else ""))
    request = HTTPXRequest(connection_pool_size=2 * config.max_sending, read_timeout=READ_TIMEOUT_S)
    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url,
                            request=request) as bot:
        limiter = DeliveryLimiter(Limits(time_scale=time_scale))
        events = _Events()
        dispatcher = Dispatcher(db, TelegramSender(bot), limiter, SystemClock(), events, config)

        async def send() -> None:
            await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
            try:
                await asyncio.wait_for(dispatcher.settle(), timeout_s)
            except TimeoutError:
                phase.timed_out = True
            except Exception as exc:  # the engine failing is a result to report, not a reason to stop measuring
                phase.crashed = f"Dispatcher.settle() raised {type(exc).__name__}: {str(exc)[:200]}"
                progress(f"engine: {phase.crashed}")
            if phase.timed_out or phase.crashed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(dispatcher.drain(), DRAIN_TIMEOUT_S)

        await _measured(phase, sandbox, control, chats, tag, send, due.timestamp())
        phase.record_transactions = dispatcher.record_transactions
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.due_at, OutboxMessage.sent_at,
                                             OutboxMessage.last_error))).all()
    failures: Counter[str] = Counter()
    for status, due_at, sent_at, last_error in rows:
        if status == OutboxStatus.SENT and sent_at is not None:
            phase.due.append(due_at.timestamp())
            phase.sent.append(sent_at.timestamp())
        else:
            phase.not_sent += 1
            failures[f"{status}: {last_error}"] += 1
    if events.gone or events.moved:
        failures["chats reported gone or moved"] += len(events.gone) + len(events.moved)
    phase.failures = dict(failures)
    return phase


# --- the baseline: python-telegram-bot's AIORateLimiter -----------------------------------------------


async def run_baseline(sandbox: SandboxProcess, groups: int, time_scale: float, timeout_s: float) -> Phase:
    """The same lesson to the same number of groups as a PTB user would send it: ExtBot with AIORateLimiter,
    every group concurrently (asyncio.gather), each group's parts one after the other."""
    tag = "baseline"
    phase = Phase("PTB AIORateLimiter", groups, 4 * groups)
    control = ControlClient(sandbox.control_url)
    failures: Counter[str] = Counter()
    try:
        chats = await create_groups(control, groups)
        progress(f"baseline: {len(chats)} groups created")
        limiter = AIORateLimiter(
            overall_max_rate=GLOBAL_MESSAGES_PER_SECOND, overall_time_period=1 / time_scale,
            group_max_rate=GROUP_MESSAGES_PER_MINUTE, group_time_period=60 / time_scale,
            max_retries=BASELINE_MAX_RETRIES,
        )
        # A pool that never makes a request wait for a connection: the limiter alone paces the sends.
        request = HTTPXRequest(connection_pool_size=BASELINE_POOL, read_timeout=READ_TIMEOUT_S, pool_timeout=None)
        async with ExtBot(sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url,
                          request=request, rate_limiter=limiter) as bot:
            methods: dict[str, Callable[..., Awaitable[Any]]] = {
                "sendMessage": bot.send_message, "sendPoll": bot.send_poll,
            }

            async def one_group(chat: int, due: float) -> None:
                for payload in lesson_payloads(tag):
                    try:
                        await methods[payload["method"]](chat_id=chat, **payload["params"])
                    except (TelegramError, OSError) as exc:
                        # The user's code would log and go on with the group's next part.
                        kind = "RetryAfter after max_retries" if isinstance(exc, RetryAfter) else type(exc).__name__
                        failures[kind] += 1
                        phase.not_sent += 1
                        continue
                    phase.due.append(due)
                    phase.sent.append(time.time())

            async def send() -> None:
                due = time.time()
                tasks = [asyncio.ensure_future(one_group(chat, due)) for chat in chats]
                try:
                    await asyncio.wait_for(asyncio.gather(*tasks), timeout_s)
                except TimeoutError:
                    phase.timed_out = True
                    phase.not_sent += phase.parts - len(phase.sent) - phase.not_sent

            await _measured(phase, sandbox, control, chats, tag, send)
    finally:
        await control.aclose()
    phase.failures = dict(failures)
    return phase
