"""The group's lesson button and /progress count the same people (issue #20 items 2 and 11), with the real bot
and engine against the sandbox: a late joiner who taps is counted in both, and a 补学 in private moves the group's
button too, make-ups told apart ("✅ 已学习 3/4（补学 1）")."""

from __future__ import annotations

from datetime import timedelta

from lesson_bot.services.clock import FixedClock
from tests.support.bot import Harness, registered_branch
from tests.support.engine import lesson_engine, lesson_message, send_lesson_now

SLUG = "red-zunyi-conference"  # one text message and three quiz questions


def _later(h: Harness, delta: timedelta) -> None:
    clock = h.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now() + delta)


async def test_the_button_counts_late_joiners_and_make_ups_as_progress_does(harness: Harness) -> None:
    """Li, Bob and Carol are on the roster when the lesson is sent; Carol taps; Dan joins afterwards and taps: the
    button and /progress both read 2/4. Bob studies it as 补学 from /lessons: the button then reads
    “✅ 已学习 3/4（补学 1）” and /progress “3/4（按时 2，补学 1）”."""
    h = harness
    li, bob, carol, dan = [await h.user(n) for n in ("Li", "Bob", "Carol", "Dan")]
    chat = await registered_branch(h, li, bob, carol, dan)
    for member in (bob, carol):
        await h.say(chat, member, "/join")
    await h.start(bob)
    async with lesson_engine(h.sb, h.services) as engine:
        delivery = await send_lesson_now(h.services, engine, chat, SLUG)
        lesson = await lesson_message(h.sb, chat)
        data = f"ls:done:{delivery}"
        assert (await h.tap(chat, lesson["message_id"], carol, data))["text"] == "✅ 已记录：你已学习本课（目前 1/3）。"
        _later(h, timedelta(hours=1))
        await h.say(chat, dan, "/join")  # after the lesson was sent: not expected, unless he studies it
        await h.tap(chat, lesson["message_id"], dan, data)
        assert await engine.ticker.tick() == 1
        await engine.dispatcher.settle()
        assert (await lesson_message(h.sb, chat))["buttons"][0][0]["text"] == "✅ 已学习 2/4"
        [report] = await h.say(chat, li, "/progress")
        assert "已学习：2/4（按时 2，补学 0）" in report["text"] and "未学习（2）：Li、Bob" in report["text"]

        [listing] = await h.say(bob, bob, "/lessons")
        before = await h.last_message_id(bob)
        await h.tap(bob, listing["message_id"], bob, listing["buttons"][0][0]["callback_data"])
        _intro, text, *_polls = await h.bot_messages(bob, before, 5)
        tapped = await h.tap(bob, text["message_id"], bob, text["buttons"][0][0]["callback_data"])
        assert tapped["text"].startswith("✅ 已记录：你已学习本课")
        _later(h, timedelta(seconds=15))
        assert await engine.ticker.tick() == 1  # the 补学 changed the group's count
        await engine.dispatcher.settle()
        assert (await lesson_message(h.sb, chat))["buttons"][0][0]["text"] == "✅ 已学习 3/4（补学 1）"
        [report] = await h.say(chat, li, "/progress")
        assert "已学习：3/4（按时 2，补学 1）" in report["text"] and "未学习（1）：Li" in report["text"]
        _later(h, timedelta(seconds=15))
        assert await engine.ticker.tick() == 0  # nothing new: no edit
    assert h.unhandled() == []
