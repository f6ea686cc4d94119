"""One Bot API call carried in the webhook's HTTP answer ("making requests when getting updates").

Telegram performs a method given as the JSON answer to a webhook POST, with no request of ours. Answering a tap
that way costs no HTTP round trip, which is what lets the bot take a burst of check-ins at the rate the taps
come in. The web app opens a slot per update; a handler's first answer goes into it, anything more (or anything
in polling mode, or after the web app stopped waiting) goes out as a normal request. Telegram gives the result
of such a call to nobody, so only calls whose result we do not need may go there.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, CallbackQuery

# How long the web app holds Telegram's request open for the handler; a slow handler carries on afterwards and
# answers with its own request.
REPLY_WAIT_S = 2.0


@dataclass
class ReplySlot:
    """Room for one method call in the answer to one webhook update."""

    call: dict[str, Any] | None = None
    closed: bool = False

    def take(self, call: dict[str, Any]) -> bool:
        """Put a call in the slot; False when it is taken or the answer has already gone."""
        if self.closed or self.call is not None:
            return False
        self.call = call
        return True


_slot: contextvars.ContextVar[ReplySlot | None] = contextvars.ContextVar("webhook_reply_slot", default=None)
_running: set[asyncio.Task[Any]] = set()
log = logging.getLogger(__name__)


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("handling a webhook update failed", exc_info=task.exception())


async def run_with_slot(work: Awaitable[Any], wait_s: float = REPLY_WAIT_S) -> dict[str, Any] | None:
    """Handle one update with a reply slot open; the call to answer Telegram with, if the handler made one.

    The handler runs in its own task: when it takes longer than `wait_s`, the answer goes without it and the
    handler finishes on its own (its replies then travel as normal requests).
    """
    slot = ReplySlot()

    async def handle() -> None:
        _slot.set(slot)
        await work

    task = asyncio.create_task(handle())
    _running.add(task)
    task.add_done_callback(_finished)
    await asyncio.wait({task}, timeout=wait_s)
    slot.closed = True
    return slot.call


async def drain() -> None:
    """Wait for the webhook updates still being handled (on shutdown, after the web server took its last one)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)


async def answer_callback(query: CallbackQuery, text: str | None = None, *, show_alert: bool = False) -> None:
    """Answer a tap: in the webhook's reply when there is room, else with a request."""
    await answer_tap(query.get_bot(), query.id, text, show_alert=show_alert)


async def answer_tap(bot: Bot, query_id: str, text: str | None = None, *, show_alert: bool = False) -> None:
    """Answer the callback query `query_id`: in the webhook's reply when there is room, else with a request."""
    call: dict[str, Any] = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    if text:
        call["text"] = text
    if show_alert:
        call["show_alert"] = True
    slot = _slot.get()
    if slot is not None and slot.take(call):
        return
    await bot.answer_callback_query(query_id, text, show_alert=show_alert)


def in_webhook_reply() -> ReplySlot | None:
    """The open slot of the update being handled, if any (for other one-call answers)."""
    slot = _slot.get()
    return None if slot is None or slot.closed or slot.call is not None else slot
