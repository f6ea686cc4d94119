"""The dispatcher's pace against the sandbox: a budget below the configured one, and a new leader right after the
old one used Telegram's bucket."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import telegram

from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db import outbox
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.services.clock import SystemClock
from tests.support.delivery import Events, groups, lesson_parts, statuses
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig

Make = Callable[[float, DeliveryLimiter | None], Dispatcher]


@pytest.fixture
async def db(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    target = tmp_path / "d.db"
    shutil.copyfile(sqlite_template, target)
    db = Database(create_engine(f"sqlite+aiosqlite:///{target}"))
    yield db
    await db.dispose()


async def dispatchers(sb: Sandbox, db: Database) -> AsyncIterator[Make]:
    """A factory of dispatchers sending through one Bot, each with a limiter of its own (as each leader has)."""
    request = telegram.request.HTTPXRequest(connection_pool_size=16, read_timeout=5.0)
    async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url, request=request) as bot:
        def make(time_scale: float, limiter: DeliveryLimiter | None = None) -> Dispatcher:
            limiter = limiter or DeliveryLimiter(Limits(time_scale=time_scale))
            return Dispatcher(db, TelegramSender(bot), limiter, SystemClock(),
                              Events(), DispatcherConfig(backoff_s=0.05, backoff_max_s=0.5, max_attempts=20))
        yield make


async def run_until_sent(dispatcher: Dispatcher, db: Database, rows: int) -> None:
    """Run the dispatcher as a leader does (Dispatcher.run) until `rows` rows are sent, then stop it."""
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop))
    try:
        while (await statuses(db)).get("sent", 0) < rows:
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await running


async def refused(sb: Sandbox) -> int:
    return int((await sb.control.counters())["flood"]["total"])


async def test_a_budget_ten_percent_under_the_configured_one_draws_under_one_percent_of_429s(db: Database) -> None:
    """The sandbox allows 27 messages/s where the engine is configured for 30: a broadcast of 800 messages still
    arrives whole, once each, and under 1 % of the requests are refused (without adapting, about 10 %)."""
    scale = 3.0
    async with run_sandbox(flood=FloodConfig(time_scale=scale, global_per_second=27)) as sb:
        async for make in dispatchers(sb, db):
            chats = await groups(sb, 200)
            async with db.transaction() as s:
                await outbox.enqueue(s, [i for chat in chats for i in lesson_parts(chat, "b", datetime.now(UTC))])
            await run_until_sent(make(scale, None), db, 800)
            flood = (await sb.control.counters())["flood"]
    assert await statuses(db) == {"sent": 800}
    assert flood["accepted"] == 800  # each message once
    assert flood["total"] < 0.01 * (flood["accepted"] + flood["total"]), flood


async def test_a_new_leader_right_after_the_old_one_draws_no_429(db: Database) -> None:
    """The old leader used Telegram's burst and then some; a new leader starting at once (its own limiter, fresh)
    sends at the pace from its first message instead of bursting into the emptied bucket: no 429. Not time-scaled,
    so the burst is there to be used."""
    async with run_sandbox(flood=FloodConfig(time_scale=1.0)) as sb:
        async for make in dispatchers(sb, db):
            chats = await groups(sb, 40)
            now = datetime.now(UTC)
            async with db.transaction() as s:
                await outbox.enqueue(s, [lesson_parts(chat, "old", now)[0] for chat in chats])
            await make(1.0, None).settle()  # the old leader: a burst of 24, then 30/s
            assert await refused(sb) == 0
            async with db.transaction() as s:
                await outbox.enqueue(s, [lesson_parts(chat, "new", now)[0] for chat in chats])
            await run_until_sent(make(1.0, None), db, 80)
            assert await refused(sb) == 0


async def test_a_stalled_process_paces_what_fell_due_during_the_stall_and_draws_no_429(db: Database) -> None:
    """Mid-broadcast the whole process stops for 0.6 s (a long GC pause, a starved CPU): the messages due meanwhile
    do not all go at once when it resumes, which Telegram's bucket would refuse in part; they are paced again."""
    scale = 3.0
    async with run_sandbox(flood=FloodConfig(time_scale=scale)) as sb:
        async for make in dispatchers(sb, db):
            chats = await groups(sb, 150)
            async with db.transaction() as s:
                await outbox.enqueue(s, [lesson_parts(chat, "b", datetime.now(UTC))[0] for chat in chats])
            limiter = DeliveryLimiter(Limits(time_scale=scale))

            async def stall() -> None:
                while (await sb.control.counters())["flood"]["accepted"] < 40:
                    await asyncio.sleep(0.01)
                time.sleep(0.6)  # the stall itself: the event loop (and the in-process sandbox) stop

            stalling = asyncio.create_task(stall())
            await run_until_sent(make(scale, limiter), db, 150)
            await stalling
            flood = (await sb.control.counters())["flood"]
    assert flood["accepted"] == 150
    assert flood["total"] == 0, flood
    assert limiter.stalls >= 1  # the stall was seen (a broadcast finished before it would prove nothing)
