"""Posts to the webhook with the right secret whose body is no update: answered 200 (Telegram would post anything
else again), logged once at WARNING without a traceback, and the bot goes on answering real updates."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from lesson_bot.bootstrap.bot import WebhookRunner
from lesson_bot.web.webhook_endpoint import SECRET_HEADER, WebhookEndpoint
from tests.support.bot import Harness

SECRET = "s3cret_token-1"
CHAT = {"id": 555, "type": "private", "first_name": "Li"}
BODIES = [b"null", b"[]", b"[1, 2]", b"42", b'"hi"', b'{"update_id": 1, "message": "hi"}',
          b"[" * 100_000 + b"]" * 100_000, b"{not json", b"\xff\xfe",
          json.dumps({"update_id": 2, "message": {"message_id": 1, "date": 1, "text": "/help"}}).encode(),
          json.dumps({"update_id": 3, "callback_query": {"id": "q", "data": "ls:done:1"}}).encode()]


async def test_bodies_that_are_no_update_get_200_and_one_warning_each(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """null, a list, a number, a string, a message that is a string, 100,000 nested arrays, not JSON, a message
    without its chat, a tap without its sender: each 200, one WARNING without a traceback, no error."""
    runner = WebhookRunner(harness.app, harness.services.settings)
    endpoint = WebhookEndpoint(runner.feed, SECRET.encode())
    transport = httpx.ASGITransport(app=endpoint)
    headers = {SECRET_HEADER.decode(): SECRET, "content-type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        for body in BODIES:
            caplog.clear()
            with caplog.at_level(logging.INFO):
                answer = await client.post("/telegram/webhook", content=body, headers=headers)
            assert answer.status_code == 200, body[:40]
            warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING, (body[:40], warnings)
            assert warnings[0].exc_info is None and "not an update" in warnings[0].getMessage()
        wrong = await client.post("/telegram/webhook", content=b"null", headers={SECRET_HEADER.decode(): "x"})
        assert wrong.status_code == 403
    assert harness.unhandled() == []
    li = await harness.user("Li")
    await harness.start(li)
    [help_text] = await harness.say(li, li, "/help")
    assert "/me" in help_text["text"]
