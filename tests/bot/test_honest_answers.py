"""Answers match what happened: a forged button naming one branch and another branch's schedule changes nothing
and says so; each branch picker asks its own question."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from lesson_bot.services.schedules.plans import LessonPlan
from tests.support.bot import Harness, registered_branch


async def test_a_forged_cancel_naming_another_branch_changes_nothing_and_says_so(harness: Harness) -> None:
    """A's secretary taps up:cxok:<B>:<A's schedule>: answered “no longer exists”, and A's schedule stays."""
    li, wang = await harness.user("Li"), await harness.user("Wang")
    chat_a = await registered_branch(harness, li)
    await registered_branch(harness, wang)
    branch_a, branch_b = [b.id for b in await harness.services.branches.list_for(990001)][:2]
    schedule = await harness.services.schedules.create(li, branch_a, LessonPlan(series="红色足迹"), "每周一 20:00")
    data = f"up:cxok:{branch_b}:{schedule.id}"
    sent = await harness.app.bot.send_message(chat_a, "upcoming", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("cancel", callback_data=data)]]))
    answer = await harness.tap(chat_a, sent.message_id, li, data)
    assert answer["text"] == "该内容已不存在。"
    view = await harness.services.schedules.upcoming(li, branch_a)
    assert [s.id for s in view.schedules] == [schedule.id]
    assert harness.unhandled() == []


async def test_each_branch_picker_asks_its_own_question(harness: Harness) -> None:
    """A secretary of two branches: /progress, /deliveries and /makeups each ask about their own subject."""
    li = await harness.user("Li")
    await registered_branch(harness, li)
    await registered_branch(harness, li)
    await harness.start(li)
    asked = {command: (await harness.say(li, li, command))[0]["text"]
             for command in ("/progress", "/deliveries", "/makeups", "/roster")}
    assert asked == {"/progress": "要查看哪个支部的学习进度？", "/deliveries": "要查看哪个支部的发送记录？",
                     "/makeups": "要查看哪个支部的补学任务？", "/roster": "要查看哪个支部的名册？"}
