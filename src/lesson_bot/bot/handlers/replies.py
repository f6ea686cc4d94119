"""Typed answers to an open wizard, in a group or in private, routed to the wizard that asked."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from lesson_bot.bot.context import Context
from lesson_bot.bot.handlers import fallbacks
from lesson_bot.bot.handlers.branches import register
from lesson_bot.bot.handlers.meetings import review as record_review
from lesson_bot.bot.handlers.schedules import wizard as schedule


async def on_group_text(update: Update, context: Context) -> None:
    """Plain text in a group: an answer if its author has a wizard open here, otherwise nothing to do."""
    if not await register.on_reply(update, context):
        await schedule.on_reply(update, context)


async def on_private_text(update: Update, context: Context) -> None:
    """Plain text in private: an answer to the wizard open there, if any; else a hint pointing to /help."""
    if not await record_review.on_reply(update, context) and not await schedule.on_reply(update, context):
        await fallbacks.hint_unless_asked(update, context)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, on_group_text),
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_private_text),
    ]
