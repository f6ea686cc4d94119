"""Webhook delivery: POST each update with the secret header, retry with backoff, run reply methods.

Like Telegram, updates go out over up to `max_connections` parallel requests, but never two of the same
chat at once, so a chat's updates arrive in order. A failed update stays pending (pending_update_count)
and is retried after an exponential backoff; the last failure shows in getWebhookInfo. When the webhook's
answer is a JSON object with "method", that method is performed, as Telegram's "making requests when
getting updates" allows (its result goes nowhere).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx

from tgsandbox import registry
from tgsandbox.errors import ApiError
from tgsandbox.http_post import PostError, PostPool
from tgsandbox.params import Params
from tgsandbox.signals import Signal
from tgsandbox.state import SandboxState, WebhookConfig
from tgsandbox.updates import QueuedUpdate

log = logging.getLogger(__name__)

# How far into the queue to look for an update whose chat is not busy; keeps each pick O(1).
_SCAN = 256


class WebhookPusher:
    """Pushes pending updates to the webhook while one is set."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.attempts = 0
        self.delivered = 0
        self.failures = 0
        self.progress = Signal()
        self._in_flight: set[int] = set()
        self._busy_chats: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._client = httpx.AsyncClient(timeout=state.tunables.webhook_timeout_s)
        self._plain = PostPool(state.tunables.webhook_timeout_s)

    @property
    def in_flight(self) -> int:
        """Updates being posted right now (at most the webhook's max_connections)."""
        return len(self._in_flight)

    @property
    def idle(self) -> bool:
        """Nothing pending and nothing in flight (or no webhook at all)."""
        return not self._in_flight and (self.state.webhook is None or len(self.state.updates) == 0)

    async def run(self) -> None:
        """Deliver until cancelled."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                hook = self.state.webhook
                if hook is None:
                    await self.state.updates.arrived.wait(None)
                    continue
                picked, wake_at = self._pick(loop.time(), hook.max_connections)
                if picked is None:
                    timeout = None if wake_at is None else max(wake_at - loop.time(), 0.0)
                    await self.state.updates.arrived.wait(timeout)
                    continue
                self._in_flight.add(picked.update_id)
                self._busy_chats.add(picked.chat_key)
                task = asyncio.create_task(self._deliver(hook, picked))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._client.aclose()
            await self._plain.aclose()

    def _pick(self, now: float, max_connections: int) -> tuple[QueuedUpdate | None, float | None]:
        if len(self._in_flight) >= max_connections:
            return None, None
        wake_at: float | None = None
        backing_off: set[int] = set()
        for index, queued in enumerate(self.state.updates):
            if index >= _SCAN:
                break
            if queued.chat_key in self._busy_chats or queued.chat_key in backing_off:
                continue
            if queued.not_before > now:
                # Later updates of this chat wait behind it.
                backing_off.add(queued.chat_key)
                wake_at = queued.not_before if wake_at is None else min(wake_at, queued.not_before)
                continue
            return queued, None
        return None, wake_at

    async def _deliver(self, hook: WebhookConfig, queued: QueuedUpdate) -> None:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        self.attempts += 1
        error: str | None = None
        body: bytes = b""
        try:
            content = json.dumps(queued.json, ensure_ascii=False).encode()
            if hook.url.lower().startswith("http://"):
                answer = await self._plain.post(hook.url, content, headers)
                status, reason, body = answer.status, answer.reason, answer.body
            else:
                response = await self._client.post(hook.url, content=content, headers=headers)
                status, reason, body = response.status_code, response.reason_phrase, response.content
            if not 200 <= status < 300:
                error = f"Wrong response from the webhook: {status} {reason}"
        except PostError as exc:
            error = str(exc)
        except httpx.TimeoutException:
            error = "Read timeout expired"
        except httpx.HTTPError as exc:
            error = (
                "Connection refused" if isinstance(exc, httpx.ConnectError) else f"Connection error: {exc}"
            )
        finally:
            self._in_flight.discard(queued.update_id)
            self._busy_chats.discard(queued.chat_key)
        if error is None:
            self.state.updates.remove(queued.update_id)
            self.delivered += 1
            await self._perform_reply(body)
        else:
            self.failures += 1
            queued.attempts += 1
            tunables = self.state.tunables
            backoff = min(
                tunables.webhook_retry_base_s * 2 ** (queued.attempts - 1), tunables.webhook_retry_max_s
            )
            queued.not_before = asyncio.get_running_loop().time() + backoff
            hook.last_error_date = self.state.now()
            hook.last_error_message = error
        self.progress.fire()
        self.state.updates.arrived.fire()

    async def _perform_reply(self, body: bytes) -> None:
        if not body.strip():
            return
        try:
            reply: Any = json.loads(body)
        except ValueError:
            return
        if not isinstance(reply, dict) or not isinstance(reply.get("method"), str):
            return
        name = reply["method"]
        values = {key: value for key, value in reply.items() if key != "method"}
        try:
            await registry.call(self.state, name, Params(values))
        except ApiError as exc:
            # Telegram gives the result of a webhook-reply method to nobody; keep a trace for debugging.
            log.info("webhook reply %s failed: %s", name, exc.description)
