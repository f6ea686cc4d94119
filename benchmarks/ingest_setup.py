"""What the members of the ingestion benchmark tap and answer: lessons delivered to every group.

For lesson_bot the lessons go the product's way: branches registered, members on the roster, one-off schedules,
the real planner and dispatcher (the engine bootstrap.app.build_app builds) sending them to the sandbox; the taps'
targets are then read back from the deliveries and quiz polls the product recorded. The baseline bot knows no
lessons, so the driver sends it look-alike messages (a text with a check-in button, then quiz polls) straight
through the Bot API.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from ingest_rig import REPO_ROOT, SandboxProcess, World, bounded, progress
from lesson_bot.bootstrap.app import App, Overrides, build_app
from lesson_bot.config import load_settings
from lesson_bot.db.models import LessonDelivery, OutboxMessage, QuizPoll
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.services.container import Services
from lesson_bot.services.schedules.plans import LessonPlan
from lesson_bot.services.views import Person

TIMEZONE = "Asia/Shanghai"
SETUP_TIME_SCALE = 1000.0  # the engine's own limiter, shrunk: setup is not what is measured
SETUP_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class Lesson:
    """One lesson in one group: the message with the check-in button, its callback data, and its quiz polls."""

    chat_id: int
    message_id: int
    data: str
    polls: tuple[str, ...]
    delivery_id: int | None = None


Targets = dict[int, list[Lesson]]  # chat id -> the lessons delivered there, in order


@dataclass(frozen=True)
class Actions:
    """One burst: taps [chat, message, user, data] and votes [poll id, user, [option]], in the order made."""

    items: list[tuple[str, list[Any]]]

    @property
    def taps(self) -> int:
        return sum(1 for kind, _ in self.items if kind == "tap")

    @property
    def votes(self) -> int:
        return len(self.items) - self.taps


def actions_for(world: World, targets: Targets, lessons: range, seed: int) -> Actions:
    """Every member checks in on each lesson and answers its first question, in a shuffled order across groups
    (members in 200 groups do not take turns); each member's own taps stay in lesson order."""
    per_member: list[list[tuple[str, list[Any]]]] = []
    rng = random.Random(seed)
    for chat_id, members in world.members.items():
        for user in members:
            mine: list[tuple[str, list[Any]]] = []
            for index in lessons:
                lesson = targets[chat_id][index]
                mine.append(("tap", [chat_id, lesson.message_id, user, lesson.data]))
                mine.append(("vote", [lesson.polls[0], user, [rng.randrange(3)]]))
            per_member.append(mine)
    # Interleave: repeatedly take the next action of a randomly chosen member who has some left.
    order = [i for i, mine in enumerate(per_member) for _ in mine]
    rng.shuffle(order)
    cursors = [0] * len(per_member)
    items: list[tuple[str, list[Any]]] = []
    for member in order:
        items.append(per_member[member][cursors[member]])
        cursors[member] += 1
    return Actions(items)


# --- the baseline's look-alike lessons ---------------------------------------------------------------------


