"""/deliveries: the delivery ledger for a branch's secretaries."""

from __future__ import annotations

from functools import partial

from telegram import Chat, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.private_answer import tap_belongs_here
from lesson_bot.bot.texts import roster as roster_texts
from lesson_bot.bot.texts.lessons import deliveries as texts
from lesson_bot.domain.callbacks import DeliveriesBranch

DAYS = 7


async def _show(message: Message, context: Context, user_id: int, branch_id: int) -> None:
    view = await context.services.deliveries.ledger(user_id, branch_id, days=DAYS)
    t = context.services.translator.lang(view.branch.locale)
    await message.reply_text(texts.ledger(t, view, DAYS))


async def cmd_deliveries(update: Update, context: Context) -> None:
    """In the group: its branch. In private: the caller's branch, or a choice of them."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    if chat.type != Chat.PRIVATE:
        branch = await context.branch_of(chat.id)
        await _show(message, context, who, branch.id)
        return
    branches = await context.services.branches.list_for(who)
    if len(branches) == 1:
        await _show(message, context, who, branches[0].id)
    else:
        t = await context.lang(update)
        await message.reply_text(roster_texts.choose_branch_deliveries(t),
                                 reply_markup=keyboards.choose_branch(partial(DeliveriesBranch, 0), branches))


async def on_button(update: Update, context: Context) -> None:
    """deliv:show:0:<branch>"""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    branch_id = DeliveriesBranch.parse(query.data).branch
    if not await tap_belongs_here(update, context, branch_id):
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await _show(query.message, context, query.from_user.id, branch_id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("deliveries", cmd_deliveries),
            CallbackQueryHandler(on_button, pattern=DeliveriesBranch.pattern)]
