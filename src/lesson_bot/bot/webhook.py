"""Webhook plumbing on the bot's side: registering the webhook and feeding verified updates to the bot."""

from __future__ import annotations

import logging
from typing import Any, cast

import orjson
from telegram import Update

from lesson_bot.bot import observe, taps
from lesson_bot.bot.app import ALLOWED_UPDATES, BotApplication
from lesson_bot.bot.handlers.lessons import checkin
from lesson_bot.bot.webhook_reply import run_with_slot

log = logging.getLogger(__name__)


# Telegram's maximum (its default is 40). Check-ins are written in group commits, and a batch can only be as large as
# the updates in flight: more connections, fewer and larger transactions under a burst.
WEBHOOK_MAX_CONNECTIONS = 100


async def register_webhook(bot: BotApplication, url: str, secret: str | None) -> None:
    """Tell Telegram where to post updates, with the secret it must send back and the updates we need."""
    await bot.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
                              max_connections=WEBHOOK_MAX_CONNECTIONS)


# Parts of a tapped message that no callback handler reads. A check-in tap's update carries the whole lesson
# message it was tapped on, and turning its ~10 formatting entities and its keyboard into python-telegram-bot
# objects was the largest share of parsing a burst of taps (docs/ingest.md). Handlers use the message's chat and id.
UNREAD_TAPPED_MESSAGE_PARTS = ("entities", "caption_entities", "reply_markup")


def without_unread_parts(data: Any) -> Any:
    """The update with its tapped message's unread parts left out (anything else passes as it is)."""
    query = data.get("callback_query") if isinstance(data, dict) else None
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(message, dict):
        for key in UNREAD_TAPPED_MESSAGE_PARTS:
            message.pop(key, None)
    return data


# The handlers' names in the log lines, as observe.name_callbacks gives them on python-telegram-bot's way.
CHECKIN_HANDLER = observe.callback_name(checkin.on_checkin)
ANSWER_HANDLER = observe.callback_name(checkin.on_poll_answer)


class NotAnUpdate(ValueError):
    """The webhook body is not a Telegram update."""


# Keys of an update whose value is a message: each must carry its chat, id and date, or no handler can answer it.
_MESSAGE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post", "business_message")


def _int(value: object) -> bool:
    return type(value) is int


def _shape_problem(data: object) -> str | None:
    """What makes `data` no update our handlers can take (None when it is one): checked before parsing, so a
    malformed update is dropped here instead of failing in every handler group it reaches."""
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    if not _int(data.get("update_id")):
        return "no integer update_id"
    for key in _MESSAGE_KEYS:
        message = data.get(key)
        if message is None:
            continue
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(message, dict) or not isinstance(chat, dict) or not _int(chat.get("id")):
            return f"{key} without a chat"
        if not _int(message.get("message_id")) or not _int(message.get("date")):
            return f"{key} without its id and date"
    query = data.get("callback_query")
    if query is not None:
        sender = query.get("from") if isinstance(query, dict) else None
        if not isinstance(query, dict) or not isinstance(sender, dict) or not _int(sender.get("id")):
            return "callback_query without its sender"
    return None


def _decoded(body: bytes) -> dict[str, Any]:
    """The posted body as a dict shaped like an update; NotAnUpdate for anything else (not JSON, nested past the
    parser's depth, not shaped like an update python-telegram-bot and our handlers can read)."""
    try:
        # orjson: a sixth of the standard parser's time on a tap's body (it also refuses nesting past 1,024 levels)
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:  # a ValueError; also for bytes that are not UTF-8
        raise NotAnUpdate(f"not JSON: {exc}") from None
    problem = _shape_problem(data)
    if problem is not None:
        raise NotAnUpdate(problem)
    return cast(dict[str, Any], data)


def _update(data: dict[str, Any], bot: BotApplication) -> Update:
    try:
        return Update.de_json(without_unread_parts(data), bot.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise NotAnUpdate(f"{type(exc).__name__}: {exc}") from None


async def feed(bot: BotApplication, body: bytes) -> dict[str, Any] | None:
    """Handle one update posted by Telegram, in this request; the Bot API call to answer with, if any.

    Handling it here (instead of through the update queue) lets the handler's first answer ride back in the HTTP
    response (bot/webhook_reply.py). The per-chat processor still keeps each chat's updates in order.
    A check-in tap or a quiz answer is taken as a Tap, without python-telegram-bot's parsing (bot/taps.py).
    A body that is no update raises NotAnUpdate, logged here once at WARNING (no traceback: it is the sender's).
    """
    try:
        data = _decoded(body)
        tap = taps.taken(data)
        update = _update(data, bot) if tap is None else None
    except NotAnUpdate as exc:
        # Not the body itself: it may hold a private message's text (docs/operations.md, logs).
        log.warning("webhook body dropped, not an update (%s, %d bytes)", exc, len(body))
        raise
    if tap is not None:
        return await run_with_slot(bot.update_processor.process_update(tap, _handle_tap(bot, tap, data)))
    assert update is not None
    return await run_with_slot(bot.update_processor.process_update(update, bot.process_update(update)))


async def _handle_tap(bot: BotApplication, tap: taps.Tap, data: dict[str, Any]) -> None:
    """What python-telegram-bot's dispatch would do with the tap's update: its handler, then on a failure the error
    handler, given the update parsed after all."""
    services = bot.bot_data.services
    try:
        if tap.kind == taps.CHECKIN:
            observe.handled_by(CHECKIN_HANDLER)
            await checkin.checkin(services, bot.bot, tap)
        else:
            observe.handled_by(ANSWER_HANDLER)
            await checkin.answer(services, tap)
    except Exception as exc:
        try:
            update: Update | None = _update(data, bot)
        except NotAnUpdate:  # python-telegram-bot cannot read it after all: the error handler gets no update
            update = None
        await bot.process_error(update, exc)