async def send_plain_lessons(sandbox: SandboxProcess, world: World, count: int) -> Targets:
    """`count` lessons in every group, each a text with a check-in button and three quiz polls."""
    api = f"{sandbox.base_url}{sandbox.token}/"
    targets: Targets = {chat: [] for chat in world.groups}
    async with httpx.AsyncClient(timeout=30) as http:

        async def call(method: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = (await http.post(api + method, json=body)).json()
            if not answer.get("ok"):
                raise RuntimeError(f"{method} refused: {answer}")
            return dict(answer["result"])

        async def one_group(chat_id: int) -> None:
            for number in range(count):
                data = f"ls:done:{chat_id}:{number}"
                keyboard = {"inline_keyboard": [[{"text": "✅ 已学习", "callback_data": data}]]}
                message = await call("sendMessage", {"chat_id": chat_id, "text": f"第{number + 1}课",
                                                     "reply_markup": keyboard})
                polls = []
                for question in range(3):
                    sent = await call("sendPoll", {"chat_id": chat_id, "question": f"问题 {question + 1}",
                                                   "options": ["甲", "乙", "丙"], "type": "quiz",
                                                   "correct_option_ids": [1], "is_anonymous": False})
                    polls.append(str(sent["poll"]["id"]))
                targets[chat_id].append(Lesson(chat_id, int(message["message_id"]), data, tuple(polls)))

        await bounded([one_group(chat) for chat in world.groups], 8)
    return targets


# --- lesson_bot's own lessons ------------------------------------------------------------------------------


class ShiftedClock:
    """The real time moved by `offset`: schedules are made 'earlier', so that they are due the moment we plan."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def product_engine(db_url: str, sandbox: SandboxProcess, admin: int, clock: ShiftedClock) -> App:
    """The delivery engine alone (as `lesson-bot deliver`), not started: the setup starts it once all is planned."""
    settings = load_settings(database_url=db_url, bot_token=sandbox.token, bot_api_base_url=sandbox.api_root,
                             admin_ids=str(admin), content_dir=REPO_ROOT / "content")
    return build_app(settings, Overrides(clock=clock, bot=False, time_scale=SETUP_TIME_SCALE, start_engine=False))


async def _slugs(services: Services, count: int) -> list[str]:
    from lesson_bot.db.models import Lesson as LessonRow

    async with services.db.transaction() as s:
        slugs = list((await s.execute(select(LessonRow.slug).where(LessonRow.active.is_(True))
                                      .order_by(LessonRow.slug))).scalars())
    if len(slugs) < count:
        raise RuntimeError(f"the library has {len(slugs)} lessons; {count} are needed")
    return slugs[:count]


async def deliver_product_lessons(db_url: str, sandbox: SandboxProcess, world: World, count: int) -> Targets:
    """`count` lessons in every group, the product's way: registered branches, rosters, schedules, the engine."""
    # The engine's periodic job may be cut short when the setup stops it; that traceback is no result.
    logging.getLogger("apscheduler").setLevel(logging.CRITICAL)
    clock = ShiftedClock()
    app = product_engine(db_url, sandbox, world.admin, clock)
    services = app.services
    async with app:
        await services.library.sync(services.settings.lessons_dir)
        admin = Person(world.admin, "Admin", "ingest_admin")
        branches = await bounded([services.branches.register(admin, chat, f"第{n + 1}党支部", TIMEZONE, "zh-Hans",
                                                              is_group_admin=True)
                                  for n, chat in enumerate(world.groups)], 4)
        progress(f"{len(branches)} branches registered")
        await bounded([services.roster.seen(chat, Person(user, f"党员{user}"))
                       for chat, users in world.members.items() for user in users], 4)
        progress("rosters filled")
        slugs = await _slugs(services, count)
        # Schedules are made as if it were a while ago, each lesson a minute apart, all due by now.
        now = datetime.now(UTC)
        clock.offset = -timedelta(minutes=count + 10)
        local = ZoneInfo(TIMEZONE)
        first_due = (now - timedelta(minutes=count + 2)).astimezone(local).replace(second=0, microsecond=0)
        await bounded([services.schedules.create(world.admin, branch.id, LessonPlan(lesson_slug=slug),
                                                 (first_due + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M"))
                       for branch in branches for n, slug in enumerate(slugs)], 4)
        clock.offset = timedelta(0)
        progress(f"{len(branches) * count} lessons scheduled")
        app.engine.start()
        try:
            await _until_sent(services, len(branches) * count)
        finally:
            await app.engine.stop()
        return await _targets(services, world)


async def _until_sent(services: Services, lessons: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETUP_TIMEOUT_S
    open_states = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)
    last = -1
    while loop.time() < deadline:
        async with services.db.transaction() as s:
            total = (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
            unsent = (await s.execute(select(func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.status.in_(open_states)))).scalar_one()
            delivered = (await s.execute(select(func.count()).select_from(LessonDelivery)
                                         .where(LessonDelivery.message_id.is_not(None)))).scalar_one()
        if total and not unsent and delivered >= lessons:
            return
        if total and total - unsent != last:
            last = total - unsent
            progress(f"setup: {last:,} of {total:,} lesson parts sent")
        await asyncio.sleep(1.0)  # the engine works in another task; checking its progress once a second is enough
    raise RuntimeError(f"the lessons were not delivered within {SETUP_TIMEOUT_S} s")


async def _targets(services: Services, world: World) -> Targets:
    async with services.db.transaction() as s:
        deliveries = (await s.execute(select(LessonDelivery).where(LessonDelivery.message_id.is_not(None))
                                      .order_by(LessonDelivery.chat_id, LessonDelivery.occurrence_id))).scalars().all()
        polls = (await s.execute(select(QuizPoll).order_by(QuizPoll.delivery_id, QuizPoll.question_index)))
        by_delivery: dict[int, list[str]] = {}
        for poll in polls.scalars():
            by_delivery.setdefault(poll.delivery_id, []).append(poll.telegram_poll_id)
    targets: Targets = {chat: [] for chat in world.groups}
    for delivery in deliveries:
        assert delivery.message_id is not None
        targets[delivery.chat_id].append(Lesson(delivery.chat_id, delivery.message_id, f"ls:done:{delivery.id}",
                                                tuple(by_delivery.get(delivery.id, ())), delivery.id))
    return targets
