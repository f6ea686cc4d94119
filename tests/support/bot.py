"""The real bot (python-telegram-bot Application, polling) against the sandbox, on a real migrated database,
and what a person does with it: register a branch, press buttons, move the clock."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lesson_bot.bootstrap.app import App, Overrides, build_app
from lesson_bot.bot.app import BotApplication
from lesson_bot.config import load_settings
from lesson_bot.domain.enums import (
    PartyStatus,
)
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.container import Services
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.records import ABSENT, HOST, ON_LEAVE, OUTSIDER, PROBATIONARY, RECORDER, SEC
from tgsandbox import ControlClient, Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig

ADMIN_ID = 990001
TIME_SCALE = 60.0  # the reply limiter's minute is a second here


class _Errors(logging.Handler):
    """Collects what the bot's error handler logs as unhandled."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Harness:
    """The running bot and sandbox, and the people a test created (a plain class: hypothesis prints its repr).

    `system` is the whole process as bootstrap assembles it; its delivery engine is built (its Bot ready) but
    not started: a test runs it when it wants it (system.engine.run_once(), start()).
    """

    def __init__(self, sb: Sandbox, system: App, errors: _Errors, barrier_user: int) -> None:
        self.sb = sb
        self.system = system
        self.services: Services = system.services
        assert system.bot is not None
        self.app: BotApplication = system.bot
        self.errors = errors
        self.barrier_user = barrier_user
        self.people: dict[str, int] = {}

    @property
    def control(self) -> ControlClient:
        return self.sb.control

    async def user(self, name: str, *, language_code: str = "zh-hans", username: str | None = None) -> int:
        created = await self.control.create_user(name, username=username or name.lower(), language_code=language_code)
        self.people[name] = created["id"]
        return int(created["id"])

    async def say(self, chat_id: int, user_id: int, text: str, *, replies: int = 1,
                  reply_to: int | None = None) -> list[dict[str, Any]]:
        """A person writes; the bot's next `replies` messages in that chat."""
        sent = await self.control.send(chat_id, user_id, text, reply_to=reply_to)
        return await self.bot_messages(chat_id, sent["message_id"], replies)

    async def bot_messages(self, chat_id: int, after: int, count: int = 1) -> list[dict[str, Any]]:
        ids = (await self.control.wait_bot_messages(chat_id, after=after, count=count))["message_ids"]
        transcript = (await self.control.transcript(chat_id))["messages"]
        by_id = {m["message_id"]: m for m in transcript}
        return [by_id[i] for i in ids]

    async def start(self, user_id: int, payload: str | None = None) -> dict[str, Any]:
        """A person starts the bot in private; the bot's welcome."""
        before = await self.last_message_id(user_id)
        await self.control.start(user_id, payload)
        return (await self.bot_messages(user_id, before))[0]

    async def tap(self, chat_id: int, message_id: int, user_id: int, data: str) -> dict[str, Any]:
        """A person taps a button; the bot's answer to the tap."""
        pressed = await self.control.press(chat_id, message_id, user_id, data=data)
        return dict(await self.control.wait_callback_answered(pressed["callback_query_id"]))

    async def last_message_id(self, chat_id: int) -> int:
        transcript = (await self.control.transcript(chat_id))["messages"]
        return int(transcript[-1]["message_id"]) if transcript else 0

    async def barrier(self) -> None:
        """Wait until the bot has handled every update sent so far: the sandbox saw them all fetched and
        confirmed, so they are in the bot's queue, and python-telegram-bot marks each done once handled."""
        await self.control.wait_updates_taken()
        await self.app.update_queue.join()

    def __repr__(self) -> str:
        return f"Harness({self.sb.base_url})"

    def unhandled(self) -> list[str]:
        return [r.getMessage()[:300] for r in self.errors.records]


