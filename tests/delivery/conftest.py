"""The dispatcher rig the delivery tests share: a sandbox with Telegram's flood limits on (time-scaled), a copy of
the migrated SQLite database, and a dispatcher sending through python-telegram-bot."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import telegram

from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.services.clock import SystemClock
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig

TIME_SCALE = 20.0


@dataclass
class Events:
    gone: list[tuple[int, str]] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        self.gone.append((chat_id, reason))

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None:
        self.moved.append((old_chat_id, new_chat_id))


@dataclass
class Rig:
    sb: Sandbox
    db: Database
    dispatcher: Dispatcher
    events: Events
    sender: TelegramSender


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


