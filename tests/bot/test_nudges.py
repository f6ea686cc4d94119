"""Nudges through the real dispatcher and sandbox: who gets a private message, who is mentioned in the group, what
the secretary reads, and a member whose private chat refuses (403) is mentioned in the group the next time."""

from __future__ import annotations

from datetime import timedelta

import telegram

from lesson_bot.services.clock import FixedClock
from lesson_bot.services.views import Person
from tests.support.bot import Harness, registered_branch
from tests.support.engine import nudge_engine
from tests.support.progress import deliver_lesson
from tests.support.sandbox import bot_posts

DAY = timedelta(days=1)


async def test_nudges_reach_exactly_the_right_people(harness: Harness) -> None:
    """A day after the lesson: Bob (started) gets a private nudge with a 补学 button; Dan (never started) is
    mentioned in the group in reply to the lesson; Carol, who checked in, hears nothing; Li (secretary, missing too)
    gets a nudge and the summary. Eve's stored "started" is stale: Telegram refuses (403), she is marked blocked,
    and with the next lesson she is mentioned in the group instead."""
    h = harness
    li, bob, carol, dan, eve = [await h.user(n) for n in ("Li", "Bob", "Carol", "Dan", "Eve")]
    chat_id = await registered_branch(h, li, bob, carol, dan, eve)
    for user in (bob, carol, dan, eve):
        await h.control.send(chat_id, user, "到")
    for user in (li, bob, carol):
        await h.start(user)
    await h.barrier()
    await h.services.roster.start(Person(eve, "Eve", "eve"), None)  # as if she had started, then deleted the chat
    branch = await h.services.branches.by_chat(chat_id)
    assert branch is not None and isinstance(h.services.clock, FixedClock)
    start = h.services.clock.now()
    async with nudge_engine(h) as (job, dispatcher):
        lesson_message = await dispatcher_bot_message(h, chat_id, "中共一大")
        lesson = await deliver_lesson(h.services.db, branch.id, chat_id, "red-first-congress", start,
                               message_id=lesson_message)
        await h.services.participation.record_checkin(lesson.delivery_id, chat_id, Person(carol, "Carol", "carol"))
        h.services.clock.set(start + DAY)
        assert await job.run() == 5  # Li, Bob, Eve in private; the group; Li's summary
        await dispatcher.settle()

        nudge = (await bot_posts(h, bob))[-1]
        assert "你还没有学习“中共一大：开天辟地的大事变”" in str(nudge["text"])
        assert nudge["buttons"] == [[{"text": "📖 现在补学", "callback_data": f"mk:start:{lesson.delivery_id}"}]]
        assert len(await bot_posts(h, carol)) == 1  # only her /start welcome
        [mention] = (await bot_posts(h, chat_id))[-1:]
        assert mention["reply_to"] == lesson_message
        assert "以下同志还没有学习" in str(mention["text"]) and "Dan" in str(mention["text"])
        assert "Bob" not in str(mention["text"]) and "Carol" not in str(mention["text"])
        summary = (await bot_posts(h, li))[-1]["text"]
        assert "已学习：1/5" in str(summary) and "私信提醒（3）：Li、Bob、Eve" in str(summary)
        assert "群内提醒（1）：Dan" in str(summary)
        roster = (await h.services.roster.roster(li, branch.id)).entries
        assert [e.started_bot for e in roster if e.name == "Eve"] == [False]  # the 403 marked her blocked

        await deliver_lesson(h.services.db, branch.id, chat_id, "red-long-march", start + DAY,
                               message_id=await dispatcher_bot_message(h, chat_id, "长征"))
        h.services.clock.set(start + 2 * DAY)
        await job.run()
        await dispatcher.settle()
        [again] = (await bot_posts(h, chat_id))[-1:]
        assert again["reply_to"] != lesson_message and "长征" in str(again["text"])
        assert "Eve" in str(again["text"]) and "Dan" in str(again["text"])


async def dispatcher_bot_message(h: Harness, chat_id: int, text: str) -> int:
    """A lesson message of the bot in the group (what the check-in button sits on); its message id."""
    async with telegram.Bot(h.sb.token, base_url=h.sb.base_url, base_file_url=h.sb.base_file_url) as bot:
        return (await bot.send_message(chat_id, text)).message_id
