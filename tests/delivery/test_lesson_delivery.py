"""A planned lesson reaches the group with its check-in button, media and quiz; the live count follows the taps.

Planner, dispatcher (with the lesson on-sent hook), count ticker and recorder on a real SQLite file, sending
through python-telegram-bot to the sandbox. The clock is a FixedClock the tests move (the 15-second bound, the
7-day window), so the sandbox's flood model is off here: a 429 would defer a row to a time that clock never
reaches. Pacing under the flood model is proven in test_dispatcher.py; here the bound is the ticker's own.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import telegram
from sqlalchemy import select

from lesson_bot.bootstrap.services import build_services
from lesson_bot.bot.sender import TelegramSender
from lesson_bot.config import load_settings
from lesson_bot.db.models import Lesson, LessonDelivery, LessonVersion, MediaFile, OutboxMessage, QuizPoll, Schedule
from lesson_bot.delivery.dispatcher import Dispatcher, DispatcherConfig
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from lesson_bot.delivery.recorder import lesson_sent
from lesson_bot.domain.enums import OutboxStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.domain.messages import from_payload
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.container import Services
from lesson_bot.services.lessons.counts import CountTicker
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.delivery import Events
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig

TIME_SCALE = 20.0


@dataclass
class Rig:
    sb: Sandbox
    services: Services
    clock: FixedClock
    planner: Planner
    dispatcher: Dispatcher
    ticker: CountTicker
    sender: TelegramSender


@dataclass
class Group:
    chat_id: int
    branch_id: int
    people: list[Person]


@pytest.fixture
async def rig(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    target = tmp_path / "lessons.db"
    shutil.copyfile(sqlite_template, target)
    async with run_sandbox(flood=FloodConfig(enabled=False)) as sb:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{target}", content_dir=REPO_ROOT / "content",
                                 bot_api_base_url=sb.base_url.removesuffix("/bot"))
        clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
        services = build_services(settings, clock)
        await services.library.sync(settings.lessons_dir)
        async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url) as bot:
            sender = TelegramSender(bot, settings.media_dir)
            dispatcher = Dispatcher(services.db, sender, DeliveryLimiter(Limits(time_scale=TIME_SCALE)), clock,
                                    Events(), DispatcherConfig(backoff_s=0.05, backoff_max_s=0.5),
                                    on_sent={"lesson": lesson_sent(clock)})
            planner = Planner(services.db, clock, PlannerConfig(), services.translator)
            yield Rig(sb, services, clock, planner, dispatcher, CountTicker(services.db, clock, services.translator),
                      sender)
        await services.db.dispose()


async def _group(rig: Rig, title: str, names: list[str]) -> Group:
    """A group registered as a branch by its first person; everyone in it is on the roster."""
    people = []
    for name in names:
        user = await rig.sb.control.create_user(name, username=f"{name.lower()}{title[-1]}")
        people.append(Person(int(user["id"]), name, user["username"]))
    chat_id = int((await rig.sb.control.create_group(title, [p.telegram_user_id for p in people]))["chat_id"])
    branch = await rig.services.branches.register(people[0], chat_id, title, "Asia/Shanghai", "zh-Hans",
                                                  is_group_admin=True)
    for person in people[1:]:
        await rig.services.roster.seen(chat_id, person)
    return Group(chat_id, branch.id, people)


async def _deliver(rig: Rig, group: Group, slug: str) -> LessonDelivery:
    """Schedule the lesson for now, plan it and send everything; the group's delivery row."""
    async with rig.services.db.transaction() as s:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == slug))).scalar_one()
        s.add(Schedule(branch_id=group.branch_id, kind=ScheduleKind.LESSON, lesson_id=lesson.id,
                       timezone="Asia/Shanghai", recurrence=RecurrenceType.ONCE, rule={},
                       status=ScheduleStatus.ACTIVE, starts_at=rig.clock.now() - timedelta(seconds=1)))
    assert (await rig.planner.tick()).planned == 1
    await rig.dispatcher.settle()
    async with rig.services.db.transaction() as s:
        return (await s.execute(select(LessonDelivery).where(LessonDelivery.chat_id == group.chat_id))).scalar_one()


async def _bot_messages(rig: Rig, chat_id: int) -> list[dict[str, Any]]:
    messages = (await rig.sb.control.transcript(chat_id))["messages"]
    return [m for m in messages if m["from"]["is_bot"] and not m["service"]]


async def test_a_lesson_arrives_with_its_button_media_and_quiz_and_is_recorded(rig: Rig) -> None:
    """The lesson text ends with the "✅ 已学习" button, then its picture, then its quiz polls; the delivery (its
    message, time, roster of 3), its polls (Telegram ids, correct options) and the picture's file_id are recorded."""
    group = await _group(rig, "消防一队", ["Li", "Zhao", "Sun"])
    delivery = await _deliver(rig, group, "fire-extinguisher-use")
    messages = await _bot_messages(rig, group.chat_id)
    texts = [m for m in messages if "media" not in m and "poll" not in m]
    [photo] = [m for m in messages if "media" in m]
    polls = [m for m in messages if "poll" in m]
    assert [m["message_id"] for m in messages] == sorted(m["message_id"] for m in messages)
    async with rig.services.db.transaction() as s:
        quiz = (await s.get(LessonVersion, delivery.lesson_version_id)).quiz  # type: ignore[union-attr]
    assert messages.index(photo) == len(texts) and len(polls) == len(quiz) > 0
    assert texts[-1]["buttons"] == [[{"text": "✅ 已学习", "callback_data": f"ls:done:{delivery.id}"}]]
    assert all(m["buttons"] == [] for m in [*texts[:-1], photo, *polls])
    assert (delivery.message_id, delivery.expected_count, delivery.delivered_at) == (
        texts[-1]["message_id"], 3, rig.clock.now())
    async with rig.services.db.transaction() as s:
        recorded = (await s.execute(select(QuizPoll).order_by(QuizPoll.question_index))).scalars().all()
        media = (await s.execute(select(MediaFile))).scalar_one()
    assert [(q.telegram_poll_id, q.message_id) for q in recorded] == [(m["poll"]["id"], m["message_id"]) for m in polls]
    assert [q.correct_option for q in recorded] == [m["poll"]["correct_option_ids"][0] for m in polls]
    assert (media.telegram_file_id, media.kind) == (photo["media"]["file_id"], "photo")


