"""The dispatcher rig the delivery tests share: a sandbox with Telegram's flood limits on (time-scaled), a copy of
the migrated SQLite database, and a dispatcher sending through python-telegram-bot."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import telegram

from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.lessons.library import LibraryService
from tests.support import REPO_ROOT
from tests.support.delivery import Events, Rig
from tgsandbox import run_sandbox
from tgsandbox.limits import FloodConfig

TIME_SCALE = 20.0





@pytest.fixture
async def rig(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    target = tmp_path / "d.db"
    shutil.copyfile(sqlite_template, target)
    db = Database(create_engine(f"sqlite+aiosqlite:///{target}"))
    flood = FloodConfig(enabled=True, time_scale=TIME_SCALE)
    async with run_sandbox(flood=flood) as sb:
        request = telegram.request.HTTPXRequest(connection_pool_size=16, read_timeout=1.0)
        async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url,
                                request=request) as bot:
            events = Events()
            limiter = DeliveryLimiter(Limits(time_scale=TIME_SCALE))
            config = DispatcherConfig(backoff_s=0.05, backoff_max_s=0.5, max_attempts=20)
            sender = TelegramSender(bot)
            yield Rig(sb, db, Dispatcher(db, sender, limiter, SystemClock(), events, config), events, sender)
    await db.dispose()


@pytest.fixture
async def db(migrated_db_url: str) -> AsyncIterator[Database]:
    """A migrated database (SQLite, then PostgreSQL) with the lesson library of content/ loaded."""
    database = Database(create_engine(migrated_db_url))
    await LibraryService(database).sync(REPO_ROOT / "content" / "lessons")
    try:
        yield database
    finally:
        await database.dispose()
