"""A group upgraded to a supergroup, as Telegram does it: a new chat with message ids of its own, the old id
answering every method with the migrate error, the old messages' buttons still reaching the bot."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import ChatMigrated

from tests.support.sandbox import Branch
from tgsandbox import ControlApiError, Sandbox


def _keyboard(label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data="ls:done:1")]])


async def test_the_supergroup_numbers_its_messages_afresh(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """The old group's messages stay there; the supergroup starts again from 1, so an old id names another
    message in it."""
    old = await bot.send_message(branch.chat_id, "第一课", reply_markup=_keyboard("已学习"))
    new_id = int((await sb.control.migrate(branch.chat_id))["chat_id"])
    new_ids = [(await bot.send_message(new_id, f"第{n}课")).message_id for n in range(2, old.message_id + 1)]
    assert new_ids[0] == 2  # 1 is the "upgraded from" service message
    assert old.message_id in new_ids
    old_view = (await sb.control.transcript(branch.chat_id))["messages"]
    assert [m["text"] for m in old_view if m["message_id"] == old.message_id] == ["第一课"]


async def test_changing_an_old_message_answers_the_migrate_error(bot: telegram.Bot, branch: Branch,
                                                                 sb: Sandbox) -> None:
    """Editing, deleting, pinning or stopping a poll in the old group is 400 with migrate_to_chat_id, and the
    message stays as it was."""
    text = await bot.send_message(branch.chat_id, "第一课", reply_markup=_keyboard("已学习"))
    poll = await bot.send_poll(branch.chat_id, "问题", ["甲", "乙"], is_anonymous=False)
    new_id = int((await sb.control.migrate(branch.chat_id))["chat_id"])
    calls = [
        bot.edit_message_reply_markup(branch.chat_id, text.message_id, reply_markup=_keyboard("已学习 1/3")),
        bot.edit_message_text("改过", branch.chat_id, text.message_id),
        bot.delete_message(branch.chat_id, text.message_id),
        bot.pin_chat_message(branch.chat_id, text.message_id),
        bot.stop_poll(branch.chat_id, poll.message_id),
    ]
    for call in calls:
        with pytest.raises(ChatMigrated) as caught:
            await call
        assert caught.value.new_chat_id == new_id
    [kept] = [m for m in (await sb.control.transcript(branch.chat_id))["messages"]
              if m["message_id"] == text.message_id]
    assert (kept["edited"], kept["deleted"], kept["pinned"]) == (False, False, False)
    assert kept["buttons"][0][0]["text"] == "已学习"


async def test_an_old_button_still_reaches_the_bot_but_nobody_writes_there(bot: telegram.Bot, branch: Branch,
                                                                           sb: Sandbox) -> None:
    """A tap on a button of the old group's message is a callback_query from the old chat id; writing in the old
    group is refused."""
    text = await bot.send_message(branch.chat_id, "第一课", reply_markup=_keyboard("已学习"))
    await bot.get_updates(offset=-1)
    await sb.control.migrate(branch.chat_id)
    pressed = await sb.control.press(branch.chat_id, text.message_id, branch.members[0], data="ls:done:1")
    [query] = [u.callback_query for u in await bot.get_updates() if u.callback_query is not None]
    assert query.id == pressed["callback_query_id"]
    assert query.message is not None and query.message.chat.id == branch.chat_id
    assert await query.answer("✅")
    with pytest.raises(ControlApiError) as refused:
        await sb.control.send(branch.chat_id, branch.members[0], "还在吗")
    assert refused.value.status == 409
