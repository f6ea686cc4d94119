"""/meetings: a secretary's list of the branch's upcoming meetings, each with 取消 (confirmed) and 提醒 (presets).

Buttons: `mls:br:<branch>` (the list), `mls:cx|cxok:<meeting>` (call off: ask, do), `mls:rm:<meeting>` (the
reminder presets), `mls:rs:<meeting>:<preset>`. Every step asks the service, which checks the role.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.keyboards import button
from lesson_bot.bot.texts.meetings import listing as texts
from lesson_bot.domain.callbacks import MeetingList
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.agenda import AgendaLine

PRESETS: tuple[tuple[int, ...], ...] = ((1440, 60), (60,), (1440,), ())  # minutes before the start


def _b(text: str, verb: str, key: int, preset: int | None = None) -> InlineKeyboardButton:
    return button(text[:64], MeetingList(verb, key, preset))


async def _listing(context: Context, t: Lang, who: int, branch_id: int,
                   notice: str | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    agenda = await context.services.meetings.agenda(who, branch_id)
    rows = [[_b(t._("Cancel #{id}", id=line.view.id), "cx", line.view.id),
             _b(t._("Reminders #{id}", id=line.view.id), "rm", line.view.id)] for line in agenda.lines]
    text = texts.listing(t, agenda, notice)
    return text, InlineKeyboardMarkup(rows) if rows else None


async def cmd_meetings(update: Update, context: Context) -> None:
    """In the group: its branch. In private: the caller's branch, or a choice of them."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    views = await context.branches_for(update)
    if len(views) > 1:
        await message.reply_text(texts.ask_branch(t),
                                 reply_markup=InlineKeyboardMarkup([[_b(v.title, "br", v.id)] for v in views]))
        return
    if not views:
        await message.reply_text(texts.no_branches(t))
        return
    text, markup = await _listing(context, t, who, views[0].id)
    await message.reply_text(text, reply_markup=markup)


async def on_button(update: Update, context: Context) -> None:
    """mls:<verb>:<id>[:<preset>]"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = MeetingList.parse(query.data)
    t = await context.lang(update)
    text, markup = await _answer(context, t, query.from_user.id, tap.verb, tap.key, tap.preset or 0)
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


async def _answer(context: Context, t: Lang, who: int, verb: str, key: int,
                  arg: int) -> tuple[str, InlineKeyboardMarkup | None]:
    meetings = context.services.meetings
    if verb == "br":
        return await _listing(context, t, who, key)
    view = await meetings.get(key)
    back = _b(t._("◀ Back"), "br", view.branch_id)
    if verb == "cxok":
        result = await meetings.cancel(who, key)
        return await _listing(context, t, who, view.branch_id, texts.called_off(t, result))
    if verb == "rs":
        changed = await meetings.set_reminders(who, key, PRESETS[arg])
        return await _listing(context, t, who, view.branch_id, texts.reminders_set(t, changed))
    line = await _line(context, who, view.branch_id, key)  # also the role check, before offering anything
    if line is None:
        return await _listing(context, t, who, view.branch_id, texts.gone(t))
    if verb == "cx":
        return texts.confirm_cancel(t, line), InlineKeyboardMarkup(
            [[_b(t._("Yes, call it off"), "cxok", key)], [back]])
    current = tuple(view.rules.reminders)
    buttons = [[_b(("✓ " if p == current else "") + texts.preset(t, p), "rs", key, i)] for i, p in enumerate(PRESETS)]
    return texts.ask_reminders(t, view), InlineKeyboardMarkup([*buttons, [back]])


async def _line(context: Context, who: int, branch_id: int, meeting_id: int) -> AgendaLine | None:
    agenda = await context.services.meetings.agenda(who, branch_id)
    return next((line for line in agenda.lines if line.view.id == meeting_id), None)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("meetings", cmd_meetings), CallbackQueryHandler(on_button, pattern=MeetingList.pattern)]
