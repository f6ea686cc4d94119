"""Typed outgoing messages are stored as the Bot API calls the outbox always held: rows written before the types
existed are read back into the same messages, and a message writes exactly that JSON again."""

from __future__ import annotations

from typing import Any

import pytest

from lesson_bot.domain.messages import (
    Button,
    EditButtons,
    Media,
    Part,
    Poll,
    Text,
    UnknownMessage,
    from_payload,
    keyboard,
    part_from_payload,
)

# Payloads as the composers wrote them before the typed messages (one of each shape the outbox holds).
STORED: list[tuple[dict[str, Any], Any]] = [
    ({"method": "sendMessage", "params": {"text": "<b>第一课</b>", "parse_mode": "HTML", "reply_markup": {
        "inline_keyboard": [[{"text": "✅ 已学习", "callback_data": "ls:done:7"}]]}}},
     Text("<b>第一课</b>", keyboard([("✅ 已学习", "ls:done:7")]))),
    ({"method": "sendMessage", "params": {"text": "⚠️ 错过了"}}, Text("⚠️ 错过了", html=False)),
    ({"method": "sendMessage", "params": {"text": "请学习", "parse_mode": "HTML", "reply_to_message_id": 41,
                                          "allow_sending_without_reply": True}},
     Text("请学习", reply_to=41)),
    ({"method": "sendPoll", "params": {"question": "遵义会议在何时召开？", "options": ["1935年1月", "1936年"],
                                       "type": "quiz", "correct_option_ids": [0], "explanation": None,
                                       "is_anonymous": False}},
     Poll("遵义会议在何时召开？", ("1935年1月", "1936年"), 0)),
    ({"method": "sendPhoto", "params": {"photo": {"path": "media/map.png"}, "caption": "<i>地图</i>",
                                        "parse_mode": "HTML"}},
     Media("photo", path="media/map.png", caption="<i>地图</i>")),
    ({"method": "sendDocument", "params": {"document": "BQACAgIAAx"}}, Media("document", file_id="BQACAgIAAx")),
    ({"method": "editMessageReplyMarkup", "params": {"message_id": 12, "reply_markup": {
        "inline_keyboard": [[{"text": "✅ 已学习 3/5", "callback_data": "ls:done:7"}]]}}},
     EditButtons(12, keyboard([("✅ 已学习 3/5", "ls:done:7")]))),
]


@pytest.mark.parametrize(("payload", "message"), STORED)
def test_a_stored_row_reads_back_as_its_message_and_writes_the_same_json(payload: dict[str, Any],
                                                                         message: Any) -> None:
    assert from_payload(payload) == message
    assert message.to_payload() == payload


def test_the_meta_stays_beside_the_call() -> None:
    params = {"question": "问", "options": ["甲", "乙"], "type": "quiz", "correct_option_ids": [1],
              "explanation": "因为", "is_anonymous": False}
    payload = {"method": "sendPoll", "params": params, "meta": {"delivery": 3, "question": 0, "correct": 1}}
    part = part_from_payload(payload)
    assert part == Part(Poll("问", ("甲", "乙"), 1, "因为"), {"delivery": 3, "question": 0, "correct": 1})
    assert part.to_payload() == payload
    assert "meta" not in Part(Text("无")).to_payload()


def test_a_link_button_keeps_its_url() -> None:
    text = Text("打开", ((Button("私聊", url="https://t.me/bot?start=x"),),))
    assert text.to_payload()["params"]["reply_markup"] == {
        "inline_keyboard": [[{"text": "私聊", "url": "https://t.me/bot?start=x"}]]}
    assert from_payload(text.to_payload()) == text


def test_a_call_the_engine_does_not_send_is_refused() -> None:
    with pytest.raises(UnknownMessage, match="deleteMessage"):
        from_payload({"method": "deleteMessage", "params": {"message_id": 3}})