async def test_the_same_picture_is_uploaded_once_and_then_sent_by_file_id(rig: Rig) -> None:
    """A second branch getting the same lesson receives the picture by the file_id of the first upload."""
    first = await _group(rig, "消防一队", ["Li", "Zhao"])
    await _deliver(rig, first, "fire-extinguisher-use")
    second = await _group(rig, "消防二队", ["Qian", "Wu"])
    await _deliver(rig, second, "fire-extinguisher-use")
    async with rig.services.db.transaction() as s:
        photos = (await s.execute(select(OutboxMessage.chat_id, OutboxMessage.payload).where(
            OutboxMessage.kind == "lesson"))).all()
    params = {chat: p["params"]["photo"] for chat, p in photos if p["method"] == "sendPhoto"}
    assert params[first.chat_id] == {"path": "extinguisher-gauge.png"}
    [first_photo] = [m for m in await _bot_messages(rig, first.chat_id) if "media" in m]
    [second_photo] = [m for m in await _bot_messages(rig, second.chat_id) if "media" in m]
    assert params[second.chat_id] == first_photo["media"]["file_id"] == second_photo["media"]["file_id"]


async def test_the_live_count_is_edited_in_batches_at_most_every_15_seconds(rig: Rig) -> None:
    """Three taps make one edit ("✅ 已学习 3/4"); a tap 5 s later waits for the 15-second bound; while an edit is
    on its way no second one is queued; with nothing new, nothing is edited."""
    group = await _group(rig, "一支部", ["Li", "Zhao", "Sun", "Zhou"])
    delivery = await _deliver(rig, group, "red-first-congress")
    recorder = rig.services.participation

    async def label() -> str:
        [lesson] = [m for m in await _bot_messages(rig, group.chat_id) if m["message_id"] == delivery.message_id]
        return str(lesson["buttons"][0][0]["text"])

    for person in group.people[:3]:
        await recorder.record_checkin(delivery.id, group.chat_id, person)
    assert await rig.ticker.tick() == 1
    assert await rig.ticker.tick() == 0  # one edit per change, not one per tick
    await rig.dispatcher.settle()
    assert await label() == "✅ 已学习 3/4"
    rig.clock.set(rig.clock.now() + timedelta(seconds=5))
    await recorder.record_checkin(delivery.id, group.chat_id, group.people[3])
    assert await rig.ticker.tick() == 0  # the last edit was 5 s ago
    rig.clock.set(rig.clock.now() + timedelta(seconds=10))
    assert await rig.ticker.tick() == 1  # queued, not yet sent
    stranger = Person(777001, "Wang")
    await recorder.record_checkin(delivery.id, group.chat_id, stranger)
    rig.clock.set(rig.clock.now() + timedelta(seconds=15))
    assert await rig.ticker.tick() == 0  # the previous edit is still open
    await rig.dispatcher.settle()
    assert await label() == "✅ 已学习 4/4"
    assert await rig.ticker.tick() == 1
    await rig.dispatcher.settle()
    assert await label() == "✅ 已学习 5/5"  # the stranger joined the roster by tapping
    rig.clock.set(rig.clock.now() + timedelta(seconds=60))
    assert await rig.ticker.tick() == 0
    async with rig.services.db.transaction() as s:
        edits = (await s.execute(select(OutboxMessage.status).where(OutboxMessage.kind == "count"))).scalars().all()
    assert edits == [OutboxStatus.SENT] * 3


async def test_lessons_older_than_a_week_keep_their_last_count(rig: Rig) -> None:
    """A tap on a lesson delivered eight days ago is recorded but its button is no longer edited."""
    group = await _group(rig, "一支部", ["Li", "Zhao"])
    delivery = await _deliver(rig, group, "red-first-congress")
    rig.clock.set(rig.clock.now() + timedelta(days=8))
    outcome = await rig.services.participation.record_checkin(delivery.id, group.chat_id, group.people[1])
    assert (outcome.status, outcome.count) == ("recorded", 1)
    assert await rig.ticker.tick() == 0


async def test_an_edit_that_changes_nothing_counts_as_done(rig: Rig) -> None:
    """Telegram's "message is not modified" for a repeated count edit is success, not a failure to retry."""
    group = await _group(rig, "一支部", ["Li"])
    delivery = await _deliver(rig, group, "red-first-congress")
    [lesson] = [m for m in await _bot_messages(rig, group.chat_id) if m["message_id"] == delivery.message_id]
    payload = {"method": "editMessageReplyMarkup",
               "params": {"message_id": delivery.message_id, "reply_markup": {"inline_keyboard": lesson["buttons"]}}}
    sent = await rig.sender.send(group.chat_id, from_payload(payload))
    assert sent.message_id == delivery.message_id
