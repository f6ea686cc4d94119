"""/report: a period picker (rp:pd:<period>, or typed: /report 2026-Q4), a choice of report for those who have
several (rp:org:0:<period>, rp:br:<branch>:<period>; rp:pg:<page>:<period> turns the branches' pages), then the
summary, the chart (sendPhoto) and the XLSX (sendDocument), in the caller's language.

Always in private: in a group, /report sends the picker (or the report) to the caller's private chat and says so in
the group; figures never go into a group. The service checks each report: a tap on a report one may not read
(an old button, a forged one) is refused.
"""

from __future__ import annotations

import asyncio

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.keyboards import button
from lesson_bot.bot.texts import onboarding
from lesson_bot.bot.texts import reports as texts
from lesson_bot.bot.texts.lessons.progress import start_button
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import ReportPeriod, ReportScope
from lesson_bot.domain.periods import Period, PeriodError, parse, recent
from lesson_bot.i18n import Lang
from lesson_bot.services.reports.files import Report
from lesson_bot.services.reports.menu import ReportMenu
from lesson_bot.services.reports.sheets import Sheet, branch_sheets, member_sheets, org_sheets

PAGE = 8  # branches per page of the choice


async def _own_lang(context: Context, user_id: int, language_code: str | None) -> Lang:
    """The person's language (their /lang choice, else Telegram's), wherever they wrote."""
    return context.services.translator.lang(await context.services.roster.locale_of(user_id) or language_code)


def _periods(t: Lang, menu: ReportMenu) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.period_button(t, which, period), ReportPeriod(period.label))]
                                 for which, period in recent(menu.today)])


def _scopes(t: Lang, menu: ReportMenu, period: Period, page: int) -> InlineKeyboardMarkup:
    pages = max(1, -(-len(menu.branches) // PAGE))
    page = min(max(page, 0), pages - 1)
    rows = [[button(texts.organization_button(t), ReportScope("org", 0, period.label))]] if menu.organization else []
    rows += [[button(title[:60], ReportScope("br", branch_id, period.label))]
             for branch_id, title in menu.branches[page * PAGE:(page + 1) * PAGE]]
    if pages > 1:
        rows.append([button(texts.more_branches_button(t, (page + 1) % pages, pages),
                            ReportScope("pg", (page + 1) % pages, period.label))])
    return InlineKeyboardMarkup(rows)


async def _load(context: Context, user_id: int, scope: str, key: int, period: Period) -> tuple[Report, list[Sheet]]:
    reports = context.services.reports
    if scope == "org":
        org = await reports.org_report(user_id, period)
        return org, org_sheets(org)
    if scope == "br":
        branch = await reports.branch_report(user_id, key, period)
        return branch, branch_sheets(branch)
    own = await reports.member_report(user_id, None, period)
    return own, member_sheets(own)


async def _deliver(context: Context, user_id: int, t: Lang, scope: str, key: int, period: Period) -> None:
    """The report in the caller's private chat: the summary, the chart, the XLSX. (Drawing and writing the
    workbook take CPU time: they run in a thread, off the loop that serves everyone else.)"""
    report, sheets = await _load(context, user_id, scope, key, period)
    files, bot = context.services.report_files, context.bot
    await bot.send_message(user_id, texts.summary(t, report))
    chart = await asyncio.to_thread(files.chart, report, t.locale)
    if chart is not None:
        await bot.send_photo(user_id, chart)
    data = await asyncio.to_thread(files.xlsx, sheets, t.locale)
    await bot.send_document(user_id, InputFile(data, filename=texts.file_name(t, report)),
                            caption=texts.file_caption(t, report))


async def _choose(context: Context, user_id: int, t: Lang, menu: ReportMenu, period: Period) -> None:
    if menu.single is not None:
        await _deliver(context, user_id, t, *menu.single, period)
    else:
        await context.bot.send_message(user_id, texts.scope_prompt(t, period),
                                       reply_markup=_scopes(t, menu, period, 0))


async def _open(context: Context, user_id: int, t: Lang, period: Period | None) -> None:
    """In the caller's private chat: the period picker, the choice of report, or the report itself."""
    menu = await context.services.reports.menu(user_id)
    if menu.empty:
        await context.bot.send_message(user_id, texts.nothing_to_report(t))
    elif period is None:
        await context.bot.send_message(user_id, texts.period_prompt(t), reply_markup=_periods(t, menu))
    else:
        await _choose(context, user_id, t, menu, period)


async def cmd_report(update: Update, context: Context) -> None:
    """/report [period]: in private, the picker; in a group, the same in private and one line in the group."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update)
    t = await context.lang(update)
    try:
        period = parse(" ".join(context.args)) if context.args else None
    except PeriodError:
        await message.reply_text(texts.bad_period(t, " ".join(context.args or [])))
        return
    own = await _own_lang(context, who.telegram_user_id, who.language_code)
    if chat.type == Chat.PRIVATE:
        await _open(context, who.telegram_user_id, own, period)
        return
    try:
        await _open(context, who.telegram_user_id, own, period)
    except Forbidden:
        await context.services.roster.blocked(who.telegram_user_id)
        link = InlineKeyboardButton(start_button(t), url=f"https://t.me/{context.bot.username}")
        await message.reply_text(texts.start_first(t), reply_markup=InlineKeyboardMarkup([[link]]))
    else:
        await message.reply_text(texts.sent_privately(t))


async def _tapped_period(update: Update, context: Context, label: str) -> tuple[Message, Lang, Period] | None:
    """The tapped button's message, the language and the period; None after answering a bad one as expired."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = await context.lang(update)
    try:
        period = parse(label)
    except PeriodError:
        await query.answer(onboarding.dialog_expired(t), show_alert=True)
        return None
    await answer_callback(query)
    return query.message, t, period


async def on_period(update: Update, context: Context) -> None:
    """rp:pd:<period>: the choice of report for that period (or the report, when there is one to choose)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tapped = await _tapped_period(update, context, ReportPeriod.parse(query.data).period)
    if tapped is not None:
        message, t, period = tapped
        await message.edit_reply_markup(None)
        await _choose(context, query.from_user.id, t, await context.services.reports.menu(query.from_user.id), period)


async def on_scope(update: Update, context: Context) -> None:
    """rp:org / rp:br: that report; rp:pg: the next page of branches."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = ReportScope.parse(query.data)
    tapped = await _tapped_period(update, context, tap.period)
    if tapped is None:
        return
    message, t, period = tapped
    if tap.verb == "pg":
        menu = await context.services.reports.menu(query.from_user.id)
        await message.edit_reply_markup(_scopes(t, menu, period, tap.key))
        return
    await message.edit_reply_markup(None)
    await _deliver(context, query.from_user.id, t, tap.verb, tap.key, period)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("report", cmd_report),
            CallbackQueryHandler(on_period, pattern=ReportPeriod.pattern),
            CallbackQueryHandler(on_scope, pattern=ReportScope.pattern)]
