"""The delivery ledger a secretary reads: outcomes over the period, what waits, and the problems."""

from __future__ import annotations

from datetime import timedelta

from lesson_bot.db import outbox as db_outbox
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.delivery import outbox
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.domain.messages import Text
from lesson_bot.services.views import Person
from tests.support.services import Services

SEC = Person(101, "李书记", "li")


async def test_the_ledger_counts_each_fate_and_lists_the_problems(services: Services) -> None:
    """Sent, deferred and retried attempts are counted; failed and missed rows are listed with their reason."""
    branch = await services.branches.register(SEC, -100, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    now = services.clock.now()
    items = [OutboxItem(f"k{i}", -100, "lesson", Text("x", html=False),
                        now - timedelta(hours=i), f"g{i}", branch_id=branch.id) for i in range(5)]
    async with services.db.transaction() as s:
        await db_outbox.enqueue(s, items)
    async with services.db.transaction() as s:
        rows = await outbox.eligible(s, now, 10)
        ids = sorted(r.id for r in rows)
        await outbox.mark_again(s, ids[0], now, now, DeliveryOutcome.DEFERRED, "429", "w1", count_attempt=False)
        await outbox.mark_sent(s, ids[0], now, 11, {}, "w1")
        await outbox.mark_again(s, ids[1], now, now, DeliveryOutcome.RETRIED, "Bad Gateway", "w1")
        await outbox.mark_sent(s, ids[1], now, 12, {}, "w1")
        await outbox.mark_final(s, ids[2], now, OutboxStatus.FAILED, DeliveryOutcome.FAILED,
                                "Forbidden: bot was kicked from the group chat", "w1")
        await outbox.mark_final(s, ids[3], now, OutboxStatus.MISSED, DeliveryOutcome.MISSED, "past its grace window",
                                "w1")
    ledger = await services.deliveries.ledger(SEC.telegram_user_id, branch.id)
    assert ledger.outcomes == {"sent": 2, "deferred": 1, "retried": 1, "failed": 1, "missed": 1}
    assert ledger.waiting == 1
    assert [(p.status, p.detail) for p in ledger.problems] == [
        ("failed", "Forbidden: bot was kicked from the group chat"), ("missed", "past its grace window")]
    assert len(ledger.recent) == 5 and ledger.recent[0].due_at == now
