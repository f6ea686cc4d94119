"""补学 for meeting absentees: the task's buttons (mk:mt:<meeting> 已学习, mk:ml:<meeting> the 党课's lesson) and
/makeups, where a secretary sees who is still open and sends the tasks now (mk:send:<meeting>)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.private_answer import tap_belongs_here
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts import roster as roster_texts
from lesson_bot.bot.texts.lessons import makeup as lesson_texts
from lesson_bot.bot.texts.meetings import records as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import MakeupsBranch, MakeupTasksSend, MeetingMakeupDone, MeetingMakeupLesson
from lesson_bot.domain.messages import Part, Sent
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import Conflict
from lesson_bot.services.meetings.makeup import NotAnAbsentee
from lesson_bot.services.meetings.notices import local
from lesson_bot.services.messages.lessons import checkin_label as label


async def on_studied(update: Update, context: Context) -> None:
    """mk:mt:<meeting>: the absentee studied what the meeting covered."""
    query = update.callback_query
    assert query is not None and query.data is not None
    meeting_id = MeetingMakeupDone.parse(query.data).meeting
    t = await context.lang(update)
    try:
        done = await context.services.meeting_makeup.complete(person(update), meeting_id)
    except NotAnAbsentee as exc:
        await answer_callback(query, texts.not_absentee(t, exc.topic), show_alert=True)
        return
    await answer_callback(query, texts.makeup_done(t, done.topic, done.already))
    if isinstance(query.message, Message) and not done.already:
        await query.message.reply_text(texts.makeup_done(t, done.topic, done.already))


async def send_lesson(context: Context, chat_id: int, parts: Sequence[Part]) -> None:
    """Send a private lesson's parts in order and record what they mean (as /lessons' 补学 does)."""
    sender = TelegramSender(context.bot, context.services.settings.media_dir)
    sent: list[tuple[Part, Sent]] = []
    try:
        for part in parts:
            sent.append((part, await sender.send(chat_id, part.message)))
    finally:
        await context.services.makeup.record_sent(sent)


async def on_lesson(update: Update, context: Context) -> None:
    """mk:ml:<meeting>: the 党课's lesson, here in private, credited as make-up."""
    query = update.callback_query
    assert query is not None and query.data is not None
    meeting_id = MeetingMakeupLesson.parse(query.data).meeting
    t = await context.lang(update)
    if query.message is None or query.message.chat.type != Chat.PRIVATE:
        await answer_callback(query, lesson_texts.makeup_in_group(t), show_alert=True)
        return
    try:
        lesson = await context.services.meeting_makeup.lesson(person(update), meeting_id, label(t))
    except NotAnAbsentee as exc:
        await answer_callback(query, texts.not_absentee(t, exc.topic), show_alert=True)
        return
    await answer_callback(query, lesson_texts.makeup_sending(t, lesson.title))
    await context.bot.send_message(lesson.chat_id, lesson_texts.makeup_intro(t, lesson.title, lesson.already))
    await send_lesson(context, lesson.chat_id, lesson.parts)


async def _show(message: Message, context: Context, t: Lang, user_id: int, branch_id: int) -> None:
    items = await context.services.meeting_makeup.open_makeups(user_id, branch_id)
    branch = next(b for b in await context.services.branches.list_for(user_id) if b.id == branch_id)
    types = context.services.meetings.types
    parts = texts.makeups(t, types, branch.title, items)
    buttons = [[InlineKeyboardButton(
        texts.send_tasks_button(t, f"{local(i.starts_at, i.timezone, '%m-%d')} {texts.type_name(t, types, i.type)}"),
        callback_data=MakeupTasksSend(i.meeting_id).encode())] for i in items if i.open or i.pending]
    for part in parts[:-1]:
        await message.reply_text(part)
    await message.reply_text(parts[-1], reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)


async def cmd_makeups(update: Update, context: Context) -> None:
    """/makeups: who still owes the 补学 of recent meetings; in a group, of its own branch only (another branch's
    figures never show in it), in private, of the caller's branch or a choice of them."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await _show(message, context, t, who, (await context.branch_of(chat.id)).id)
        return
    branches = await context.services.branches.list_for(who)
    if len(branches) == 1:
        await _show(message, context, t, who, branches[0].id)
    elif branches:
        await message.reply_text(roster_texts.choose_branch_makeups(t),
                                 reply_markup=keyboards.choose_branch(partial(MakeupsBranch, 0), branches))
    else:
        await message.reply_text(roster_texts.no_branches_to_manage(t))


async def on_branch(update: Update, context: Context) -> None:
    """mkl:show:0:<branch>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    branch_id = MakeupsBranch.parse(query.data).branch
    if not await tap_belongs_here(update, context, branch_id):
        return
    await answer_callback(query)
    await query.edit_message_reply_markup(None)
    await _show(query.message, context, await context.lang(update), query.from_user.id, branch_id)


async def on_send(update: Update, context: Context) -> None:
    """mk:send:<meeting>: a secretary sends the make-up tasks now."""
    query = update.callback_query
    assert query is not None and query.data is not None
    meeting_id = MakeupTasksSend.parse(query.data).meeting
    t = await context.lang(update)
    try:
        queued = await context.services.meeting_makeup.assign(query.from_user.id, meeting_id)
    except Conflict:
        await answer_callback(query, texts.no_minutes(t), show_alert=True)
        return
    await answer_callback(query, texts.tasks_sent(t, queued), show_alert=True)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("makeups", cmd_makeups),
        CallbackQueryHandler(on_studied, pattern=MeetingMakeupDone.pattern),
        CallbackQueryHandler(on_lesson, pattern=MeetingMakeupLesson.pattern),
        CallbackQueryHandler(on_send, pattern=MakeupTasksSend.pattern),
        CallbackQueryHandler(on_branch, pattern=MakeupsBranch.pattern),
    ]
