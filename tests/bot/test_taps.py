"""Check-in taps and quiz answers read straight from the webhook's JSON (bot/taps.py) are exactly what
python-telegram-bot's way gives the same handlers: the same updates, the same fields, the same log line."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import httpx
import pytest
from telegram import Update

from lesson_bot.bootstrap.bot import WebhookRunner
from lesson_bot.bot import taps
from lesson_bot.web.webhook_endpoint import SECRET_HEADER, WebhookEndpoint
from tests.support.bot import Harness

SECRET = "s3cret_token-2"
LI = {"id": 7001, "is_bot": False, "first_name": "丽", "last_name": "李", "username": "li", "language_code": "zh-hans"}
BOB = {"id": 7002, "is_bot": False, "first_name": "Bob"}
GROUP = {"id": -100123, "type": "supergroup", "title": "一支部"}
MESSAGE = {"message_id": 9, "date": 1_790_000_000, "chat": GROUP, "text": "第一课", "from": {
    "id": 1, "is_bot": True, "first_name": "bot"}}


def tap(update_id: int, user: dict[str, Any], data: str = "ls:done:12", **extra: Any) -> dict[str, Any]:
    query = {"id": f"q{update_id}", "from": user, "chat_instance": "ci", "data": data, "message": MESSAGE, **extra}
    return {"update_id": update_id, "callback_query": {k: v for k, v in query.items() if v is not None}}


def vote(update_id: int, options: list[int], user: dict[str, Any] | None = LI, **extra: Any) -> dict[str, Any]:
    answer = {"poll_id": "p1", "option_ids": options, "option_persistent_ids": [f"o{i}" for i in options], **extra}
    if user is not None:
        answer["user"] = user
    return {"update_id": update_id, "poll_answer": answer}


TAKEN = {
    "tap, full name, username and language": tap(1, LI),
    "tap, first name only": tap(2, BOB),
    "tap on a message too old to read": tap(3, BOB, message={"message_id": 9, "date": 0, "chat": GROUP}),
    "tap on an inline message": tap(4, BOB, message=None, inline_message_id="im1"),
    "answer": vote(5, [2]),
    "answer with several options": vote(6, [0, 3], user=BOB),
    "retracted vote": vote(7, []),
}
LEFT = {
    "another button": tap(10, LI, data="mk:start:12"),
    "an anonymous admin's vote": vote(11, [1], user=None, voter_chat=GROUP),
    "a user id that is no number": tap(12, {**BOB, "id": "7002"}),
    "a tap with a message besides": {**tap(13, BOB), "message": MESSAGE},
    "a message": {"update_id": 14, "message": MESSAGE},
    "an answer without Bot API 9.6's option ids": {"update_id": 15, "poll_answer": {
        "poll_id": "p1", "option_ids": [1], "user": LI}},
}


@pytest.mark.parametrize("data", TAKEN.values(), ids=TAKEN.keys())
def test_a_tap_read_from_json_is_the_tap_python_telegram_bot_parses(data: dict[str, Any]) -> None:
    read = taps.taken(copy.deepcopy(data))
    assert read is not None
    assert read == taps.of_update(Update.de_json(copy.deepcopy(data), None))


@pytest.mark.parametrize("data", LEFT.values(), ids=LEFT.keys())
def test_anything_else_is_left_to_python_telegram_bot(data: dict[str, Any]) -> None:
    assert taps.taken(data) is None


async def test_only_the_lesson_handlers_take_a_checkin_tap_or_a_quiz_answer(harness: Harness) -> None:
    """Each handler group gives an update to its first handler that takes it: for a check-in tap that is
    on_checkin in one group and nobody in any other, for a quiz answer on_poll_answer (so taking them without
    python-telegram-bot skips no other handler)."""
    def takers(data: dict[str, Any]) -> list[str]:
        update = Update.de_json(copy.deepcopy(data), harness.app.bot)
        firsts = (next((h for h in group if h.check_update(update) not in (None, False)), None)
                  for group in harness.app.handlers.values())
        return [h.callback.__name__ for h in firsts if h is not None]

    for data in TAKEN.values():
        kind = "on_checkin" if "callback_query" in data else "on_poll_answer"
        assert takers(data) == [f"checkin.{kind}"], data


async def test_a_tap_through_the_webhook_is_answered_in_the_reply_and_logged_as_its_handler(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """A tap on a lesson the bot never sent: refused politely in the webhook's reply, one log line naming
    checkin.on_checkin; a quiz answer to an unknown poll: nothing to say, one line naming on_poll_answer."""
    runner = WebhookRunner(harness.app, harness.services.settings)
    endpoint = WebhookEndpoint(runner.feed, SECRET.encode())
    headers = {SECRET_HEADER.decode(): SECRET, "content-type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=endpoint), base_url="http://bot") as client:
        with caplog.at_level(logging.INFO, logger="lesson_bot.updates"):
            tapped = await client.post("/telegram/webhook", content=json.dumps(tap(21, LI)), headers=headers)
            voted = await client.post("/telegram/webhook", content=json.dumps(vote(22, [1])), headers=headers)
    assert tapped.status_code == voted.status_code == 200
    reply = tapped.json()
    assert (reply["method"], reply["callback_query_id"], reply.get("show_alert")) == (
        "answerCallbackQuery", "q21", True)
    assert voted.content == b""
    lines = [(r.update_id, r.kind, r.chat_id, r.user_id, r.handler, r.outcome)  # type: ignore[attr-defined]
             for r in caplog.records if r.name == "lesson_bot.updates"]
    assert lines == [(21, "callback_query", GROUP["id"], LI["id"], "checkin.on_checkin", "ok"),
                     (22, "poll_answer", None, LI["id"], "checkin.on_poll_answer", "ok")]
    assert harness.unhandled() == []
