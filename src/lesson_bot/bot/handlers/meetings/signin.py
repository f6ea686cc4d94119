"""签到: the group button (`mt:in:<meeting>`), the code in private (`/signin 123456`, or typed after the button
asked for it; deep link `start=mti<meeting>`), and /attendance for secretaries with 代签 / offline buttons."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters
from telegram.helpers import create_deep_linked_url

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.meetings import keyboards
from lesson_bot.bot.handlers.meetings.rsvp import ask_in_private, private_lang
from lesson_bot.bot.texts.meetings import calls as texts
from lesson_bot.bot.texts.roster import no_branches_to_manage
from lesson_bot.domain.callbacks import MeetingAttendance, SignIn
from lesson_bot.domain.enums import SignInMethod
from lesson_bot.domain.ids import parse_prefixed_id
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import NotFound

KIND = "mt_code"
START_PREFIX = "mti"


async def on_tap(update: Update, context: Context) -> None:
    """mt:in:<meeting> — the 签到 button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    meeting_id = SignIn.parse(query.data).meeting
    chat_id = None if query.message is None else query.message.chat.id
    outcome = await context.services.signin.tap(person(update), meeting_id, chat_id)
    t = await context.lang(update)
    if outcome.status == "need_code" and not outcome.reachable:
        link = create_deep_linked_url(context.bot.username, f"{START_PREFIX}{meeting_id}")
        await query.answer(texts.code_start_first(t), show_alert=True, url=link)
        return
    if outcome.status == "need_code":
        await _ask_code(update, context, meeting_id, None)
    ok = outcome.status in ("on_time", "late")
    await query.answer(texts.sign_in_answer(t, outcome.status, outcome.meeting), show_alert=not ok)


async def _ask_code(update: Update, context: Context, meeting_id: int, reply_to: Message | None) -> None:
    await ask_in_private(update, context, meeting_id, KIND, "code", texts.ask_code, reply_to)


async def cmd_start_code(update: Update, context: Context) -> None:
    """/start mti<meeting>: started from the 签到 button of a meeting with a code; ask for the code."""
    message = update.effective_message
    assert message is not None and context.args
    await context.services.roster.start(person(update), None)
    meeting_id = parse_prefixed_id(context.args[0], START_PREFIX)
    if meeting_id is None:  # a payload past int64: no meeting of ours
        raise NotFound("meeting", context.args[0])
    await _ask_code(update, context, meeting_id, message)


async def on_code(update: Update, context: Context, dialog: DialogState) -> None:
    """The code typed after the button asked for it; a wrong one may be typed again."""
    message = update.effective_message
    assert message is not None and message.text is not None
    outcome = await context.services.signin.with_code(person(update), message.text, int(dialog.data["meeting_id"]))
    if outcome.status != "bad_code":
        await context.services.dialogs.end(dialog.id)
    await message.reply_text(texts.sign_in_answer(await private_lang(update, context), outcome.status,
                                                  outcome.meeting))


async def cmd_signin(update: Update, context: Context) -> None:
    """/signin <code> in private."""
    message = update.effective_message
    assert message is not None
    t = await private_lang(update, context)
    if not context.args:
        await message.reply_text(texts.signin_usage(t))
        return
    outcome = await context.services.signin.with_code(person(update), context.args[0])
    await message.reply_text(texts.sign_in_answer(t, outcome.status, outcome.meeting))


async def cmd_attendance(update: Update, context: Context) -> None:
    """/attendance: a secretary picks an open meeting, sees who signed in, and records 代签 or offline."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    branches = await context.branches_for(update)
    if not branches:
        await message.reply_text(no_branches_to_manage(t))
        return
    views = [v for b in branches for v in await context.services.meetings.upcoming(who, b.id)]
    if not views:
        await message.reply_text(texts.no_meetings(t))
    elif len(views) == 1:
        await _show(message, context, t, who, views[0].id, edit=False)
    else:
        await message.reply_text(texts.choose_meeting(t),
                                 reply_markup=keyboards.meetings(views, {v.id: texts.short(v) for v in views}))


async def _show(message: Message, context: Context, t: Lang, user_id: int, meeting_id: int, *, edit: bool) -> None:
    view = await context.services.signin.attendance(user_id, meeting_id)
    text = texts.attendance(t, view.meeting, view.tally, view.closed)
    markup = None if view.closed else keyboards.attendance(t, meeting_id, view.tally)
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.reply_text(text, reply_markup=markup)


async def on_attendance_button(update: Update, context: Context) -> None:
    """mt:att:<meeting> (show), mt:rmd:<meeting> (remind those not signed in) and mt:px|off:<meeting>:<member>
    (代签 / offline)."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = MeetingAttendance.parse(query.data)
    verb, meeting_id, member = tap.verb, tap.meeting, [] if tap.member is None else [tap.member]
    t = await context.lang(update)
    if verb == "att":
        await query.answer()
        await _show(query.message, context, t, query.from_user.id, int(meeting_id), edit=True)
        return
    if verb == "rmd":
        sent = await context.services.signin.remind_missing(query.from_user.id, int(meeting_id))
        await query.answer(texts.reminded(t, sent.status, sent.private, sent.group), show_alert=True)
        return
    method = SignInMethod.PROXY if verb == "px" else SignInMethod.OFFLINE
    result = await context.services.signin.record(query.from_user.id, int(meeting_id), member, method)
    await query.answer(texts.recorded(t, result.recorded, result.already))
    await _show(query.message, context, t, query.from_user.id, int(meeting_id), edit=True)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", cmd_start_code, private & filters.Regex(rf"^/start {START_PREFIX}\d+$")),
        CommandHandler("signin", cmd_signin, private),
        CommandHandler("attendance", cmd_attendance),
        CallbackQueryHandler(on_tap, pattern=SignIn.pattern),
        CallbackQueryHandler(on_attendance_button, pattern=MeetingAttendance.pattern),
    ]
