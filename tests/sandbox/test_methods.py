"""Every Bot API method lesson_bot uses, called through python-telegram-bot's own Bot."""

from __future__ import annotations

import datetime as dtm

import pytest
import telegram
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)

from tests.support.sandbox import Branch, drain
from tgsandbox import Sandbox

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("已学习", callback_data="lesson:done:1")]])


async def test_get_me_describes_the_bot(bot: telegram.Bot, sb: Sandbox) -> None:
    """getMe answers the bot's own identity, with the id taken from the token."""
    me = await bot.get_me()
    assert me.is_bot
    assert me.id == int(sb.token.split(":")[0])
    assert me.username == "sandbox_bot"
    assert me.can_join_groups and not me.can_read_all_group_messages


async def test_send_message_in_a_group_and_in_private(bot: telegram.Bot, branch: Branch) -> None:
    """The bot's messages carry increasing ids per chat, the chat, the sender and a UTC date."""
    first = await bot.send_message(branch.chat_id, "第一课", reply_markup=KEYBOARD)
    second = await bot.send_message(branch.chat_id, "第二课", reply_to_message_id=first.message_id)
    private = await bot.send_message(branch.secretary, "hello")
    assert second.message_id == first.message_id + 1
    assert second.reply_to_message is not None and second.reply_to_message.message_id == first.message_id
    assert first.chat.type == "group" and first.chat.title == "First Branch"
    assert first.from_user is not None and first.from_user.is_bot
    assert first.reply_markup == KEYBOARD
    assert first.date.tzinfo is not None
    assert abs(first.date - dtm.datetime.now(dtm.UTC)) < dtm.timedelta(minutes=1)
    assert private.chat.id == branch.secretary and private.chat.type == "private"


async def test_html_text_is_parsed_into_entities(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """parse_mode=HTML shows the visible text with entities; the transcript keeps the HTML source."""
    sent = await bot.send_message(branch.chat_id, "<b>三会</b>一课 &amp; more", parse_mode="HTML")
    assert sent.text == "三会一课 & more"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 2)]
    entry = (await sb.control.transcript(branch.chat_id))["messages"][-1]
    assert entry["html"] == "<b>三会</b>一课 &amp; more"


