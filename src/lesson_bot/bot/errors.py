"""The one error handler: expected failures become a polite answer; bugs are logged with the update, the user is
told something useful, and the admin chat hears about it. The service keeps running either way."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.error import TelegramError

from lesson_bot.bot.context import Context
from lesson_bot.bot.observe import mark_failed, update_kind
from lesson_bot.bot.texts import common
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import ServiceError
from tgrules.limits import ANSWER_CALLBACK_TEXT_MAX, MESSAGE_TEXT_MAX

log = logging.getLogger(__name__)
# A failing update is told of once, though each handler group it reached may fail and call on_error.
REMEMBERED_UPDATES = 1000


async def _lang(update: object, context: Context) -> Lang:
    try:
        return await context.lang(update)
    except Exception:  # the database may be what failed; answer in the default language then
        return context.services.translator.lang(None)


async def _tell(update: Update, context: Context, text: str) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text[:ANSWER_CALLBACK_TEXT_MAX], show_alert=True)
            return
        except TelegramError:
            pass  # already answered by the handler: fall through to a message
    chat = update.effective_chat
    if chat is not None:
        message = update.effective_message
        reply_to = message.message_id if message is not None and query is None else None
        await context.bot.send_message(chat.id, text, reply_to_message_id=reply_to)


def _first_report(update: object, context: Context) -> bool:
    """Whether this update's failure is new to the user and the admin chat (and remember it)."""
    if not isinstance(update, Update):
        return True
    told = context.bot_data.errors_told
    if update.update_id in told:
        return False
    told[update.update_id] = None
    if len(told) > REMEMBERED_UPDATES:
        told.popitem(last=False)
    return True


def _described(update: object) -> str:
    """The update's id, kind, chat and user: never its text (a private message may say anything)."""
    if not isinstance(update, Update):
        return type(update).__name__
    chat, user = update.effective_chat, update.effective_user
    return (f"{update.update_id} {update_kind(update)} chat={chat.id if chat else None} "
            f"user={user.id if user else None}")


async def on_error(update: object, context: Context) -> None:
    """Answer the user, and log and report anything that is not an expected service failure; the user and the
    admin chat hear of a failing update once, however many of its handlers failed."""
    error = context.error
    first = _first_report(update, context)
    mark_failed(refused=isinstance(error, ServiceError))
    t = await _lang(update, context)
    if isinstance(error, ServiceError):
        log.info("refused or invalid: %s", error)
        if isinstance(update, Update) and first:
            await _tell(update, context, common.service_error(t, error))
        return
    log.error("unhandled error while handling update %s", _described(update), exc_info=error)
    if not first:
        return
    if isinstance(update, Update):
        try:
            await _tell(update, context, common.unexpected_error(t))
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)
    admin_chat = context.services.settings.admin_chat_id
    if admin_chat is not None:
        update_id = update.update_id if isinstance(update, Update) else "-"
        report = f"⚠️ update {update_id}: {type(error).__name__}: {error}"
        try:
            await context.bot.send_message(admin_chat, html.escape(report)[:MESSAGE_TEXT_MAX])
        except TelegramError:
            log.warning("could not notify the admin chat", exc_info=True)
