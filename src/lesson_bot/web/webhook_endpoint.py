"""Telegram's webhook as a bare ASGI endpoint: the secret check, the update handled in its request, one call back.

It is the hot path of a burst of taps (one request per update), so it skips Starlette's Request/Response objects:
the body is read straight from `receive`, the answer written straight to `send`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)
SECRET_HEADER = b"x-telegram-bot-api-secret-token"  # the header name, lower case as ASGI gives it
MAX_UPDATE_BYTES = 1_000_000
_JSON = (b"content-type", b"application/json")

# Handles one posted update in the request; the Bot API call to answer with, if any (WebhookBot.feed).
Feed = Callable[[bytes], Awaitable[dict[str, Any] | None]]


class NotAnUpdate(ValueError):
    """The webhook body is not a Telegram update (what a Feed raises for it)."""


class WebhookEndpoint:
    """POST <webhook path>: 403 without the right secret token, 413 past 1 MB; a body that is no update is dropped
    (logged by the feed) and answered 200, so Telegram does not post it again."""

    def __init__(self, feed: Feed, secret: bytes | None) -> None:
        self._feed = feed
        self._secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = next((value for key, value in scope["headers"] if key == SECRET_HEADER), b"")
        if self._secret is None or not hmac.compare_digest(given, self._secret):
            log.warning("webhook call with a missing or wrong secret token from %s", scope.get("client"))
            await _answer(send, 403, {"ok": False, "error": "forbidden"})
            return
        body = await _body(receive)
        if body is None:
            await _answer(send, 413, {"ok": False, "error": "too large"})
            return
        try:
            call = await self._feed(body)
        except NotAnUpdate:
            # 200 all the same: Telegram retries anything else, and this body will never become an update.
            await _answer(send, 200, None)
            return
        await _answer(send, 200, call)


async def _body(receive: Receive) -> bytes | None:
    """The request body, or None once it grows past MAX_UPDATE_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_UPDATE_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(send: Send, status: int, payload: dict[str, Any] | None) -> None:
    body = b"" if payload is None else orjson.dumps(payload)
    headers = [(b"content-length", str(len(body)).encode())]
    if payload is not None:
        headers.append(_JSON)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