async def test_edit_text_and_markup_keep_history(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Edits change what members see, mark the message edited and keep the earlier versions."""
    sent = await bot.send_message(branch.chat_id, "draft", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("final", branch.chat_id, sent.message_id, reply_markup=KEYBOARD)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "final" and edited.edit_date is not None
    cleared = await bot.edit_message_reply_markup(branch.chat_id, sent.message_id)
    assert isinstance(cleared, telegram.Message) and cleared.reply_markup is None
    entry = (await sb.control.transcript(branch.chat_id))["messages"][-1]
    assert entry["edited"] and entry["text"] == "final" and entry["buttons"] == []
    assert [old["text"] for old in entry["history"]] == ["draft", "final"]
    assert entry["history"][0]["buttons"][0][0]["callback_data"] == "lesson:done:1"


async def test_delete_and_pin(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Deleted messages stay in the transcript marked deleted; pinning shows a pinned service message."""
    await sb.control.promote(branch.chat_id, "bot", by=branch.secretary)
    doomed = await bot.send_message(branch.chat_id, "oops")
    kept = await bot.send_message(branch.chat_id, "rules")
    assert await bot.delete_message(branch.chat_id, doomed.message_id)
    assert await bot.pin_chat_message(branch.chat_id, kept.message_id)
    messages = {m["message_id"]: m for m in (await sb.control.transcript(branch.chat_id))["messages"]}
    assert messages[doomed.message_id]["deleted"]
    assert messages[kept.message_id]["pinned"]
    assert max(messages.values(), key=lambda m: m["message_id"])["service"] == {
        "pinned_message": kept.message_id
    }
    assert await bot.unpin_chat_message(branch.chat_id, kept.message_id)


async def test_callback_query_is_answered_once(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """A tap reaches the bot with chat_instance and message; its answer is readable by query id."""
    sent = await bot.send_message(branch.chat_id, "lesson", reply_markup=KEYBOARD)
    await drain(bot)
    tap = await sb.control.press(branch.chat_id, sent.message_id, branch.members[0], data="lesson:done:1")
    (update,) = await drain(bot)
    query = update.callback_query
    assert query is not None and query.id == tap["callback_query_id"]
    assert query.data == "lesson:done:1" and query.chat_instance
    assert query.message is not None and query.message.message_id == sent.message_id
    assert (await sb.control.callback(query.id))["answered"] is False
    assert await bot.answer_callback_query(query.id, text="已记录", show_alert=True)
    answer = await sb.control.callback(query.id)
    assert answer["answered"] and answer["answer"]["text"] == "已记录" and answer["answer"]["show_alert"]
    with pytest.raises(telegram.error.BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)


async def test_quiz_poll_and_answers(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """A non-anonymous quiz yields poll and poll_answer updates and records right and wrong answers."""
    sent = await bot.send_poll(
        branch.chat_id,
        "支部党员大会多久召开一次？",
        ["每月", "每季度", "每年"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="一般每季度召开1次。",
    )
    assert sent.poll is not None and sent.poll.correct_option_ids == (1,)
    await drain(bot)
    zhao, qian = branch.members
    assert (await sb.control.vote(branch.chat_id, sent.message_id, zhao, [1]))["correct"] is True
    assert (await sb.control.vote(branch.chat_id, sent.message_id, qian, [0]))["correct"] is False
    updates = await drain(bot)
    answers = [u.poll_answer for u in updates if u.poll_answer]
    assert [(a.user.id if a.user else 0, a.option_ids) for a in answers] == [(zhao, (1,)), (qian, (0,))]
    assert answers[0].option_persistent_ids == (sent.poll.options[1].persistent_id,)
    counts = [u.poll for u in updates if u.poll][-1]
    assert [o.voter_count for o in counts.options] == [1, 1, 0]
    stopped = await bot.stop_poll(branch.chat_id, sent.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 2
    poll = (await sb.control.transcript(branch.chat_id))["messages"][-1]["poll"]
    assert poll["closed"] and poll["correct_option_ids"] == [1]
    assert [(a["user_id"], a["correct"]) for a in poll["answers"]] == [(zhao, True), (qian, False)]


async def test_anonymous_poll_sends_counts_but_no_answers(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """An anonymous poll tells the bot the new counts but never who voted."""
    sent = await bot.send_poll(branch.chat_id, "Meet on Friday?", ["yes", "no"])
    await drain(bot)
    await sb.control.vote(branch.chat_id, sent.message_id, branch.members[0], [0])
    updates = await drain(bot)
    assert [u.poll.options[0].voter_count for u in updates if u.poll] == [1]
    assert not [u for u in updates if u.poll_answer]


async def test_commands_menu(bot: telegram.Bot) -> None:
    """setMyCommands stores the menu that getMyCommands returns."""
    assert await bot.set_my_commands([BotCommand("me", "我的记录"), BotCommand("start", "开始")])
    assert [c.command for c in await bot.get_my_commands()] == ["me", "start"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_menu_button(bot: telegram.Bot, branch: Branch) -> None:
    """setChatMenuButton keeps a Mini App button (default or per private chat) that getChatMenuButton returns; an
    http Mini App URL and a group chat are refused as Telegram refuses them."""
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonDefault)
    app = MenuButtonWebApp("看板", WebAppInfo("https://party.example.org/app"))
    assert await bot.set_chat_menu_button(menu_button=app)
    assert await bot.get_chat_menu_button(branch.secretary) == app
    assert await bot.set_chat_menu_button(branch.secretary, MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(branch.secretary), MenuButtonCommands)
    assert await bot.get_chat_menu_button() == app
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)only https links are allowed"):
        await bot.set_chat_menu_button(menu_button=MenuButtonWebApp("看板", WebAppInfo("http://party.example.org")))
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)invalid chat_id specified"):
        await bot.set_chat_menu_button(branch.chat_id, MenuButtonCommands())


async def test_chat_information(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """getChat, getChatMember, getChatAdministrators and getChatMemberCount describe the group."""
    chat = await bot.get_chat(branch.chat_id)
    assert chat.title == "First Branch" and chat.type == "group"
    assert (await bot.get_chat_member(branch.chat_id, branch.secretary)).status == "creator"
    assert (await bot.get_chat_member(branch.chat_id, branch.members[0])).status == "member"
    assert await bot.get_chat_member_count(branch.chat_id) == 4
    assert [m.user.id for m in await bot.get_chat_administrators(branch.chat_id)] == [branch.secretary]
    await sb.control.promote(branch.chat_id, "bot", by=branch.secretary)
    admins = await bot.get_chat_administrators(branch.chat_id)
    assert {m.status for m in admins} == {"creator", "administrator"}
    private = await bot.get_chat(branch.secretary)
    assert private.type == "private" and private.first_name == "Wang"


async def test_leave_chat(bot: telegram.Bot, branch: Branch) -> None:
    """After leaveChat the bot hears my_chat_member and can no longer write there."""
    await drain(bot)
    assert await bot.leave_chat(branch.chat_id)
    (update,) = await drain(bot)
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "left"
    with pytest.raises(telegram.error.Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(branch.chat_id, "still here?")


async def test_send_chat_action(bot: telegram.Bot, branch: Branch) -> None:
    """A typing indicator is accepted for a chat the bot may write to."""
    assert await bot.send_chat_action(branch.chat_id, "typing")


async def test_stopping_an_anonymous_poll_answers_its_final_counts(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """stopPoll on an anonymous poll answers the final Poll with each option's count and the total (never who
    voted); a second stopPoll is refused as Telegram refuses it."""
    sent = await bot.send_poll(branch.chat_id, "满意吗？", ["满意", "基本满意", "不满意"], is_anonymous=True)
    zhao, qian = branch.members
    await sb.control.vote(branch.chat_id, sent.message_id, zhao, [0])
    await sb.control.vote(branch.chat_id, sent.message_id, qian, [1])
    stopped = await bot.stop_poll(branch.chat_id, sent.message_id)
    assert stopped.is_closed and stopped.is_anonymous and stopped.total_voter_count == 2
    assert [o.voter_count for o in stopped.options] == [1, 1, 0]
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)poll has already been closed"):
        await bot.stop_poll(branch.chat_id, sent.message_id)
