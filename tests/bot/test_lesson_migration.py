"""A branch's group upgraded to a supergroup with lessons under way: the real bot follows the migration, the
delivery engine's parts (planner, dispatcher with the lesson hook, count ticker) are driven by the test.

The supergroup numbers its messages afresh, so an edit meant for the old group's lesson must never reach the new
chat, where the same message id is another message (here, deliberately, the next lesson's button).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lesson_bot.db.models import DeliveryLogEntry, LessonDelivery, OutboxMessage
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.services.lessons.counts import KIND as COUNT_KIND
from tests.support.bot import Harness, registered_branch, upgrade_group
from tests.support.engine import Engine, lesson_engine, lesson_message, schedule_lesson_now, send_lesson_now


async def _plan(h: Harness, engine: Engine, chat_id: int, slug: str = "red-first-congress") -> None:
    """Schedule the lesson for now in the branch of `chat_id` and plan it, without sending it yet."""
    await schedule_lesson_now(h.services, chat_id, slug)
    assert (await engine.planner.tick()).rows > 0


async def test_the_old_lessons_count_stays_behind_and_the_next_lesson_goes_to_the_supergroup(
        harness: Harness) -> None:
    """Zhao checks in and an edit of the count is queued; the group is upgraded before it goes. The edit is closed
    ("stayed in the old group"), the next lesson arrives in the supergroup and no message there is edited, though
    its button has the old lesson's message id. Sun's tap on the old button still counts; the tick queues nothing
    for it."""
    h = harness
    li, zhao, sun = await h.user("Li"), await h.user("Zhao"), await h.user("Sun")
    chat_id = await registered_branch(h, li, zhao, sun, bot_admin=False)
    async with lesson_engine(h.sb, h.services) as engine:
        before_lesson = await h.last_message_id(chat_id)
        first = await send_lesson_now(h.services, engine, chat_id)
        old_lesson = await lesson_message(h.sb, chat_id)
        data = f"ls:done:{first}"
        assert (await h.tap(chat_id, old_lesson["message_id"], zhao, data))["text"].endswith("（目前 1/2）。")
        assert await engine.ticker.tick() == 1  # queued for the old group, not sent yet
        new_chat = await upgrade_group(h, chat_id, li)
        while await h.last_message_id(new_chat) < before_lesson:  # the next lesson lines up with the old ids
            await h.control.send(new_chat, zhao, "好")
            await h.barrier()
        assert await h.last_message_id(new_chat) == before_lesson
        second = await send_lesson_now(h.services, engine, new_chat)
        new_lesson = await lesson_message(h.sb, new_chat)
        assert new_lesson["message_id"] == old_lesson["message_id"]
        late = await h.tap(chat_id, old_lesson["message_id"], sun, data)
        assert late["text"] == "✅ 已记录：你已学习本课（目前 2/3）。"
        await h.barrier()
        assert await engine.ticker.tick() == 0  # nothing produced only to be dropped
        await engine.dispatcher.settle()
    new_messages = (await h.control.transcript(new_chat))["messages"]
    assert [m["message_id"] for m in new_messages if m["edited"] or m["history"]] == []
    assert new_lesson["buttons"][0][0] == {"text": "✅ 已学习", "callback_data": f"ls:done:{second}"}
    assert (await lesson_message(h.sb, new_chat))["buttons"] == new_lesson["buttons"]
    assert (await lesson_message(h.sb, chat_id))["buttons"] == old_lesson["buttons"]
    async with h.services.db.transaction() as s:
        [edit] = (await s.execute(select(OutboxMessage).where(OutboxMessage.kind == COUNT_KIND))).scalars().all()
        log = (await s.execute(select(DeliveryLogEntry.outcome).where(DeliveryLogEntry.outbox_id == edit.id))).all()
        lesson_chats = set((await s.execute(select(OutboxMessage.chat_id).where(
            OutboxMessage.kind == "lesson", OutboxMessage.id > edit.id))).scalars())
    assert edit.status is OutboxStatus.CANCELLED and edit.chat_id == chat_id
    assert edit.last_error is not None and "stayed in the old group" in edit.last_error
    assert [outcome for (outcome,) in log] == [DeliveryOutcome.MIGRATED]
    assert lesson_chats == {new_chat}
    assert h.unhandled() == []


async def test_a_lesson_planned_before_the_upgrade_is_counted_in_the_supergroup(harness: Harness) -> None:
    """The lesson was planned for the group, which is upgraded before it goes: it arrives in the supergroup, the
    taps there count and its button there shows the count."""
    h = harness
    li, zhao = await h.user("Li"), await h.user("Zhao")
    chat_id = await registered_branch(h, li, zhao, bot_admin=False)
    async with lesson_engine(h.sb, h.services) as engine:
        await _plan(h, engine, chat_id)
        new_chat = await upgrade_group(h, chat_id, li)
        await engine.dispatcher.settle()  # the old id answers "upgraded": the parts move and go there
        lesson = await lesson_message(h.sb, new_chat)
        data = lesson["buttons"][0][0]["callback_data"]
        assert (await h.tap(new_chat, lesson["message_id"], zhao, data))["text"].endswith("（目前 1/2）。")
        await h.barrier()
        assert await engine.ticker.tick() == 1
        await engine.dispatcher.settle()
    assert (await lesson_message(h.sb, new_chat))["buttons"][0][0]["text"] == "✅ 已学习 1/2"
    async with h.services.db.transaction() as s:
        delivery = (await s.execute(select(LessonDelivery))).scalar_one()
    assert (delivery.chat_id, delivery.message_id) == (new_chat, lesson["message_id"])
    assert h.unhandled() == []


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
