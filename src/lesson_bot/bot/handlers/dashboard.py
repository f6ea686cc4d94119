"""/dashboard: a one-time link that signs the user in to the web dashboard (in private only: it is theirs)."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import BaseHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts import dashboard as texts


async def cmd_dashboard(update: Update, context: Context) -> None:
    """In private: the link (anyone may ask; the pages show what their role allows). In a group: where to ask."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    t = await context.lang(update)
    sessions = context.services.web_sessions
    if chat.type != Chat.PRIVATE:
        await message.reply_text(texts.private_only(t))
    elif not sessions.enabled:
        await message.reply_text(texts.not_configured(t))
    else:
        link = await sessions.issue_login_link(person(update).telegram_user_id)
        minutes = int(sessions.link_ttl.total_seconds() // 60)
        await message.reply_text(texts.login_link(t, link.url, minutes))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("dashboard", cmd_dashboard)]
