"""The nudge round after the branch's group became a supergroup: the lesson stayed in the old group, so the group
mention goes to the supergroup and replies to nothing there (the old message id names another message)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lesson_bot.db.models import LessonDelivery
from lesson_bot.services.clock import FixedClock
from tests.support.bot import Harness, registered_branch, upgrade_group
from tests.support.engine import lesson_engine as lesson_parts
from tests.support.engine import lesson_message, send_lesson_now
from tests.support.engine import nudge_engine as nudge_parts
from tests.support.sandbox import bot_posts


async def test_the_group_mention_after_an_upgrade_is_no_reply_to_an_unrelated_message(harness: Harness) -> None:
    """The lesson goes to the group; the group is upgraded and Dan's chatter there reaches the lesson's message
    id. A day later Dan, who never started me, is mentioned in the supergroup, not in reply to his own chatter; the
    old group hears nothing more."""
    h = harness
    li, dan = await h.user("Li"), await h.user("Dan")
    chat_id = await registered_branch(h, li, dan)
    await h.control.send(chat_id, dan, "到")  # Dan is on the roster (the bot, an admin, sees every message)
    await h.start(li)
    await h.barrier()
    clock = h.services.clock
    assert isinstance(clock, FixedClock)
    start = clock.now()
    async with lesson_parts(h.sb, h.services) as engine:
        delivery_id = await send_lesson_now(h.services, engine, chat_id)
    lesson = await lesson_message(h.sb, chat_id)
    new_chat = await upgrade_group(h, chat_id, li)
    while await h.last_message_id(new_chat) < lesson["message_id"]:  # a message of Dan's takes the lesson's id
        await h.control.send(new_chat, dan, "好")
        await h.barrier()
    [namesake] = [m for m in (await h.control.transcript(new_chat))["messages"]
                  if m["message_id"] == lesson["message_id"]]
    assert not namesake["from"]["is_bot"]
    async with h.services.db.transaction() as s:
        delivery = await s.get(LessonDelivery, delivery_id)
        assert delivery is not None and (delivery.chat_id, delivery.message_id) == (chat_id, lesson["message_id"])
    old_messages = len((await h.control.transcript(chat_id))["messages"])
    clock.set(start + timedelta(days=1))
    async with nudge_parts(h) as (job, dispatcher):
        await job.run()
        await dispatcher.settle()
    [mention] = [m for m in await bot_posts(h, new_chat) if "以下同志还没有学习" in str(m["text"])]
    assert "Dan" in str(mention["text"]) and "中共一大" in str(mention["text"])
    assert mention["reply_to"] is None
    assert len((await h.control.transcript(chat_id))["messages"]) == old_messages
    summary = (await bot_posts(h, li))[-1]["text"]
    assert "群内提醒（1）：Dan" in str(summary)
    assert h.unhandled() == []


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
