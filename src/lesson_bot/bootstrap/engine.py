"""Builds the delivery engine: its own plain Bot (no AIORateLimiter), the limiter, the leader, the periodic jobs."""

from __future__ import annotations

from lesson_bot.bot.app import SendingBot, build_sending_bot
from lesson_bot.bot.chat_events import BranchChatEvents
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts.lessons.nudges import NudgeTexts
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.engine import Engine
from lesson_bot.delivery.leader import Leadership
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.delivery.recorder import lesson_sent, survey_sent
from lesson_bot.delivery.ticks import ticks as record_ticks
from lesson_bot.services.container import Services
from lesson_bot.services.lessons.counts import CountTicker
from lesson_bot.services.lessons.nudge_ticks import NudgeJob
from lesson_bot.services.lessons.review_ticks import ReviewTicker
from lesson_bot.services.meetings.ticks import MeetingTicker
from lesson_bot.services.surveys.closing import tick_close_surveys


def build_engine(services: Services, token: str, api_root: str, *,
                 time_scale: float) -> tuple[Engine, SendingBot]:
    """The engine and the Bot it sends with (initialise the Bot before starting the engine, shut it down after).
    `time_scale` shrinks the limiter's windows, like the sandbox's (1.0 against Telegram)."""
    config = DispatcherConfig()
    bot = build_sending_bot(token, api_root, config.max_sending + 2)
    dispatcher = Dispatcher(services.db, TelegramSender(bot, services.settings.media_dir),
                            DeliveryLimiter(Limits(time_scale=time_scale)), services.clock,
                            BranchChatEvents(services, bot), config,
                            on_sent={"lesson": lesson_sent(services.clock), "survey": survey_sent(services.clock)},
                            metrics=services.metrics)
    planner = Planner(services.db, services.clock, PlannerConfig(), services.translator,
                      admin_chat_id=services.settings.admin_chat_id)
    counts = CountTicker(services.db, services.clock, services.translator)
    reviews = ReviewTicker(services.db, services.clock, services.translator)
    nudges = NudgeJob(services.nudges, services.db, services.clock, NudgeTexts(services.translator))
    meetings = MeetingTicker(services.db, services.clock, services.translator, services.meetings.types,
                             admin_chat_id=services.settings.admin_chat_id)

    async def close_surveys() -> int:
        return await tick_close_surveys(services.db, services.clock.now())

    engine = Engine(Leadership(services.db.engine), planner, dispatcher, services.db,
                    services.clock, services.translator, ticks=[counts.tick, reviews.tick, nudges,
                                                                    meetings.tick, close_surveys,
                                                                    services.reports.rollups.tick,
                                                                    *record_ticks(services.db, services.clock,
                                                                                  services.translator,
                                                                                  services.cadence,
                                                                                  services.meeting_makeup,
                                                                                  services.meetings.types)])
    return engine, bot
