"""An answer that may be about other branches than the group's own goes to the asker's private chat; the group
hears only that it was sent (or how to make that possible)."""

from __future__ import annotations

import logging

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts import common, onboarding

log = logging.getLogger(__name__)


async def answer_in_private(update: Update, context: Context, text: str) -> None:
    """Send `text` to the asker in private and say so in the group; if they never started me, ask them to."""
    message = update.effective_message
    assert message is not None
    who = person(update).telegram_user_id
    t = await context.lang(update)
    try:
        await context.bot.send_message(who, text)
    except (Forbidden, BadRequest):  # never started me, or blocked me: nothing can go there
        button = InlineKeyboardButton(common.open_private_chat(t), url=f"https://t.me/{context.bot.username}")
        await message.reply_text(common.private_answer_start_first(t), reply_markup=InlineKeyboardMarkup([[button]]))
        return
    await message.reply_text(common.private_answer_sent(t))


async def tap_belongs_here(update: Update, context: Context, branch_id: int) -> bool:
    """Whether a tap asking about `branch_id` may be answered where it was tapped: in private, or in that branch's
    own group. Elsewhere (a forged button in another group) it is answered like an expired button."""
    query = update.callback_query
    assert query is not None
    chat = query.message.chat if query.message is not None else None
    if chat is None or chat.type == Chat.PRIVATE:
        return True
    here = await context.services.branches.by_chat(chat.id)
    if here is not None and here.id == branch_id:
        return True
    log.info("tap about branch %s in chat %s, which is not that branch's: answered as expired", branch_id, chat.id)
    await query.answer(onboarding.dialog_expired(await context.lang(update)), show_alert=True)
    return False
