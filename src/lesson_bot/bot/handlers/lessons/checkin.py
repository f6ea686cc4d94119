"""A lesson in the group: the "✅ 已学习" check-in button and the answers to its quiz polls.

Both go to the participation recorder, which batches them (services/participation/recorder.py); the handlers make no
query of their own (the recorder's outcome carries the language to answer in), so a burst of taps costs a few
transactions and the answers ride back in the webhook replies. In webhook mode they usually arrive as `Tap`s read
straight from the JSON (bot/taps.py); in polling mode, and for anything the webhook leaves to python-telegram-bot,
through the handlers below. Both ways run `checkin` and `answer`.
"""

from __future__ import annotations

from telegram import Bot, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, PollAnswerHandler

from lesson_bot.bot import taps
from lesson_bot.bot.context import Context
from lesson_bot.bot.taps import Tap
from lesson_bot.bot.texts.lessons import checkin as texts
from lesson_bot.bot.webhook_reply import answer_tap
from lesson_bot.domain.callbacks import LessonDone
from lesson_bot.services.container import Services
from lesson_bot.services.participation.recorder import RecordFailed


async def checkin(services: Services, bot: Bot, tap: Tap) -> None:
    """ls:done:<delivery id>: a member says they studied the lesson."""
    try:
        outcome = await services.participation.record_checkin(LessonDone.parse(tap.data).delivery, tap.chat_id,
                                                              tap.person)
    except RecordFailed:  # already logged with the request by the recorder; the member is asked to tap again
        t = services.translator.lang(tap.person.language_code)
        await answer_tap(bot, tap.query_id, texts.record_failed(t), show_alert=True)
        return
    text, alert = texts.checkin_answer(services.translator.lang(outcome.locale), outcome)
    await answer_tap(bot, tap.query_id, text, show_alert=alert)


async def answer(services: Services, tap: Tap) -> None:
    """An answer to a quiz poll the bot sent; Telegram lets nobody reply to it, so nothing is said."""
    await services.participation.record_answer(tap.poll_id, tap.person, tap.option_ids)


async def on_checkin(update: Update, context: Context) -> None:
    tap = taps.of_update(update)
    assert tap is not None  # registered for taps with LessonDone data only
    await checkin(context.services, context.bot, tap)


async def on_poll_answer(update: Update, context: Context) -> None:
    tap = taps.of_update(update)
    if tap is None:  # voted as a chat (an anonymous admin): there is no member to credit
        return
    await answer(context.services, tap)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CallbackQueryHandler(on_checkin, pattern=LessonDone.pattern), PollAnswerHandler(on_poll_answer)]
