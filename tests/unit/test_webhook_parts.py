"""A tap's update is parsed without the parts of the tapped message no handler reads (its formatting entities and
keyboard); everything a handler uses stays, and no other kind of update is touched."""

from __future__ import annotations

import copy
from typing import Any

from telegram import Bot, Message, Update

from lesson_bot.bot.webhook import without_unread_parts

BOT = Bot("123:abc")
CHAT = {"id": -100123, "type": "supergroup", "title": "一支部"}
USER = {"id": 42, "is_bot": False, "first_name": "Li"}
LESSON = {
    "message_id": 7, "date": 1_790_000_000, "chat": CHAT, "from": {"id": 1, "is_bot": True, "first_name": "bot"},
    "text": "中共一大：开天辟地的大事变\n第一部分",
    "entities": [{"type": "bold", "offset": 0, "length": 13}, {"type": "italic", "offset": 14, "length": 4}],
    "reply_markup": {"inline_keyboard": [[{"text": "✅ 已学习 3/9", "callback_data": "ls:done:5"}]]},
}


def _tap() -> dict[str, Any]:
    return {"update_id": 1, "callback_query": {"id": "q1", "from": USER, "chat_instance": "c", "data": "ls:done:5",
                                               "message": copy.deepcopy(LESSON)}}


def test_a_tap_keeps_what_handlers_read_and_drops_the_lesson_formatting() -> None:
    update = Update.de_json(without_unread_parts(_tap()), BOT)
    query = update.callback_query
    assert query is not None and query.message is not None
    assert (query.id, query.data, query.from_user.id) == ("q1", "ls:done:5", 42)
    assert (query.message.chat.id, query.message.message_id) == (-100123, 7)
    assert isinstance(query.message, Message)
    assert query.message.text == LESSON["text"]
    assert query.message.entities == () and query.message.reply_markup is None


def test_other_updates_pass_untouched() -> None:
    command = {"update_id": 2, "message": {**copy.deepcopy(LESSON), "text": "/start abc",
                                           "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    answer = {"update_id": 3, "poll_answer": {"poll_id": "p", "user": USER, "option_ids": [1]}}
    for data in (command, answer, {"update_id": 4}):
        assert without_unread_parts(copy.deepcopy(data)) == data
    parsed = Update.de_json(without_unread_parts(copy.deepcopy(command)), BOT)
    assert parsed.message is not None and parsed.message.entities[0].type == "bot_command"
