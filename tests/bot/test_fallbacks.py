"""No silence where people expect an answer: /cancel ends any wizard and says so; stray text and unknown commands
in private get a hint pointing to /help (not in groups, not while a question waits for the text); a member the
bot cannot reach in private is offered the branch's deep link when they /join or are added to the group."""

from __future__ import annotations

from sqlalchemy import func, select

from lesson_bot.db.models import Meeting
from tests.support.bot import Harness, registered_branch
from tests.support.sandbox import bot_posts
from tests.support.wizards import tap_next

HINT = "我只响应命令和按钮。发送 /help 查看你能做什么。"
CANCELLED = "已取消，未保存任何内容。"


async def test_cancel_ends_every_wizard_and_says_so(harness: Harness) -> None:
    """/cancel in the /meeting wizard (private), the /schedule wizard (group) and a 请假 reason question: each ends,
    the next text is no longer taken as an answer; /cancel with nothing open says there is nothing to cancel."""
    h = harness
    li, wang = await h.user("Li"), await h.user("Wang")
    chat = await registered_branch(h, li, wang)
    await h.start(li)
    [nothing] = await h.say(li, li, "/cancel")
    assert nothing["text"] == "没有可取消的操作：我在这里没有等你回答。"

    [ask_type] = await h.say(li, li, "/meeting")
    ask_topic = await tap_next(h, li, ask_type, li, "支部委员会")
    assert ask_topic["text"] == "支部委员会：请输入会议议题。"
    [done] = await h.say(li, li, "/cancel")
    assert done["text"] == CANCELLED
    [hint] = await h.say(li, li, "研究发展党员工作")  # no longer a topic
    assert hint["text"] == HINT
    async with h.services.db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(Meeting))).scalar_one() == 0

    [series] = await h.say(chat, li, "/schedule")
    assert "系列" in series["text"]
    [done] = await h.say(chat, li, "/cancel")
    assert done["text"] == CANCELLED
    before = await h.last_message_id(chat)
    await h.control.send(chat, li, "1")  # would have picked the first series
    await h.barrier()
    assert await bot_posts(h, chat, before) == []  # the group hears nothing
    assert h.unhandled() == []


async def test_private_text_and_unknown_commands_get_a_hint_but_not_in_groups(harness: Harness) -> None:
    """Free text and an unknown command in private are answered with a pointer to /help; in the group, silence;
    a typed answer to an open wizard gets no hint."""
    h = harness
    li, wang = await h.user("Li"), await h.user("Wang")
    chat = await registered_branch(h, li, wang)
    await h.start(wang)
    [hint] = await h.say(wang, wang, "你好")
    assert hint["text"] == HINT
    [unknown] = await h.say(wang, wang, "/foo bar")
    assert unknown["text"] == "没有 /foo 这个命令。发送 /help 查看可用的命令。"
    before = await h.last_message_id(chat)
    await h.control.send(chat, wang, "/foo")
    await h.control.send(chat, wang, "大家好")
    await h.barrier()
    assert await bot_posts(h, chat, before) == []

    await h.start(li)
    [ask_type] = await h.say(li, li, "/meeting")
    await tap_next(h, li, ask_type, li, "支部委员会")
    [ask_when] = await h.say(li, li, "研究发展党员工作")  # the answer, and only the next question
    assert ask_when["text"].startswith("会议何时开始？")
    await h.barrier()
    assert await bot_posts(h, li, ask_when["message_id"]) == []
    assert h.unhandled() == []


async def test_members_who_cannot_be_reached_in_private_are_offered_the_deep_link(harness: Harness) -> None:
    """Qian (never started the bot) sends /join: the reply carries the link that starts the bot; Sun, added to
    the group, is offered it there; Zhao, who started the bot already, is not."""
    h = harness
    li, qian, sun, zhao = [await h.user(n) for n in ("Li", "Qian", "Sun", "Zhao")]
    chat = await registered_branch(h, li, qian)
    [joined] = await h.say(chat, qian, "/join")
    first, offer = joined["text"].split("\n")
    assert first == "Qian 已加入“第一党支部”的名册。"
    assert offer.startswith("Qian：请打开 https://t.me/") and "?start=" in offer
    assert offer.endswith("启动机器人一次，以便我私聊给你发送会议提醒和补学课程。")
    payload = offer.split("?start=")[1].split()[0]
    welcome = await h.start(qian, payload)
    assert "第一党支部" in welcome["text"]
    [again] = await h.say(chat, qian, "/join")
    assert again["text"] == "Qian 已在“第一党支部”的名册中。"  # reachable now: no link

    before = await h.last_message_id(chat)
    await h.control.add_member(chat, sun, by=li)
    [offered] = await h.bot_messages(chat, before)
    assert offered["text"].startswith("Sun：请打开 https://t.me/")
    await h.start(zhao)
    before = await h.last_message_id(chat)
    await h.control.add_member(chat, zhao, by=li)
    await h.barrier()
    assert await bot_posts(h, chat, before) == []
    assert h.unhandled() == []