async def start_harness(
    db_url: str, *, default_locale: str = "zh-Hans", content_dir: Path = REPO_ROOT / "content",
    admin_chat: bool = False, **overrides: object,
) -> AsyncGenerator[Harness, None]:
    """The bot polling a fresh sandbox. With `admin_chat`, the admin (ADMIN_ID) started the bot beforehand and
    their private chat is the admin chat."""
    async with run_sandbox(flood=FloodConfig(enabled=False)) as sb:
        if admin_chat:
            await sb.control.create_user("Admin", username="adm", user_id=ADMIN_ID)
            await sb.control.start(ADMIN_ID)
        settings = load_settings(database_url=db_url, admin_ids=str(ADMIN_ID), default_locale=default_locale,
                                 bot_api_base_url=sb.base_url.removesuffix("/bot"), content_dir=content_dir,
                                 admin_chat_id=ADMIN_ID if admin_chat else None, bot_token=sb.token,
                                 db_upgrade_on_start=False, **overrides)
        system = build_app(settings, Overrides(clock=FixedClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
                                               time_scale=TIME_SCALE, polling=True, poll_timeout=timedelta(seconds=1),
                                               start_engine=False))
        errors = _Errors()
        logging.getLogger("lesson_bot").addHandler(errors)
        try:
            async with system:
                barrier = (await sb.control.create_user("Barrier", username="barrier"))["id"]
                await sb.control.start(barrier)
                harness = Harness(sb, system, errors, barrier)
                await harness.bot_messages(barrier, 0)  # the /start welcome: the bot is up
                yield harness
        finally:
            logging.getLogger("lesson_bot").removeHandler(errors)


async def registered_branch(h: Harness, secretary: int, *members: int, bot_admin: bool = True) -> int:
    """A group registered as a branch by `secretary` via `/register 名称` and the default zone."""
    group = await h.control.create_group("一支部群", [secretary, *members], bot_admin=bot_admin)
    chat_id = int(group["chat_id"])
    await h.bot_messages(chat_id, 0)
    [ask_zone] = await h.say(chat_id, secretary, "/register 第一党支部")
    await h.tap(chat_id, ask_zone["message_id"], secretary, ask_zone["buttons"][0][0]["callback_data"])
    await h.bot_messages(chat_id, ask_zone["message_id"])
    return chat_id


START = datetime(2026, 12, 3, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


def at(h: Harness, moment: datetime) -> None:
    clock = h.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(moment)


async def upgrade_group(h: Harness, chat_id: int, by: int) -> int:
    """The group becomes a supergroup and the bot has handled it (the branch follows); the new chat id."""
    new_chat = int((await h.control.migrate(chat_id, by=by))["chat_id"])
    await h.barrier()
    branch = await h.services.branches.by_chat(new_chat)
    assert branch is not None
    return new_chat


async def started_committee_branch(h: Harness, secretary_language: str = "zh-hans") -> int:
    """一支部 with its secretary and six members who all opened the branch's link; five on the committee."""
    for p in (SEC, HOST, RECORDER, PROBATIONARY, ON_LEAVE, ABSENT, OUTSIDER):
        await h.control.create_user(p.full_name, username=p.username, user_id=p.telegram_user_id,
                                    language_code=secretary_language if p is SEC else "zh-hans")
    group = await h.control.create_group("一支部群", [p.telegram_user_id for p in (SEC, HOST, RECORDER)])
    branch = await h.services.branches.register(SEC, int(group["chat_id"]), "一支部", "Asia/Shanghai", "zh-Hans",
                                                is_group_admin=True)
    await h.start(SEC.telegram_user_id)
    for p in (HOST, RECORDER, PROBATIONARY, ON_LEAVE, ABSENT, OUTSIDER):
        await h.start(p.telegram_user_id, branch.invite_code)
        await h.services.roster.update_member(
            SEC.telegram_user_id, branch.id, p.telegram_user_id, is_committee=p is not OUTSIDER,
            party_status=PartyStatus.PROBATIONARY if p is PROBATIONARY else PartyStatus.FULL)
    return branch.id


MEETING_START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai; the harness clock is 1 Dec 02:00


@asynccontextmanager
async def running_engine(h: Harness) -> AsyncIterator[None]:
    """The delivery engine beside the bot, as `lesson-bot run` has it."""
    h.system.engine.start()
    try:
        yield
    finally:
        await h.system.engine.stop()


async def private_messages(h: Harness, who: Person, after: int, count: int = 1) -> list[dict[str, Any]]:
    """What the bot said to `who` in private after message `after`."""
    return await h.bot_messages(who.telegram_user_id, after, count)


async def tap_button(h: Harness, who: Person, message: dict[str, Any], row: int = 0, col: int = 0) -> dict[str, Any]:
    """`who` taps a button of a message in their private chat; the bot's answer to the tap."""
    return await h.tap(who.telegram_user_id, message["message_id"], who.telegram_user_id,
                       message["buttons"][row][col]["callback_data"])


async def roster_text(h: Harness, chat_id: int, user: int) -> str:
    """What /roster answers `user` in `chat_id`."""
    [reply] = await h.say(chat_id, user, "/roster")
    return str(reply["text"])
