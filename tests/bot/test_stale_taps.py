"""Buttons whose data is no kind the bot sends (forged, truncated, or from a format long gone) are answered like an
expired button, and nothing else happens: no handler acts on them and no error reaches anyone."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from tests.support.bot import Harness

FORGED = ("ls:done:abc", "ls:done:99999999999999999999999", "mt:in:", "ls:done:7:8", "up:sk:1:2:20260230",
          "mtw:group:3:x", "xx:yy:1")


async def test_a_tap_whose_data_does_not_decode_is_answered_like_an_expired_button(harness: Harness) -> None:
    """Each forged button gets the expired-button alert; the chat gets no message and no error is logged."""
    li = await harness.user("Li")
    group = await harness.control.create_group("消防一站党支部群", [li])
    chat_id = int(group["chat_id"])
    await harness.bot_messages(chat_id, 0)  # the bot's introduction
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(data, callback_data=data)] for data in FORGED])
    sent = await harness.app.bot.send_message(chat_id, "old buttons", reply_markup=markup)
    for data in FORGED:
        answer = await harness.tap(chat_id, sent.message_id, li, data)
        assert answer["text"] == "操作已过期，请重新开始。" and answer["show_alert"] is True, data
    await harness.barrier()
    assert await harness.last_message_id(chat_id) == sent.message_id
    assert harness.unhandled() == []


async def test_a_forged_tap_in_private_is_answered_in_the_members_language(harness: Harness) -> None:
    """A check-in button whose id is past int64 is no check-in: the English-speaking member is told it expired."""
    li = await harness.user("Li", language_code="en")
    await harness.start(li)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("✅", callback_data="ls:done:9223372036854775808")]])
    sent = await harness.app.bot.send_message(li, "old lesson", reply_markup=markup)
    answer = await harness.tap(li, sent.message_id, li, "ls:done:9223372036854775808")
    assert answer["text"] == "This has expired. Please start again." and answer["show_alert"] is True
    await harness.barrier()
    assert harness.unhandled() == []
