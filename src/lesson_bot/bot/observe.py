"""Each handled update is counted and timed (services/metrics.py) and logged in one line: its id, kind, chat, user,
the handlers that ran and the outcome. Never its text: a private message may say anything, and logs travel further
than the database (the log test greps a whole run for a private message).

The per-chat update processor (bot/ordering.py) wraps every update in `observed`; the handlers' callbacks are
wrapped at registration (`name_callbacks`) so they write their name into the update's record, and the error
handler (bot/errors.py) marks the outcome. All of it lives in a context variable of the update's own task.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from lesson_bot.bot.taps import Tap
from lesson_bot.services.metrics import Metrics

log = logging.getLogger("lesson_bot.updates")
OK, REFUSED, ERROR = "ok", "refused", "error"
_KINDS = ("callback_query", "poll_answer", "message", "edited_message", "chat_member", "my_chat_member")


@dataclass
class Handling:
    """What became of the update being handled."""

    handlers: list[str] = field(default_factory=list)
    outcome: str = OK


_handling: contextvars.ContextVar[Handling | None] = contextvars.ContextVar("lesson_bot_handling", default=None)


def update_kind(update: object) -> str:
    """callback_query, poll_answer, command, message, chat_member... (the metrics' `kind` label)."""
    if isinstance(update, Tap):
        return update.kind
    if not isinstance(update, Update):
        return "other"
    for kind in _KINDS:
        value = getattr(update, kind)
        if value is not None:
            if kind == "message" and (value.text or "").startswith("/"):
                return "command"
            return kind
    return "other"


def mark_failed(*, refused: bool) -> None:
    """The error handler's word on the update being handled: refused by a service (told politely) or a bug."""
    handling = _handling.get()
    if handling is not None and handling.outcome != ERROR:
        handling.outcome = REFUSED if refused else ERROR


async def observed(update: object, handle: Awaitable[Any], metrics: Metrics | None) -> None:
    """Run the update's handlers; count, time and log it."""
    handling = Handling()
    token = _handling.set(handling)
    started = time.perf_counter()
    try:
        await handle
    finally:
        seconds = time.perf_counter() - started
        _handling.reset(token)
        kind = update_kind(update)
        if metrics is not None:
            metrics.update_handled(kind, handling.outcome, seconds)
        if log.isEnabledFor(logging.INFO):
            _log(update, kind, handling, seconds)


def _log(update: object, kind: str, handling: Handling, seconds: float) -> None:
    update_id = chat_id = user_id = None
    if isinstance(update, Tap):
        update_id, chat_id, user_id = update.update_id, update.chat_id, update.person.telegram_user_id
    elif isinstance(update, Update):
        update_id = update.update_id
        chat_id = update.effective_chat.id if update.effective_chat is not None else None
        user_id = update.effective_user.id if update.effective_user is not None else None
    handler = ",".join(handling.handlers) or "-"
    ms = round(seconds * 1000, 1)
    log.info("update %s %s chat=%s user=%s handler=%s %s %.1f ms", update_id, kind, chat_id, user_id, handler,
             handling.outcome, ms,
             extra={"update_id": update_id, "kind": kind, "chat_id": chat_id, "user_id": user_id,
                    "handler": handler, "outcome": handling.outcome, "ms": ms})


Callback = Callable[[Any, Any], Coroutine[Any, Any, Any]]


def callback_name(callback: Callable[..., Any]) -> str:
    """A handler's name in the log lines: its module's last part and its name (checkin.on_checkin)."""
    return f"{callback.__module__.rpartition('.')[2]}.{callback.__qualname__}"


def handled_by(name: str) -> None:
    """Write a handler's name into the record of the update being handled."""
    handling = _handling.get()
    if handling is not None:
        handling.handlers.append(name)


def _named(callback: Callback) -> Callback:
    name = callback_name(callback)

    async def run(update: Any, context: Any) -> Any:
        handled_by(name)
        return await callback(update, context)

    run.__name__ = run.__qualname__ = name
    return run


def name_callbacks(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> None:
    """Make each handler's callback say its name into the update's record when it runs (once per handler)."""
    for handler in handlers:
        if not getattr(handler.callback, "_lesson_bot_named", False):
            named = _named(handler.callback)
            named._lesson_bot_named = True  # type: ignore[attr-defined]
            handler.callback = named
