"""/record in private: pick a meeting, send the minutes and decisions (text, photos, files), review, submit; and
the host's and recorder's confirm button (rc:ok:<meeting>:<stamp>).

The draft lives in a dialog (kind "record") so a restart loses nothing. Messages sent while a record dialog is
open are taken by `on_input`, registered in an earlier handler group: it stops the update there, so the roster's
CSV import and other wizards never see a photo or a line meant for the minutes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, dialog_message, person
from lesson_bot.bot.texts import onboarding
from lesson_bot.bot.texts.meetings import records as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import Callback, RecordConfirm, RecordPick, RecordShow, RecordStep
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import Conflict
from lesson_bot.services.meetings.facts import AttachmentView, RecordView
from lesson_bot.services.meetings.records import NewAttachment, NotHostOrRecorder

KIND = "record"
DONE_WORDS = {"完成", "done", "/done"}


def _button(text: str, tap: Callback) -> InlineKeyboardButton:
    return keyboards.button(text, tap)


def _step_keyboard(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(t._("Done"), RecordStep("next", dialog_id)),
                                  _button(t._("Cancel"), RecordStep("cancel", dialog_id))]])


def _review_keyboard(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(t._("Submit"), RecordStep("submit", dialog_id))],
                                 [_button(t._("Start over"), RecordStep("redo", dialog_id)),
                                  _button(t._("Cancel"), RecordStep("cancel", dialog_id))]])


def _draft(view: RecordView, data: dict[str, Any]) -> RecordView:
    """The record as it would be after submitting the draft."""
    added = tuple(AttachmentView(0, a["kind"], a["file_id"], a.get("name"), a.get("caption")) for a in data["att"])
    return dataclasses.replace(view, minutes="\n".join(data["minutes"]) or view.minutes,
                               decisions="\n".join(data["decisions"]) or view.decisions,
                               attachments=view.attachments + added)


async def cmd_record(update: Update, context: Context) -> None:
    """/record: the meetings the caller may record, as buttons."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await message.reply_text(texts.private_only(t))
        return
    lines = await context.services.records.recordable(person(update).telegram_user_id)
    if not lines:
        await message.reply_text(texts.nothing_to_record(t))
        return
    types = context.services.meetings.types
    rows = [[_button(texts.meeting_button(t, types, line)[:60], RecordPick(line.meeting_id)),
             *([_button(t._("View"), RecordShow(line.meeting_id))] if line.recorded else [])] for line in lines]
    await message.reply_text(texts.record_menu(t), reply_markup=InlineKeyboardMarkup(rows))


async def on_pick(update: Update, context: Context) -> None:
    """rc:pick:<meeting>: start the draft (the service checks the caller may record it)."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    meeting_id = RecordPick.parse(query.data).meeting
    view = await context.services.records.begin(query.from_user.id, meeting_id)
    t = await context.lang(update)
    await answer_callback(query)
    await query.edit_message_reply_markup(None)
    dialog = await context.services.dialogs.begin(query.message.chat.id, query.from_user.id, KIND, "minutes",
                                                  {"m": meeting_id, "minutes": [], "decisions": [], "att": []})
    await query.message.reply_text(texts.minutes_prompt(t, context.services.meetings.types, view),
                                   reply_markup=_step_keyboard(t, dialog.id))


async def on_view(update: Update, context: Context) -> None:
    """rc:view:<meeting>: the whole record as it stands, with who still owes the 补学."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    view = await context.services.records.view(query.from_user.id, RecordShow.parse(query.data).meeting)
    t = await context.lang(update)
    await answer_callback(query)
    for part in texts.record_text(t, context.services.meetings.types, view):
        await query.message.reply_text(part)


