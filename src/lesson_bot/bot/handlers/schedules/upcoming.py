"""/upcoming: a branch's next deliveries and its schedules, with cancel (confirmed when recurring) and skip; its
meetings called and its meeting series, with stop (confirmed)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.handlers.schedules import keyboards as kb
from lesson_bot.bot.texts.schedules import upcoming as texts
from lesson_bot.bot.texts.schedules import wizard as wizard_texts
from lesson_bot.domain.callbacks import Upcoming
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import Conflict

LIMIT = 10


async def _listing(context: Context, t: Lang, user_id: int, branch_id: int,
                   notice: str | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    view = await context.services.schedules.upcoming(user_id, branch_id, limit=LIMIT, locale=t.locale)
    return texts.listing(t, view, notice), kb.upcoming(t, branch_id, view.schedules, view.series, view.broken)


async def cmd_upcoming(update: Update, context: Context) -> None:
    """In the group: its branch. In private: the caller's branch, or a choice of them."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    views = await context.branches_for(update, active_only=False)
    if len(views) > 1:
        await message.reply_text(wizard_texts.ask_branch_upcoming(t), reply_markup=kb.upcoming_branches(views))
        return
    if not views:
        await message.reply_text(wizard_texts.no_branches(t))
        return
    text, markup = await _listing(context, t, who, views[0].id)
    await message.reply_text(text, reply_markup=markup)


async def on_button(update: Update, context: Context) -> None:
    """up:back:<branch> | up:cx|cxok|ms|msok:<branch>:<schedule> | up:sk|skok:<branch>:<schedule>:<yyyymmdd>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = Upcoming.parse(query.data)
    verb, branch_id, who, schedule_id, day = tap.verb, tap.branch, query.from_user.id, tap.schedule or 0, tap.day
    t = await context.lang(update)
    text, markup = await _answer(context, t, who, verb, branch_id, schedule_id, day)
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


async def _answer(context: Context, t: Lang, who: int, verb: str, branch_id: int, schedule_id: int,
                  day: date | None) -> tuple[str, InlineKeyboardMarkup | None]:
    schedules = context.services.schedules
    if verb == "cxok":
        return await _cancel(context, t, who, branch_id, schedule_id)
    if verb in ("ms", "msok"):
        return await _stop(context, t, who, verb, branch_id, schedule_id)
    if verb == "skok" and day is not None:
        await schedules.skip_date(who, branch_id, day)
        return await _listing(context, t, who, branch_id, texts.skipped(t, day))
    if verb in ("cx", "sk"):
        view = await schedules.upcoming(who, branch_id, limit=LIMIT, locale=t.locale)
        line = next((line for line in view.schedules if line.id == schedule_id), None)
        if line is None:
            return await _listing(context, t, who, branch_id, texts.gone(t))
        if verb == "sk" and day is not None:
            return texts.confirm_skip(t, day), kb.upcoming_confirm(t, "skok", branch_id, schedule_id, day)
        if line.recurring:
            return texts.confirm_cancel(t, line), kb.upcoming_confirm(t, "cxok", branch_id, schedule_id, None)
        return await _cancel(context, t, who, branch_id, schedule_id)  # a one-off: the button is the decision
    return await _listing(context, t, who, branch_id)


async def _cancel(context: Context, t: Lang, who: int, branch_id: int,
                  schedule_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Cancel a lesson schedule; a stale confirm button is told it is done already."""
    try:
        withdrawn = await context.services.schedules.cancel(who, schedule_id, branch_id)
    except Conflict:
        return await _listing(context, t, who, branch_id, texts.already_cancelled(t, schedule_id))
    return await _listing(context, t, who, branch_id, texts.cancelled(t, schedule_id, withdrawn))


async def _stop(context: Context, t: Lang, who: int, verb: str, branch_id: int,
                series_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Ask before stopping a meeting series (`ms`), then stop it (`msok`); a stale button is told it is done."""
    schedules = context.services.schedules
    if verb == "msok":
        try:
            stopped = await schedules.stop_meetings(who, series_id, branch_id=branch_id, locale=t.locale)
        except Conflict:
            return await _listing(context, t, who, branch_id, texts.already_stopped(t, series_id))
        return await _listing(context, t, who, branch_id, texts.stopped(t, stopped))
    view = await schedules.upcoming(who, branch_id, limit=LIMIT, locale=t.locale)
    series = next((line for line in view.series if line.id == series_id), None)
    if series is None:
        return await _listing(context, t, who, branch_id, texts.already_stopped(t, series_id))
    return texts.confirm_stop(t, series), kb.upcoming_confirm(t, "msok", branch_id, series_id, None)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("upcoming", cmd_upcoming), CallbackQueryHandler(on_button, pattern=Upcoming.pattern)]
