"""Webhook plumbing on the bot's side: registering the webhook and feeding verified updates to the bot."""

from __future__ import annotations

import json
import logging

from telegram import Update

from lesson_bot.bot.app import ALLOWED_UPDATES, BotApplication

log = logging.getLogger(__name__)


async def register_webhook(bot: BotApplication, url: str, secret: str | None) -> None:
    """Tell Telegram where to post updates, with the secret it must send back and the updates we need."""
    await bot.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)


async def feed(bot: BotApplication, body: bytes) -> bool:
    """Queue one update posted by Telegram; False when the body is not an update."""
    try:
        update = Update.de_json(json.loads(body), bot.bot)
    except (ValueError, TypeError, KeyError):
        log.warning("webhook body is not an update: %r", body[:200])
        return False
    await bot.update_queue.put(update)
    return True
