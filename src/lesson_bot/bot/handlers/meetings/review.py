"""/reviewrecords in private for admins: the records waiting for review, each with 查看 / 通过 / 退回; 退回 asks for
the comment as a typed answer (a `review_return` dialog). The returned record's message has 答复 for the branch's
secretaries and the recorder, which asks for their answer the same way (a `review_answer` dialog)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context
from lesson_bot.bot.handlers.dialog_taps import tapped_dialog
from lesson_bot.bot.texts.meetings import records as record_texts
from lesson_bot.bot.texts.meetings import review as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import ReviewAnswer, ReviewApprove, ReviewCancel, ReviewReturn, ReviewShow
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.review import StaleReview
from lesson_bot.services.meetings.review_log import RecordLine

RETURN, ANSWER = "review_return", "review_answer"
LISTED = 10


def _buttons(t: Lang, line: RecordLine) -> InlineKeyboardMarkup:
    approve = t.pgettext("review", "Approve")
    return InlineKeyboardMarkup([[keyboards.button(t._("View"), ReviewShow(line.meeting_id)),
                                  keyboards.button(approve, ReviewApprove(line.meeting_id, line.stamp)),
                                  keyboards.button(t._("Return"), ReviewReturn(line.meeting_id, line.stamp))]])


def _cancel(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[keyboards.button(t._("Cancel"), ReviewCancel(dialog_id))]])


async def cmd_review_records(update: Update, context: Context) -> None:
    """/reviewrecords: the pending records, the longest waiting first, one message each with its buttons."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await message.reply_text(record_texts.private_only(t))
        return
    lines = await context.services.record_reviews.pending(user.id)
    if not lines:
        await message.reply_text(texts.nothing_pending(t))
        return
    await message.reply_text(texts.pending_header(t, len(lines), min(len(lines), LISTED)))
    types = context.services.meetings.types
    for line in lines[:LISTED]:
        await message.reply_text(texts.pending_line(t, types, line),
                                 reply_markup=_buttons(t, line))


async def on_view(update: Update, context: Context) -> None:
    """rv:view:<meeting>: the whole record and its review so far."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    meeting_id = ReviewShow.parse(query.data).meeting
    view = await context.services.records.view(query.from_user.id, meeting_id)
    steps = await context.services.record_reviews.history(query.from_user.id, meeting_id)
    t = await context.lang(update)
    await answer_callback(query)
    for part in [*record_texts.record_text(t, context.services.meetings.types, view),
                 texts.history(t, steps, view.timezone)]:
        await query.message.reply_text(part)


async def on_approve(update: Update, context: Context) -> None:
    """rv:ok:<meeting>:<stamp>: approve that version; a stale tap is answered and changes nothing."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = ReviewApprove.parse(query.data)
    t = await context.lang(update)
    try:
        done = await context.services.record_reviews.approve(query.from_user.id, tap.meeting, tap.stamp)
    except StaleReview as stale:
        await answer_callback(query, texts.stale(t, stale.reason), show_alert=True)
        return
    await answer_callback(query)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(texts.approved(t, done.notified))


async def on_return(update: Update, context: Context) -> None:
    """rv:back:<meeting>:<stamp>: checked now, then the comment is asked for."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = ReviewReturn.parse(query.data)
    reviews = context.services.record_reviews
    await _check_then_ask(update, context, lambda: reviews.returnable(query.from_user.id, tap.meeting, tap.stamp),
                          RETURN, "comment", {"m": tap.meeting, "s": tap.stamp}, texts.ask_comment)


async def on_answer(update: Update, context: Context) -> None:
    """rv:ans:<meeting>:<round>: a secretary or the recorder answers the return; the answer is asked for."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = ReviewAnswer.parse(query.data)
    reviews = context.services.record_reviews
    await _check_then_ask(update, context, lambda: reviews.answerable(query.from_user.id, tap.meeting, tap.round),
                          ANSWER, "answer", {"m": tap.meeting, "r": tap.round}, texts.ask_answer)


async def _check_then_ask(update: Update, context: Context, check: Callable[[], Awaitable[RecordLine]], kind: str,
                          field: str, state: dict[str, Any],
                          ask: Callable[[Lang, MeetingTypes, RecordLine], str]) -> None:
    """A tap that opens a typed answer (a return's comment, the answer to a return): the service checks it is
    still due, a stale one is answered as such, else the dialog begins and its question is asked."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = await context.lang(update)
    try:
        line = await check()
    except StaleReview as stale:
        await answer_callback(query, texts.stale(t, stale.reason), show_alert=True)
        return
    await answer_callback(query)
    dialog = await context.services.dialogs.begin(query.message.chat.id, query.from_user.id, kind, field, state)
    await query.message.reply_text(ask(t, context.services.meetings.types, line), reply_markup=_cancel(t, dialog.id))


async def on_cancel(update: Update, context: Context) -> None:
    """rv:cancel:<dialog>: stop typing the comment or the answer."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    t = await context.lang(update)
    dialog = await tapped_dialog(query, context, t, ReviewCancel.parse(query.data).dialog, (RETURN, ANSWER))
    if dialog is None:
        return
    await context.services.dialogs.end(dialog.id)
    await answer_callback(query)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(texts.cancelled(t))


async def on_reply(update: Update, context: Context) -> bool:
    """A typed comment (return) or answer in private. False when this user has no review dialog open here."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    dialog = await context.services.dialogs.current(message.chat.id, user.id)
    if dialog is None or dialog.kind not in (RETURN, ANSWER):
        return False
    t = await context.lang(update)
    reviews, data = context.services.record_reviews, dialog.data
    try:
        if dialog.kind == RETURN:
            done = await reviews.return_record(user.id, data["m"], message.text, data["s"])
            reply = texts.returned(t, done.notified)
        else:
            await reviews.answer(user.id, data["m"], message.text, data["r"])
            reply = texts.answered(t)
    except StaleReview as stale:
        reply = texts.stale(t, stale.reason)
    await context.services.dialogs.end(dialog.id)
    await message.reply_text(reply)
    return True


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("reviewrecords", cmd_review_records),
        CallbackQueryHandler(on_view, pattern=ReviewShow.pattern),
        CallbackQueryHandler(on_approve, pattern=ReviewApprove.pattern),
        CallbackQueryHandler(on_return, pattern=ReviewReturn.pattern),
        CallbackQueryHandler(on_answer, pattern=ReviewAnswer.pattern),
        CallbackQueryHandler(on_cancel, pattern=ReviewCancel.pattern),
    ]
