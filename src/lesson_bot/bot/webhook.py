"""Webhook plumbing on the bot's side: registering the webhook and feeding verified updates to the bot."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update

from lesson_bot.bot.app import ALLOWED_UPDATES, BotApplication
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


class NotAnUpdate(ValueError):
    """The webhook body is not a Telegram update."""


async def feed(bot: BotApplication, body: bytes) -> dict[str, Any] | None:
    """Handle one update posted by Telegram, in this request; the Bot API call to answer with, if any.

    Handling it here (instead of through the update queue) lets the handler's first answer ride back in the HTTP
    response (bot/webhook_reply.py). The per-chat processor still keeps each chat's updates in order.
    """
    try:
        update = Update.de_json(without_unread_parts(json.loads(body)), bot.bot)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("webhook body is not an update: %r", body[:200])
        raise NotAnUpdate(str(exc)) from exc
    return await run_with_slot(bot.update_processor.process_update(update, bot.process_update(update)))
