"""Sends whose answer never came: retried (at-least-once), and shown in the ledger as possibly duplicated, counted
as many times as Telegram may have delivered them twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from lesson_bot.bot.texts.lessons.deliveries import ledger as ledger_text
from lesson_bot.db import outbox
from lesson_bot.i18n import Translator
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.lessons.deliveries import DeliveryService, Ledger
from lesson_bot.services.views import Person
from tests.support.delivery import Rig, groups, lesson_parts, statuses
from tests.support.sandbox import bot_texts

SEC = Person(101, "李书记", "li")


async def broadcast(rig: Rig, faults: dict[str, object], seed: int) -> tuple[Ledger, int]:
    """Ten groups of one branch get a lesson and three polls through the faults; the ledger and the duplicates."""
    await rig.sb.control.set_faults([{"method": "*", **faults}], seed=seed)
    chats = await groups(rig.sb, 10)
    clock = SystemClock()
    access = AccessControl(rig.db, clock, frozenset())
    branch = await BranchService(rig.db, clock, access).register(SEC, chats[0], "一支部", "Asia/Shanghai", "zh-Hans",
                                                                 is_group_admin=True)
    now = datetime.now(UTC)
    items = [replace(item, branch_id=branch.id) for chat in chats for item in lesson_parts(chat, "occ", now)]
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, items)
    await rig.dispatcher.settle()
    assert await statuses(rig.db) == {"sent": 40}
    duplicates = 0
    for chat in chats:
        texts = await bot_texts(rig.sb, chat)
        assert set(texts) == {"第一课 occ", "问题 1", "问题 2", "问题 3"}  # nothing lost
        duplicates += len(texts) - 4
    return await DeliveryService(rig.db, clock, access).ledger(SEC.telegram_user_id, branch.id, limit=50), duplicates


async def test_timeouts_after_telegram_sent_are_counted_as_the_duplicates_they_caused(rig: Rig) -> None:
    """Telegram performed the send but answered after the client's read timeout: the row is sent again, and the
    ledger counts exactly as many ambiguous sends as messages arrived twice, marks those rows, and says so."""
    ledger, duplicates = await broadcast(rig, {"timeout_rate": 0.15, "timeout_s": 1.5}, seed=11)
    assert duplicates > 0
    assert ledger.ambiguous == duplicates
    marked = [line for line in ledger.recent if line.ambiguous]
    assert sum(line.ambiguous for line in marked) == duplicates
    assert all(line.status == "sent" for line in marked)
    assert {line.ambiguous for line in ledger.problems} - {0} == {line.ambiguous for line in marked}
    zh = ledger_text(Translator().lang("zh-Hans"), ledger, 7)
    assert f"{duplicates} 次发送后未获应答" in zh and "可能重复送达" in zh
    en = ledger_text(Translator().lang("en"), ledger, 7)
    assert f"{duplicates} send(s) got no answer after leaving" in en and "may have arrived twice" in en


async def test_an_answered_failure_is_retried_but_never_called_ambiguous(rig: Rig) -> None:
    """A 502 is an answer: the message was not sent, the retry duplicates nothing, and the ledger flags nothing."""
    ledger, duplicates = await broadcast(rig, {"error_rate": 0.2}, seed=5)
    assert duplicates == 0
    assert ledger.outcomes.get("retried", 0) > 0
    assert ledger.ambiguous == 0
    assert "可能重复送达" not in ledger_text(Translator().lang("zh-Hans"), ledger, 7)


async def test_a_connection_dropped_after_the_request_left_is_ambiguous(rig: Rig) -> None:
    """A connection closed with no answer: the client cannot tell whether Telegram acted, so the ledger counts
    every such send as a possible duplicate (here the sandbox had not acted: none arrived twice)."""
    ledger, duplicates = await broadcast(rig, {"drop_rate": 0.15}, seed=3)
    counters = await rig.sb.control.counters()
    assert ledger.ambiguous == counters["faults"]["drop"] > 0
    assert duplicates == 0
