"""Builds the python-telegram-bot Application: typed context, defaults, handlers in one ordered place."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from lesson_bot.bot import commands, errors, observe
from lesson_bot.bot.context import BotData, Context
from lesson_bot.bot.edits import IdempotentEditBot
from lesson_bot.bot.handlers import dashboard, dialog_taps, fallbacks, private, replies
from lesson_bot.bot.handlers import reports as report_handlers
from lesson_bot.bot.handlers.branches import membership, register, roster
from lesson_bot.bot.handlers.lessons import checkin as lessons
from lesson_bot.bot.handlers.lessons import deliveries, imports, makeup, progress
from lesson_bot.bot.handlers.meetings import cadence as cadence_handlers
from lesson_bot.bot.handlers.meetings import calls as meetings
from lesson_bot.bot.handlers.meetings import listing as meeting_list
from lesson_bot.bot.handlers.meetings import makeup as meeting_makeup
from lesson_bot.bot.handlers.meetings import records
from lesson_bot.bot.handlers.meetings import review as record_review
from lesson_bot.bot.handlers.schedules import wizard as schedule
from lesson_bot.bot.handlers.surveys import commands as surveys
from lesson_bot.bot.ordering import BoundedUpdateQueue, PerChatUpdateProcessor
from lesson_bot.bot.request import AiohttpRequest
from lesson_bot.bot.texts.admin import library_problems
from lesson_bot.services.container import Services
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND, GROUP_MESSAGES_PER_MINUTE

log = logging.getLogger(__name__)
REPLY_RETRIES = 3

BotApplication = Application[IdempotentEditBot, Context, dict[Any, Any], dict[Any, Any], BotData, Any]
SendingBot = Bot  # the delivery engine's own Bot: no reply limiter (the engine has its own), no handlers

# chat_member must be asked for explicitly: Telegram's default set leaves it out. Not `poll`: every vote on our
# quizzes would come twice (poll state + poll_answer), a third of a quiz burst's updates, and no handler needs it.
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.POLL_ANSWER,
    Update.CHAT_MEMBER,
    Update.MY_CHAT_MEMBER,
]


def api_urls(root: str) -> tuple[str, str]:
    """python-telegram-bot's base_url and base_file_url for a Bot API server root."""
    root = root.rstrip("/")
    return f"{root}/bot", f"{root}/file/bot"


def build_sending_bot(token: str, api_root: str, connections: int) -> SendingBot:
    """The delivery engine's Bot, with `connections` kept-alive (initialise it before the engine starts, shut it
    down after the engine stopped)."""
    base_url, base_file_url = api_urls(api_root)
    # aiohttp, as for the Application: a send costs httpx about a millisecond of CPU, which a burst of taps pays
    # for every live-count edit it causes (docs/ingest.md).
    # Its getUpdates request is never used, but python-telegram-bot would build an httpx client for it, whose TLS
    # context (the CA bundle read and parsed) was 5 % of the start-up's CPU: an idle aiohttp one costs nothing.
    return Bot(token, base_url=base_url, base_file_url=base_file_url,
               request=AiohttpRequest(connection_pool_size=connections),
               get_updates_request=AiohttpRequest(connection_pool_size=1))


def build_application(
    services: Services, token: str, api_root: str, *, updater: bool = True, time_scale: float = 1.0
) -> BotApplication:
    """The bot, wired to the services. `updater=False` for webhook mode, where the web app feeds updates.

    `time_scale` shrinks the reply limiter's windows, like the sandbox's (tests and benchmarks only).
    """
    base_url, base_file_url = api_urls(api_root)
    bot = IdempotentEditBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)),
        # Direct replies stay within Telegram's limits and ride out a 429 instead of failing the handler.
        # (Broadcasts go through the delivery engine's own limiter.)
        rate_limiter=AIORateLimiter(
            overall_max_rate=GLOBAL_MESSAGES_PER_SECOND,
            overall_time_period=1 / time_scale,
            group_max_rate=GROUP_MESSAGES_PER_MINUTE,
            group_time_period=60 / time_scale,
            max_retries=REPLY_RETRIES,
        ),
        # aiohttp instead of httpx: in polling mode every tap is answered by a request of its own (bot/request.py).
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .concurrent_updates(PerChatUpdateProcessor(metrics=services.metrics))
    )
    # Polling: python-telegram-bot's updater fills the queue; a bounded one holds a burst back (bot/ordering.py).
    builder = builder.update_queue(BoundedUpdateQueue()) if updater else builder.updater(None)
    application: BotApplication = builder.build()
    application.bot_data.services = services
    _register(application)
    return application


def _register(application: BotApplication) -> None:
    """Every handler, in order. Group -1 records who is in the group and never blocks group 0."""
    application.add_handlers(membership.handlers(), group=-1)
    application.add_handlers(records.input_handlers(), group=-2)  # an open /record draft takes its messages
    application.add_handlers(imports.input_handlers(), group=-3)  # so does an open /import or /quiz
    # The lesson's check-in taps and quiz answers first: they are nearly every update of a burst, and
    # python-telegram-bot asks each handler of the group in turn (no other handler takes `ls:done` taps or poll
    # answers). Meetings before private: its /start deep links (mtl…, mti…) must be taken before the invite-code
    # /start.
    application.add_handlers([*lessons.handlers(), *fallbacks.cancel_handlers(),
                              *register.handlers(), *meetings.handlers(),
                              *private.handlers(), *roster.handlers(), *deliveries.handlers(),
                              *makeup.handlers(),
                              *progress.handlers(),
                              *schedule.handlers(), *imports.handlers(),
                              *meeting_list.handlers(),
                              *records.handlers(), *meeting_makeup.handlers(), *cadence_handlers.handlers(),
                              *record_review.handlers(),
                              *surveys.handlers(),
                              *dashboard.handlers(),
                              *report_handlers.handlers(),
                              *replies.handlers(), *dialog_taps.handlers(),  # last: taps nothing else took
                              *fallbacks.unknown_handlers()])  # after every command handler
    application.add_handlers(meetings.text_handlers(), group=1)  # typed answers to meeting dialogs, beside others
    application.add_error_handler(errors.on_error)
    observe.name_callbacks(h for group in application.handlers.values() for h in group)  # for the log lines


async def prepare(application: BotApplication) -> None:
    """After initialize(), before taking updates: publish the command menus and load the lesson library.

    (Called by every way of running the bot; python-telegram-bot's post_init runs only under run_polling.)
    """
    services = application.bot_data.services
    # The menus' round trips and the library's load (in a thread) overlap: start-up waits for the longest alone.
    *_, status = await commands.together(
        commands.set_commands(application.bot, services.translator),
        commands.set_menu_button(application.bot, services.translator, services.web_sessions.app_url),
        services.library.sync(services.settings.lessons_dir),
    )
    log.info("lesson library: %d lessons loaded, %s", status.lessons, status.report.summary())
    if status.problems and services.settings.admin_chat_id is not None:
        t = services.translator.lang(None)
        await application.bot.send_message(services.settings.admin_chat_id, library_problems(t, status.problems))
