"""A lesson in the group: the "✅ 已学习" check-in button and the answers to its quiz polls.

Both go to the participation recorder, which batches them (services/participation/recorder.py); the handlers make no
query of their own (the recorder's outcome carries the language to answer in), so a burst of taps costs a few
transactions and the answers ride back in the webhook replies.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, PollAnswerHandler

from lesson_bot.bot.context import Context, person
from lesson_bot.bot.texts.lessons import checkin as texts
from lesson_bot.bot.webhook_reply import answer_callback
from lesson_bot.domain.callbacks import LessonDone
from lesson_bot.services.participation.recorder import RecordFailed
from lesson_bot.services.views import Person


async def on_checkin(update: Update, context: Context) -> None:
    """ls:done:<delivery id>: a member says they studied the lesson."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat_id = query.message.chat.id if query.message is not None else None
    recorder = context.services.participation
    try:
        outcome = await recorder.record_checkin(LessonDone.parse(query.data).delivery, chat_id, person(update))
    except RecordFailed:  # already logged with the request by the recorder; the member is asked to tap again
        t = context.services.translator.lang(query.from_user.language_code)
        await answer_callback(query, texts.record_failed(t), show_alert=True)
        return
    text, alert = texts.checkin_answer(context.services.translator.lang(outcome.locale), outcome)
    await answer_callback(query, text, show_alert=alert)


async def on_poll_answer(update: Update, context: Context) -> None:
    """An answer to a quiz poll the bot sent; Telegram lets nobody reply to it, so nothing is said."""
    answer = update.poll_answer
    assert answer is not None
    if answer.user is None:  # voted as a chat (an anonymous admin): there is no member to credit
        return
    user = answer.user
    who = Person(user.id, user.full_name, user.username, user.language_code)
    await context.services.participation.record_answer(answer.poll_id, who, answer.option_ids)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CallbackQueryHandler(on_checkin, pattern=LessonDone.pattern), PollAnswerHandler(on_poll_answer)]
