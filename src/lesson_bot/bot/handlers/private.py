"""The private chat: /start (with a branch's deep link), /help, /lang."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts import common, onboarding
from lesson_bot.domain.callbacks import LanguageSet


async def cmd_start(update: Update, context: Context) -> None:
    """/start [invite]: the bot may message this person from now on; an invite puts them on a roster."""
    message = update.effective_message
    assert message is not None
    result = await context.services.roster.start(person(update), context.args[0] if context.args else None)
    t = await context.lang(update)
    lines = [onboarding.start_welcome(t, result.first_start)]
    if result.joined is not None:
        lines.append(onboarding.start_joined(t, result.joined.branch.title, result.joined.newly_joined))
    elif result.bad_payload:
        lines.append(onboarding.start_bad_link(t))
    await message.reply_text("\n\n".join(lines))


async def cmd_help(update: Update, context: Context) -> None:
    """/help: only what the caller may do."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    actor = await context.services.access.describe(person(update).telegram_user_id)
    t = await context.lang(update)
    await message.reply_text(
        common.help_text(
            t, is_admin=actor.is_admin, is_secretary=bool(actor.secretary_of), in_group=chat.type != Chat.PRIVATE
        )
    )


async def cmd_lang(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(common.lang_prompt(await context.lang(update)), reply_markup=keyboards.languages())


async def on_lang_button(update: Update, context: Context) -> None:
    """lang:set:<locale>"""
    query = update.callback_query
    assert query is not None and query.data is not None
    locale = await context.services.roster.set_locale(person(update), LanguageSet.parse(query.data).locale)
    t = context.services.translator.lang(locale)
    await query.answer()
    await query.edit_message_text(common.lang_set(t))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("start", cmd_start, filters.ChatType.PRIVATE),
        CommandHandler("help", cmd_help),
        CommandHandler("lang", cmd_lang, filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_lang_button, pattern=LanguageSet.pattern),
    ]
