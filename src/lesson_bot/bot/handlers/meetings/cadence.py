"""/cadence: 三会一课 compliance. A secretary of one branch sees it in detail (this period and the ones before);
an admin, or a secretary of several, sees a compact table of every branch (paginated, cad:page:<n>) and taps one
for its details (cad:br:<branch>). In a branch's group it shows that branch."""

from __future__ import annotations

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts.meetings import records as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import Cadence
from lesson_bot.i18n import Lang

PAGE = 10


async def _detail(message: Message, context: Context, t: Lang, user_id: int, branch_id: int) -> None:
    report = await context.services.cadence.branch(user_id, branch_id)
    for part in texts.compliance(t, context.services.meetings.types, report):
        await message.reply_text(part)


def _overview_markup(ids: list[tuple[int, str]], page: int, pages: int) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(title[:40], callback_data=Cadence("br", branch_id).encode())]
            for branch_id, title in ids]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=Cadence("page", page - 1).encode()))
    if page < pages - 1:
        nav.append(InlineKeyboardButton("▶", callback_data=Cadence("page", page + 1).encode()))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


async def _overview(context: Context, t: Lang, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup]:
    reports = await context.services.cadence.overview(user_id)
    pages = max(1, -(-len(reports) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = reports[page * PAGE:(page + 1) * PAGE]
    text = texts.overview(t, context.services.meetings.types, shown, page, pages)
    return text, _overview_markup([(r.branch_id, r.title) for r in shown], page, pages)


async def cmd_cadence(update: Update, context: Context) -> None:
    """/cadence"""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        branch = await context.services.branches.by_chat(chat.id)
        if branch is not None:
            await _detail(message, context, t, who, branch.id)
            return
    actor = await context.services.access.describe(who)
    if not actor.is_admin and len(actor.secretary_of) == 1:
        await _detail(message, context, t, who, next(iter(actor.secretary_of)))
        return
    text, markup = await _overview(context, t, who, 0)
    await message.reply_text(text, reply_markup=markup)


async def on_button(update: Update, context: Context) -> None:
    """cad:page:<n> and cad:br:<branch>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = Cadence.parse(query.data)
    verb, arg = tap.verb, tap.arg
    t = await context.lang(update)
    await answer_callback(query)
    if verb == "page":
        text, markup = await _overview(context, t, query.from_user.id, int(arg))
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await _detail(query.message, context, t, query.from_user.id, int(arg))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("cadence", cmd_cadence), CallbackQueryHandler(on_button, pattern=Cadence.pattern)]
