"""/lessons (补学) and /review, in private: missed lessons with their 补学 buttons, and the re-quiz of mistakes.

A make-up or review lesson is a direct answer to the member's tap or command, so it is sent here with the
Application's bot (not the outbox); what was sent is then recorded in one transaction. Poll answers cannot
overtake that record: they go by the member's id, which is their private chat's id, and updates of one chat are
handled in order (bot/ordering.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler
from telegram.helpers import create_deep_linked_url

from lesson_bot.bot import keyboards
from lesson_bot.bot.context import Context, person
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts.lessons import makeup as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import Callback, MakeupPage, MakeupStart
from lesson_bot.domain.messages import Part, Sent
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import NotFound
from lesson_bot.services.lessons.makeup import BranchLessons, NotConcerned
from lesson_bot.services.messages.lessons import checkin_label as label
from lesson_bot.services.messages.reviews import intro_part


def _button(text: str, tap: Callback) -> InlineKeyboardButton:
    return keyboards.button(text, tap)


def _lessons_keyboard(t: Lang, view: BranchLessons) -> InlineKeyboardMarkup | None:
    rows = [[_button(texts.makeup_button(t, line), MakeupStart(line.delivery_id))] for line in view.missed]
    pages = []
    if view.page > 0:
        pages.append(_button(texts.previous_page(t), MakeupPage(view.branch_id, view.page - 1)))
    if view.page < view.pages - 1:
        pages.append(_button(texts.next_page(t), MakeupPage(view.branch_id, view.page + 1)))
    if pages:
        rows.append(pages)
    return InlineKeyboardMarkup(rows) if rows else None


async def _to_private(message: Message, context: Context, t: Lang) -> None:
    """In a group: point to the private chat instead of listing someone's lessons in front of everyone."""
    url = create_deep_linked_url(context.bot.username)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(texts.open_private_button(t), url=url)]])
    await message.reply_text(texts.use_private(t), reply_markup=keyboard)


Record = Callable[[Sequence[tuple[Part, Sent]]], Awaitable[None]]


async def _send(context: Context, chat_id: int, parts: Sequence[Part], record: Record) -> None:
    """Send a private lesson's parts in order and record what they mean (also the ones sent before a failure)."""
    sender = TelegramSender(context.bot, context.services.settings.media_dir)
    sent: list[tuple[Part, Sent]] = []
    try:
        for part in parts:
            sent.append((part, await sender.send(chat_id, part.message)))
    finally:
        await record(sent)


async def cmd_lessons(update: Update, context: Context) -> None:
    """/lessons: in private, per branch, the missed lessons (补学 buttons) and the studied ones."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await _to_private(message, context, t)
        return
    views = await context.services.makeup.lessons(person(update).telegram_user_id)
    if not views:
        await message.reply_text(texts.no_branch(t))
    for view in views:
        await message.reply_text(texts.branch_lessons(t, view), reply_markup=_lessons_keyboard(t, view))


async def on_page(update: Update, context: Context) -> None:
    """mk:page:<branch>:<page>"""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = MakeupPage.parse(query.data)
    branch_id, page = tap.branch, tap.page
    view = await context.services.makeup.branch_lessons(query.from_user.id, int(branch_id), int(page))
    t = await context.lang(update)
    await query.answer()
    await query.edit_message_text(texts.branch_lessons(t, view), reply_markup=_lessons_keyboard(t, view))


async def on_start(update: Update, context: Context) -> None:
    """mk:start:<group delivery>: the lesson again, here in private, credited as make-up (also from a nudge)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    t = await context.lang(update)
    if query.message is None or query.message.chat.type != Chat.PRIVATE:
        await answer_callback(query, texts.makeup_in_group(t), show_alert=True)
        return
    try:
        lesson = await context.services.makeup.start(person(update), MakeupStart.parse(query.data).delivery, label(t))
    except NotConcerned as refused:
        await answer_callback(query, texts.makeup_not_yours(t, refused.title), show_alert=True)
        return
    except NotFound:
        await answer_callback(query, texts.makeup_gone(t), show_alert=True)
        return
    await answer_callback(query, texts.makeup_sending(t, lesson.title))
    await context.bot.send_message(lesson.chat_id, texts.makeup_intro(t, lesson.title, lesson.already))
    await _send(context, lesson.chat_id, lesson.parts, context.services.makeup.record_sent)


async def cmd_review(update: Update, context: Context) -> None:
    """/review: every question the member still has wrong, asked again now."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    t = await context.lang(update)
    if chat.type != Chat.PRIVATE:
        await _to_private(message, context, t)
        return
    request = await context.services.reviews.on_demand(person(update))
    if not request.lessons:
        await message.reply_text(texts.nothing_to_review(t))
        return
    await message.reply_text(texts.review_start(t, request.questions))
    for lesson in request.lessons:
        await _send(context, lesson.chat_id, [intro_part(t, lesson), *lesson.polls],
                    context.services.reviews.record_sent)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [
        CommandHandler("lessons", cmd_lessons),
        CommandHandler("review", cmd_review),
        CallbackQueryHandler(on_start, pattern=MakeupStart.pattern),
        CallbackQueryHandler(on_page, pattern=MakeupPage.pattern),
    ]
