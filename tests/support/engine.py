"""The delivery engine's parts beside the bot harness, driven by the test: lessons planned and sent, meetings'
due steps, nudges."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import telegram
from sqlalchemy import select

from lesson_bot.bot.chat_events import BranchChatEvents
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.bot.texts.lessons.nudges import NudgeTexts
from lesson_bot.db.models import Lesson, LessonDelivery, Schedule
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.delivery.recorder import lesson_sent
from lesson_bot.domain.enums import RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.services.container import Services
from lesson_bot.services.lessons.counts import CountTicker
from lesson_bot.services.lessons.nudge_ticks import NudgeJob
from lesson_bot.services.meetings.ticks import MeetingTicker
from tests.support.bot import TIME_SCALE, Harness
from tests.support.delivery import Events
from tgsandbox import Sandbox


@dataclass
class Engine:
    planner: Planner
    dispatcher: Dispatcher
    ticker: CountTicker
    sender: TelegramSender


@contextlib.asynccontextmanager
async def lesson_engine(sb: Sandbox, services: Services) -> AsyncIterator[Engine]:
    """The delivery engine's parts as bootstrap/engine.py wires them, without the leader loop (the test drives them)."""
    async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url) as bot:
        sender = TelegramSender(bot, services.settings.media_dir)
        dispatcher = Dispatcher(services.db, sender, DeliveryLimiter(Limits(time_scale=60)), services.clock,
                                Events(), DispatcherConfig(), on_sent={"lesson": lesson_sent(services.clock)})
        yield Engine(Planner(services.db, services.clock, PlannerConfig(), services.translator), dispatcher,
                     CountTicker(services.db, services.clock, services.translator), sender)


async def schedule_lesson_now(services: Services, chat_id: int, slug: str = "red-first-congress") -> None:
    """A one-off lesson schedule starting now in the branch of `chat_id` (what /schedule writes), not planned yet."""
    branch = await services.branches.by_chat(chat_id)
    assert branch is not None
    async with services.db.transaction() as s:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == slug))).scalar_one()
        s.add(Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, lesson_id=lesson.id, timezone="Asia/Shanghai",
                       recurrence=RecurrenceType.ONCE, rule={}, status=ScheduleStatus.ACTIVE,
                       starts_at=services.clock.now() - timedelta(seconds=1)))


async def send_lesson_now(services: Services, engine: Engine, chat_id: int, slug: str = "red-first-congress") -> int:
    """Schedule the lesson for now in the branch of `chat_id`, plan and send it; the delivery id."""
    await schedule_lesson_now(services, chat_id, slug)
    await engine.planner.tick()
    await engine.dispatcher.settle()
    async with services.db.transaction() as s:
        return int((await s.execute(select(LessonDelivery.id).where(LessonDelivery.chat_id == chat_id))).scalar_one())


async def lesson_message(sb: Sandbox, chat_id: int) -> dict[str, Any]:
    """The bot's message carrying the check-in button."""
    messages = (await sb.control.transcript(chat_id))["messages"]
    message: dict[str, Any]
    [message] = [m for m in messages if m["buttons"] and m["buttons"][0][0]["callback_data"].startswith("ls:done:")]
    return message


@asynccontextmanager
async def nudge_engine(h: Harness) -> AsyncIterator[tuple[NudgeJob, Dispatcher]]:
    """The nudge job and a dispatcher wired as bot/engine.py wires them, sending to the sandbox."""
    async with telegram.Bot(h.sb.token, base_url=h.sb.base_url, base_file_url=h.sb.base_file_url) as bot:
        services = h.services
        dispatcher = Dispatcher(services.db, TelegramSender(bot), DeliveryLimiter(Limits(time_scale=TIME_SCALE)),
                                services.clock, BranchChatEvents(services, bot), DispatcherConfig())
        yield NudgeJob(services.nudges, services.db, services.clock, NudgeTexts(services.translator)), dispatcher


async def send_due_meetings(h: Harness) -> None:
    """What the engine does on its tick: the meetings' due steps, then every queued message sent."""
    services = h.services
    await MeetingTicker(services.db, services.clock, services.translator, services.meetings.types).tick()
    dispatcher = Dispatcher(services.db, TelegramSender(h.app.bot), DeliveryLimiter(Limits(time_scale=TIME_SCALE)),
                            services.clock, BranchChatEvents(services, h.app.bot), DispatcherConfig())
    await dispatcher.settle()