async def _dialog(update: Update, context: Context) -> DialogState | None:
    """The caller's record dialog named by the tapped button, or None (told it expired)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    dialog = await context.services.dialogs.get(RecordStep.parse(query.data).dialog)
    if dialog is None or dialog.user_id != query.from_user.id or dialog.kind != KIND:
        await answer_callback(query, onboarding.dialog_expired(await context.lang(update)), show_alert=True)
        return None
    return dialog


async def _advance(message: Message, context: Context, t: Lang, dialog: DialogState) -> None:
    """“Done” on the current step: minutes -> decisions -> review."""
    view = await context.services.records.begin(dialog.user_id, dialog.data["m"])
    if dialog.step == "minutes":
        if not dialog.data["minutes"] and not view.minutes:
            await message.reply_text(texts.minutes_needed(t), reply_markup=_step_keyboard(t, dialog.id))
            return
        await context.services.dialogs.advance(dialog.id, "decisions", {})
        await message.reply_text(texts.decisions_prompt(t, view), reply_markup=_step_keyboard(t, dialog.id))
        return
    await context.services.dialogs.advance(dialog.id, "review", {})
    parts = texts.review(t, context.services.meetings.types, _draft(view, dialog.data))
    for part in parts[:-1]:
        await message.reply_text(part)
    await message.reply_text(parts[-1], reply_markup=_review_keyboard(t, dialog.id))


async def on_step(update: Update, context: Context) -> None:
    """rc:next|submit|redo|cancel:<dialog>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    dialog = await _dialog(update, context)
    if dialog is None:
        return
    verb = RecordStep.parse(query.data).verb
    t = await context.lang(update)
    await answer_callback(query)
    await query.edit_message_reply_markup(None)
    if verb == "next" and dialog.step in ("minutes", "decisions"):
        await _advance(query.message, context, t, dialog)
    elif verb == "redo":
        await context.services.dialogs.advance(dialog.id, "minutes", {"minutes": [], "decisions": [], "att": []})
        view = await context.services.records.begin(dialog.user_id, dialog.data["m"])
        await query.message.reply_text(texts.minutes_prompt(t, context.services.meetings.types, view),
                                       reply_markup=_step_keyboard(t, dialog.id))
    elif verb == "cancel":
        await context.services.dialogs.end(dialog.id)
        await query.message.reply_text(texts.cancelled(t))
    elif verb == "submit" and dialog.step == "review":
        data = dialog.data
        view = await context.services.records.submit(
            dialog.user_id, data["m"], minutes="\n".join(data["minutes"]) or None,
            decisions="\n".join(data["decisions"]) or None,
            attachments=tuple(NewAttachment(a["kind"], a["file_id"], a.get("name"), a.get("caption"))
                              for a in data["att"]))
        await context.services.dialogs.end(dialog.id)
        await query.message.reply_text(texts.submitted(t, view, context.services.records.grace))


async def on_input(update: Update, context: Context) -> None:
    """A message in private while a record dialog is open: part of the minutes or decisions, or an attachment."""
    found = await dialog_message(update, context, KIND)
    if found is None:
        return  # not ours: the other handlers get the message
    message, dialog = found
    t = await context.lang(update)
    attachment = _attachment(message)
    if attachment is not None:
        att = [*dialog.data["att"], attachment]
        await context.services.dialogs.advance(dialog.id, dialog.step, {"att": att})
        await message.reply_text(texts.attachment_noted(t, len(att)))
    elif (message.text or "").strip().lower() in DONE_WORDS and dialog.step != "review":
        await _advance(message, context, t, dialog)
    elif dialog.step in ("minutes", "decisions") and message.text:
        parts = [*dialog.data[dialog.step], message.text]
        await context.services.dialogs.advance(dialog.id, dialog.step, {dialog.step: parts})
        await message.reply_text(texts.noted(t, len(parts)), reply_markup=_step_keyboard(t, dialog.id))
    else:
        await message.reply_text(texts.use_buttons(t))
    raise ApplicationHandlerStop


def _attachment(message: Message) -> dict[str, Any] | None:
    caption = message.caption
    if message.photo:
        return {"kind": "photo", "file_id": message.photo[-1].file_id, "caption": caption}
    if message.document is not None:
        return {"kind": "document", "file_id": message.document.file_id, "name": message.document.file_name,
                "caption": caption}
    return None


async def on_confirm(update: Update, context: Context) -> None:
    """rc:ok:<meeting>:<stamp>: the host or recorder confirms the version they were sent."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = RecordConfirm.parse(query.data)
    meeting_id, stamp = tap.meeting, tap.stamp
    t = await context.lang(update)
    try:
        done = await context.services.records.confirm(query.from_user.id, int(meeting_id), int(stamp))
    except NotHostOrRecorder:
        await answer_callback(query, texts.not_host_or_recorder(t), show_alert=True)
        return
    except Conflict:
        await answer_callback(query, texts.record_changed(t), show_alert=True)
        return
    await answer_callback(query, texts.confirmed(t, done.view, done.roles))
    if isinstance(query.message, Message):
        await query.edit_message_reply_markup(None)
        await query.message.reply_text(texts.confirmed(t, done.view, done.roles))


def input_handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered in a group before the others (see the module docstring)."""
    taken = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL | filters.Regex(r"^/done$")
    return [MessageHandler(filters.ChatType.PRIVATE & taken, on_input)]


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("record", cmd_record),
        CallbackQueryHandler(on_pick, pattern=RecordPick.pattern),
        CallbackQueryHandler(on_view, pattern=RecordShow.pattern),
        CallbackQueryHandler(on_step, pattern=RecordStep.pattern),
        CallbackQueryHandler(on_confirm, pattern=RecordConfirm.pattern),
    ]
