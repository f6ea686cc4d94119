"""Sent rows are recorded in batches (one transaction for the sends that finish together), each with its on-sent hook
inside that transaction; a failing row does not hold up the rest of its batch."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import telegram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db import outbox
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import DeliveryLogEntry, OutboxMessage
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.outbox import Claimed
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.domain.messages import Sent
from lesson_bot.services.clock import SystemClock
from tests.support.delivery import Events, groups, lesson_parts, statuses
from tests.support.sandbox import bot_texts
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig

TIME_SCALE = 20.0
HOOK_WORKER = "on-sent hook"


@dataclass
class Hook:
    """An on-sent hook that leaves a ledger line in the transaction it is given, failing first for some rows."""

    fail_times: dict[int, int] = field(default_factory=dict)  # chat id -> how many times to fail its first part
    saw_sent: list[bool] = field(default_factory=list)  # per call: whether the row was already "sent" in its session

    async def __call__(self, s: AsyncSession, row: Claimed, sent: Sent) -> None:
        status = (await s.execute(select(OutboxMessage.status).where(OutboxMessage.id == row.id))).scalar_one()
        self.saw_sent.append(status == OutboxStatus.SENT)
        s.add(DeliveryLogEntry(outbox_id=row.id, at=datetime.now(UTC), outcome=DeliveryOutcome.SENT,
                               detail=f"message {sent.message_id}", worker=HOOK_WORKER))
        if self.fail_times.get(row.chat_id, 0) > 0 and row.payload["method"] == "sendMessage":
            self.fail_times[row.chat_id] -= 1
            raise RuntimeError("the hook's own write failed")


@dataclass
class Rig:
    sb: Sandbox
    db: Database
    bot: telegram.Bot

    def dispatcher(self, hook: Hook) -> Dispatcher:
        """A dispatcher whose rows of kind "lesson" run `hook`; a 50 ms recording window, which the sends of a
        burst surely finish within whatever the machine's load."""
        return Dispatcher(self.db, TelegramSender(self.bot), DeliveryLimiter(Limits(time_scale=TIME_SCALE)),
                          SystemClock(), Events(), DispatcherConfig(record_window_s=0.05), on_sent={"lesson": hook})

    async def lessons(self, chats: list[int]) -> None:
        async with self.db.transaction() as s:
            await outbox.enqueue(s, [item for chat in chats for item in lesson_parts(chat, "rec", datetime.now(UTC))])


@pytest.fixture
async def rig(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    """A fresh SQLite outbox and a sandbox with Telegram's flood limits (time-scaled)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    target = tmp_path / "d.db"
    shutil.copyfile(sqlite_template, target)
    db = Database(create_engine(f"sqlite+aiosqlite:///{target}"))
    async with run_sandbox(flood=FloodConfig(enabled=True, time_scale=TIME_SCALE)) as sb:
        request = telegram.request.HTTPXRequest(connection_pool_size=16, read_timeout=2.0)
        async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url,
                                request=request) as bot:
            yield Rig(sb, db, bot)
    await db.dispose()


async def ledger(db: Database) -> tuple[Counter[int], Counter[int]]:
    """Per row: its "sent" entries written by the dispatcher, and those written by the hook."""
    async with db.transaction() as s:
        rows = (await s.execute(select(DeliveryLogEntry.outbox_id, DeliveryLogEntry.worker).where(
            DeliveryLogEntry.outcome == DeliveryOutcome.SENT))).all()
    return (Counter(row for row, worker in rows if worker != HOOK_WORKER),
            Counter(row for row, worker in rows if worker == HOOK_WORKER))


async def test_sends_finishing_together_share_a_transaction_with_their_hooks(rig: Rig) -> None:
    """Every part arrives once and is in the ledger once, with its hook's write beside it; the hook saw its row
    already marked sent (the same transaction); and there were fewer recording transactions than rows."""
    hook = Hook()
    dispatcher = rig.dispatcher(hook)
    chats = await groups(rig.sb, 16)
    await rig.lessons(chats)
    await dispatcher.settle()
    for chat in chats:
        assert await bot_texts(rig.sb, chat) == ["第一课 rec", "问题 1", "问题 2", "问题 3"]
    assert await statuses(rig.db) == {"sent": 64}
    by_dispatcher, by_hook = await ledger(rig.db)
    assert len(by_dispatcher) == 64 and set(by_dispatcher.values()) == {1}
    assert by_hook == by_dispatcher
    assert hook.saw_sent == [True] * 64
    assert dispatcher.record_transactions < 64


async def test_a_row_whose_record_fails_does_not_hold_up_its_batch(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    """One group's first part cannot be recorded at first (its hook fails twice): its batch is recorded row by row,
    the others at once, and that part is recorded on a retry; nothing is sent twice, no hook write is doubled."""
    hook = Hook()
    dispatcher = rig.dispatcher(hook)
    chats = await groups(rig.sb, 8)
    hook.fail_times[chats[0]] = 2
    await rig.lessons(chats)
    await dispatcher.settle()
    for chat in chats:
        assert await bot_texts(rig.sb, chat) == ["第一课 rec", "问题 1", "问题 2", "问题 3"]
    assert await statuses(rig.db) == {"sent": 32}
    by_dispatcher, by_hook = await ledger(rig.db)
    assert by_hook == by_dispatcher and set(by_dispatcher.values()) == {1} and len(by_dispatcher) == 32
    assert hook.fail_times[chats[0]] == 0
    batches = [r.args[0] for r in caplog.records
               if r.msg.startswith("recording %d sent outbox rows failed") and isinstance(r.args, tuple)]
    assert batches
    async with rig.db.transaction() as s:
        first = (await s.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == chats[0], OutboxMessage.seq == 0, OutboxMessage.attempts == 1))).scalar_one()
    assert first == 1  # recorded once, as one attempt: the retries were of the record, never of the send
