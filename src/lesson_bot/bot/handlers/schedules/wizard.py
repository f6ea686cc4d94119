"""/schedule and /plan: a secretary schedules a lesson, or a whole series, with buttons or typed answers.

In a group the wizard runs there, for that group's branch; in private it asks which branch first when the
secretary has several. Taps edit the wizard's message in place; a typed answer gets a new message (and the
previous one loses its buttons), so only the newest message's buttons act.
"""

from __future__ import annotations

import contextlib

from telegram import Chat, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.dialog_taps import tapped_dialog
from lesson_bot.bot.handlers.schedules import upcoming as schedule_upcoming
from lesson_bot.bot.handlers.schedules.steps import KINDS, PLAN, SCHEDULE, Flow
from lesson_bot.bot.texts.schedules import wizard as texts
from lesson_bot.domain.callbacks import ScheduleStep
from lesson_bot.services.errors import ServiceError


async def _begin(update: Update, context: Context, kind: str) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    data: dict[str, object] = {"multi": False}
    if chat.type != Chat.PRIVATE:
        branch = await context.branch_of(chat.id)
        data["b"] = branch.id
    else:
        views = await context.services.branches.list_for(who)
        if not views:
            await message.reply_text(texts.no_branches(t))
            return
        if len(views) == 1:
            data["b"] = views[0].id
        else:
            data["multi"] = True
    dialog = await context.services.dialogs.begin(chat.id, who, kind, "branch" if data["multi"] else "series", data)
    try:
        screen = await Flow(context, t, who, dialog).render()
    except ServiceError:
        await context.services.dialogs.end(dialog.id)  # refused (not this branch's secretary): leave nothing open
        raise
    sent = await message.reply_text(screen.text, reply_markup=screen.markup)
    await context.services.dialogs.advance(dialog.id, dialog.step, {"msg": sent.message_id})


async def cmd_schedule(update: Update, context: Context) -> None:
    """/schedule: one lesson at a time of the secretary's choosing."""
    await _begin(update, context, SCHEDULE)


async def cmd_plan(update: Update, context: Context) -> None:
    """/plan: a whole series, one lesson per weekly slot, in order."""
    await _begin(update, context, PLAN)


async def on_button(update: Update, context: Context) -> None:
    """sch:<verb>:<dialog>[:<arg>]"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = ScheduleStep.parse(query.data)
    verb, dialog_id, arg = tap.verb, tap.dialog, "" if tap.arg is None else str(tap.arg)
    t = await context.lang(update)
    dialog = await tapped_dialog(query, context, t, dialog_id, KINDS)
    if dialog is None:
        return
    if dialog.data.get("msg") != query.message.message_id:
        await query.answer(texts.not_current(t), show_alert=True)
        return
    screen = await Flow(context, t, query.from_user.id, dialog).tap(verb, arg)
    await query.answer()
    await query.edit_message_text(screen.text, reply_markup=screen.markup)  # a second tap: the same step, fine


async def on_reply(update: Update, context: Context) -> bool:
    """A typed answer to the open /schedule or /plan wizard here. False when this user has none in this chat."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None and message.text is not None
    dialog = await context.services.dialogs.current(chat.id, user.id)
    if dialog is None or dialog.kind not in KINDS:
        return False
    t = await context.lang(update)
    screen = await Flow(context, t, user.id, dialog).typed(message.text)
    sent = await message.reply_text(screen.text, reply_markup=screen.markup)
    previous = dialog.data.get("msg")
    if isinstance(previous, int):
        with contextlib.suppress(BadRequest):  # already without buttons, or deleted: nothing to take back
            await context.bot.edit_message_reply_markup(chat.id, previous, reply_markup=None)
    if screen.step is not None:
        await context.services.dialogs.advance(dialog.id, screen.step, {"msg": sent.message_id})
    return True


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("schedule", cmd_schedule),
        CommandHandler("plan", cmd_plan),
        CallbackQueryHandler(on_button, pattern=ScheduleStep.pattern),
        *schedule_upcoming.handlers(),
    ]
