"""Builds the delivery engine for a running bot: its own plain Bot (no AIORateLimiter), the limiter, the leader."""

from __future__ import annotations

from telegram import Bot

from lesson_bot.bootstrap import Services
from lesson_bot.bot.app import api_urls
from lesson_bot.bot.chat_events import BranchChatEvents
from lesson_bot.bot.request import AiohttpRequest
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts.lessons.nudges import NudgeTexts
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.engine import Engine
from lesson_bot.delivery.leader import Leadership
from lesson_bot.delivery.planner import Planner
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.delivery.recorder import lesson_sent, survey_sent
from lesson_bot.delivery.ticks import ticks as record_ticks
from lesson_bot.services.lessons.counts import CountTicker
from lesson_bot.services.lessons.nudge_ticks import NudgeJob
from lesson_bot.services.lessons.review_ticks import ReviewTicker
from lesson_bot.services.meetings.ticks import MeetingTicker
from lesson_bot.services.surveys.closing import tick_close_surveys


def build_engine(services: Services, token: str, api_root: str, *, time_scale: float = 1.0) -> tuple[Engine, Bot]:
    """The engine and the Bot it sends with (initialise the Bot before starting the engine, shut it down after)."""
    base_url, base_file_url = api_urls(api_root)
    config = DispatcherConfig()
    # aiohttp, as for the Application: a send costs httpx about a millisecond of CPU, which a burst of taps pays
    # for every live-count edit it causes (docs/ingest.md).
    bot = Bot(token, base_url=base_url, base_file_url=base_file_url,
              request=AiohttpRequest(connection_pool_size=config.max_sending + 2))
    dispatcher = Dispatcher(services.db, TelegramSender(bot, services.settings.media_dir),
                            DeliveryLimiter(Limits(time_scale=time_scale)), services.clock,
                            BranchChatEvents(services, bot), config,
                            on_sent={"lesson": lesson_sent(services.clock), "survey": survey_sent(services.clock)})
    planner = Planner(services.db, services.clock, translator=services.translator)
    counts = CountTicker(services.db, services.clock, services.translator)
    reviews = ReviewTicker(services.db, services.clock, services.translator)
    nudges = NudgeJob(services.nudges, services.db, services.clock, NudgeTexts(services.translator))
    meetings = MeetingTicker(services.db, services.clock, services.translator, services.meetings.types)

    async def close_surveys() -> int:
        return await tick_close_surveys(services.db, services.clock.now())

    engine = Engine(Leadership(services.db.engine), planner, dispatcher, services.db,
                    services.clock, services.translator, ticks=[counts.tick, reviews.tick, nudges,
                                                                    meetings.tick, close_surveys,
                                                                    *record_ticks(services.db, services.clock,
                                                                                  services.translator,
                                                                                  services.cadence,
                                                                                  services.meeting_makeup,
                                                                                  services.meetings.types)])
    return engine, bot
