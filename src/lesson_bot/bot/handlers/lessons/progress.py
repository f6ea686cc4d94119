"""/me (a member's own record, always in private) and /progress (a lesson's progress, for its secretaries)."""

from __future__ import annotations

from functools import partial

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.private_answer import tap_belongs_here
from lesson_bot.bot.texts import roster as roster_texts
from lesson_bot.bot.texts.lessons import progress as texts
from lesson_bot.domain import callbacks
from lesson_bot.domain.callbacks import ProgressBranch, ProgressEarlier
from lesson_bot.services.lessons.progress import LessonProgress


async def cmd_me(update: Update, context: Context) -> None:
    """In private: the record. In a group: the record goes to private, the group gets one line."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update)
    record = await context.services.progress.me(who.telegram_user_id)
    own = context.services.translator.lang(await context.services.roster.locale_of(who.telegram_user_id)
                                           or who.language_code)
    if chat.type == Chat.PRIVATE:
        await message.reply_text(texts.my_record(own, record))
        return
    t = await context.lang(update)
    if record is not None and record.reachable:
        try:
            await context.bot.send_message(who.telegram_user_id, texts.my_record(own, record))
        except Forbidden:
            await context.services.roster.blocked(who.telegram_user_id)
        else:
            await message.reply_text(texts.me_sent_privately(t))
            return
    button = InlineKeyboardButton(texts.start_button(t), url=f"https://t.me/{context.bot.username}")
    await message.reply_text(texts.me_start_first(t), reply_markup=InlineKeyboardMarkup([[button]]))


def _earlier(view: LessonProgress) -> InlineKeyboardMarkup | None:
    if not view.earlier:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(texts.earlier_button(ref, view.branch.timezone),
                              callback_data=ProgressEarlier(view.branch.id, ref.id).encode())]
        for ref in view.earlier
    ])


async def _show(message: Message, context: Context, user_id: int, branch_id: int, delivery_id: int | None) -> None:
    view = await context.services.progress.lesson_progress(user_id, branch_id, delivery_id)
    t = context.services.translator.lang(view.branch.locale)
    await message.reply_text(texts.progress(t, view), reply_markup=_earlier(view))


async def cmd_progress(update: Update, context: Context) -> None:
    """In the group: its branch's latest lesson. In private: the caller's branch, or a choice of them."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    who = person(update).telegram_user_id
    if chat.type != Chat.PRIVATE:
        branch = await context.branch_of(chat.id)
        await _show(message, context, who, branch.id, None)
        return
    branches = await context.services.branches.list_for(who)
    if len(branches) == 1:
        await _show(message, context, who, branches[0].id, None)
    elif branches:
        await message.reply_text(roster_texts.choose_branch_progress(await context.lang(update)),
                                 reply_markup=keyboards.choose_branch(partial(ProgressBranch, 0), branches))
    else:
        await message.reply_text(roster_texts.no_branches_to_manage(await context.lang(update)))


async def on_button(update: Update, context: Context) -> None:
    """prog:branch:0:<branch> (the picker) and prog:show:<branch>:<delivery> (an earlier lesson)."""
    query = update.callback_query
    assert query is not None and query.data is not None and isinstance(query.message, Message)
    tap = callbacks.parse(query.data, ProgressBranch, ProgressEarlier)
    if not await tap_belongs_here(update, context, tap.branch):
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    branch_id, delivery_id = tap.branch, tap.delivery if isinstance(tap, ProgressEarlier) else None
    await _show(query.message, context, query.from_user.id, branch_id, delivery_id)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("me", cmd_me),
        CommandHandler("progress", cmd_progress),
        CallbackQueryHandler(on_button, pattern=callbacks.any_of(ProgressBranch, ProgressEarlier)),
    ]
