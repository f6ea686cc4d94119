"""/cancel ends whatever wizard or question this person has open in this chat; in private, text and commands that
nothing took get a short hint pointing to /help (never in groups, where people talk among themselves)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from lesson_bot.bot.context import Context
from lesson_bot.bot.texts import common


async def cmd_cancel(update: Update, context: Context) -> None:
    """/cancel: end this user's open dialog here (every wizard keeps its state in one), and say so."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    dialog = await context.services.dialogs.current(message.chat.id, user.id)
    t = await context.lang(update)
    if dialog is None:
        await message.reply_text(common.nothing_to_cancel(t))
        return
    await context.services.dialogs.end(dialog.id)
    await message.reply_text(common.cancelled(t))


async def hint_unless_asked(update: Update, context: Context) -> None:
    """Private text no wizard took: a hint, unless one of my questions is waiting for it (its own handler, in
    another handler group, answers)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if await context.services.dialogs.current(message.chat.id, user.id) is None:
        await message.reply_text(common.private_hint(await context.lang(update)))


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command in private that no handler knows."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(common.unknown_command(await context.lang(update), command))


def cancel_handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("cancel", cmd_cancel)]


def unknown_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered after every command handler of their group."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, on_unknown_command)]
