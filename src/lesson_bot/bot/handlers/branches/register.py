"""/register: a group administrator turns the group into a branch (name, then time zone)."""

from __future__ import annotations

from telegram import ChatMember, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.dialog_taps import tapped_dialog
from lesson_bot.bot.links import join_link
from lesson_bot.bot.texts import onboarding
from lesson_bot.domain.callbacks import Register
from lesson_bot.i18n import Lang
from lesson_bot.services.branches.registration import check_timezone, clean_title
from lesson_bot.services.dialogs import DialogState

KIND = "register"


async def _is_group_admin(context: Context, chat_id: int, user_id: int) -> bool:
    member = await context.bot.get_chat_member(chat_id, user_id)
    return member.status in {ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def cmd_register(update: Update, context: Context) -> None:
    """Start the wizard; `/register 名称` skips the name question."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update)
    is_admin = await _is_group_admin(context, chat.id, who.telegram_user_id)
    await context.services.branches.check_register(who, chat.id, is_group_admin=is_admin)
    t = await context.lang(update)
    default_title = chat.title or ""
    if context.args:
        title = clean_title(" ".join(context.args))
        dialog = await context.services.dialogs.begin(
            chat.id, who.telegram_user_id, KIND, "timezone", {"title": title, "default_title": default_title}
        )
        await _ask_timezone(message, context, t, dialog.id, title)
        return
    dialog = await context.services.dialogs.begin(
        chat.id, who.telegram_user_id, KIND, "title", {"default_title": default_title}
    )
    await message.reply_text(
        onboarding.register_ask_title(t, default_title), reply_markup=keyboards.register_title(t, dialog.id)
    )


async def _ask_timezone(message: Message, context: Context, t: Lang, dialog_id: int, title: str) -> None:
    zone = context.services.settings.default_timezone
    await message.reply_text(
        onboarding.register_ask_timezone(t, title, zone), reply_markup=keyboards.register_timezone(t, dialog_id, zone)
    )


async def _finish(update: Update, context: Context, dialog: DialogState, zone: str) -> None:
    message = update.effective_message
    assert message is not None
    who = person(update)
    is_admin = await _is_group_admin(context, dialog.chat_id, who.telegram_user_id)
    branch = await context.services.branches.register(
        who,
        dialog.chat_id,
        dialog.data["title"],
        zone,
        context.services.settings.default_locale,
        is_group_admin=is_admin,
    )
    await context.services.dialogs.end(dialog.id)
    t = context.services.translator.lang(branch.locale)
    await message.reply_text(onboarding.register_done(t, branch, join_link(context.bot.username, branch.invite_code)))


async def on_reply(update: Update, context: Context) -> bool:
    """A typed answer to the wizard's current question. False when this user has no register dialog here."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None and message.text is not None
    dialog = await context.services.dialogs.current(chat.id, user.id)
    if dialog is None or dialog.kind != KIND:
        return False
    if dialog.step == "title":
        title = clean_title(message.text)
        await context.services.dialogs.advance(dialog.id, "timezone", {"title": title})
        await _ask_timezone(message, context, await context.lang(update), dialog.id, title)
    else:
        await _finish(update, context, dialog, check_timezone(message.text.strip()))
    return True


async def on_button(update: Update, context: Context) -> None:
    """reg:title|tz|cancel:<dialog>[:zone]"""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    tap = Register.parse(query.data)
    verb, dialog_id, zone = tap.verb, tap.dialog, tap.zone
    t = await context.lang(update)
    dialog = await tapped_dialog(query, context, t, dialog_id)
    if dialog is None:
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if verb == "cancel":
        await context.services.dialogs.end(dialog.id)
        await context.bot.send_message(dialog.chat_id, onboarding.register_cancelled(t))
    elif verb == "title":
        title = clean_title(dialog.data["default_title"])
        await context.services.dialogs.advance(dialog.id, "timezone", {"title": title})
        assert isinstance(query.message, Message)
        await _ask_timezone(query.message, context, t, dialog.id, title)
    elif verb == "tz" and zone is not None:
        await _finish(update, context, dialog, check_timezone(zone))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("register", cmd_register, filters.ChatType.GROUPS),
        CallbackQueryHandler(on_button, pattern=Register.pattern),
    ]
