"""/deliveries: a secretary reads what was sent, retried, failed or missed; members are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lesson_bot.db import outbox as db_outbox
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.delivery import outbox
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.domain.messages import Text
from tests.support.bot import Harness, registered_branch


async def test_a_secretary_reads_the_ledger_in_the_group(harness: Harness) -> None:
    """The ledger shows the period's counts and the failed row's reason; an ordinary member is refused."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    chat_id = await registered_branch(harness, li, zhao)
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None
    now = datetime.now(UTC)
    async with harness.services.db.transaction() as s:
        await db_outbox.enqueue(s, [
            OutboxItem(f"t{i}", chat_id, "lesson", Text("x", html=False),
                       now - timedelta(minutes=i), f"t{i}", branch_id=branch.id) for i in range(2)])
    async with harness.services.db.transaction() as s:
        first, second = sorted(r.id for r in await outbox.eligible(s, now, 10))
        await outbox.mark_sent(s, first, now, 5, {}, "w")
        await outbox.mark_final(s, second, now, OutboxStatus.FAILED, DeliveryOutcome.FAILED,
                                "Bad Request: message is too long", "w")
    [ledger] = await harness.say(chat_id, li, "/deliveries")
    assert ledger["text"].startswith("第一党支部 投递记录（近 7 天）")
    assert "已发送 1 · 延后 0 · 重试 0 · 失败 1 · 错过 0 · 等待 0" in ledger["text"]
    assert "lesson: 失败 — Bad Request: message is too long" in ledger["text"]
    [refused] = await harness.say(chat_id, zhao, "/deliveries")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
