"""The engine as the service runs it: a due lesson schedule reaches the group, text first, then its quiz."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lesson_bot.bootstrap.app import Overrides, build_app
from lesson_bot.config import load_settings
from lesson_bot.db.models import Branch, Schedule
from lesson_bot.domain.enums import BranchStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tgsandbox import run_sandbox
from tgsandbox.limits import FloodConfig


async def test_a_due_lesson_arrives_in_the_group(sqlite_template: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-off lesson schedule due now: the group receives the lesson text and its three quiz polls, in order,
    as non-anonymous quizzes, with Telegram's flood limits on."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    db_file = tmp_path / "engine.db"
    shutil.copyfile(sqlite_template, db_file)
    async with run_sandbox(flood=FloodConfig(enabled=True, time_scale=10)) as sb:
        owner = (await sb.control.create_user("Li"))["id"]
        chat_id = int((await sb.control.create_group("一支部群", [owner]))["chat_id"])
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{db_file}", content_dir=REPO_ROOT / "content",
                                 bot_api_base_url=sb.base_url.removesuffix("/bot"), bot_token=sb.token)
        # The delivery engine alone, as `lesson-bot deliver` runs it.
        app = build_app(settings, Overrides(bot=False, time_scale=10))
        services = app.services
        await services.library.sync(settings.lessons_dir)
        async with services.db.transaction() as s:
            branch = Branch(chat_id=chat_id, title="一支部", timezone="Asia/Shanghai", locale="zh-Hans",
                            status=BranchStatus.ACTIVE, invite_code="b-engine")
            s.add(branch)
            await s.flush()
            s.add(Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, series="红色足迹", timezone="Asia/Shanghai",
                           recurrence=RecurrenceType.ONCE, rule={}, status=ScheduleStatus.ACTIVE,
                           starts_at=datetime.now(UTC) - timedelta(seconds=1)))
        async with app:
            await sb.control.wait_bot_messages(chat_id, after=0, count=4, timeout=30)
        messages = [m for m in (await sb.control.transcript(chat_id))["messages"] if m["from"]["is_bot"]]
        assert messages[0]["text"].startswith("中共一大")
        assert "红色足迹 · 第 1 课" in messages[0]["text"]
        polls = [m["poll"] for m in messages[1:]]
        assert len(polls) == 3 and all(p["type"] == "quiz" and not p["is_anonymous"] for p in polls)


async def test_a_lesson_missed_while_the_service_was_down_is_reported_not_sent(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lesson due 7 hours ago (grace: 6 hours) is never sent to the group; its secretary is told in private."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    db_file = tmp_path / "engine.db"
    shutil.copyfile(sqlite_template, db_file)
    async with run_sandbox(flood=FloodConfig(enabled=True, time_scale=10)) as sb:
        secretary = (await sb.control.create_user("Li"))["id"]
        await sb.control.start(secretary)
        chat_id = int((await sb.control.create_group("一支部群", [secretary]))["chat_id"])
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{db_file}", content_dir=REPO_ROOT / "content",
                                 bot_api_base_url=sb.base_url.removesuffix("/bot"), bot_token=sb.token)
        # The delivery engine alone, as `lesson-bot deliver` runs it.
        app = build_app(settings, Overrides(bot=False, time_scale=10))
        services = app.services
        await services.library.sync(settings.lessons_dir)
        branch = await services.branches.register(Person(secretary, "Li"), chat_id, "一支部", "Asia/Shanghai",
                                                  "zh-Hans", is_group_admin=True)
        await services.roster.start(Person(secretary, "Li"), None)
        async with services.db.transaction() as s:
            s.add(Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, series="红色足迹", timezone="Asia/Shanghai",
                           recurrence=RecurrenceType.ONCE, rule={}, status=ScheduleStatus.ACTIVE,
                           starts_at=datetime.now(UTC) - timedelta(hours=7)))
        before = len((await sb.control.transcript(secretary))["messages"])
        async with app:
            await sb.control.wait_bot_messages(secretary, after=before, count=1, timeout=30)
        notice = (await sb.control.transcript(secretary))["messages"][-1]["text"]
        assert "未能发送" in notice and "记为“错过”" in notice and "/deliveries" in notice
        group = [m for m in (await sb.control.transcript(chat_id))["messages"] if m["from"]["is_bot"]]
        assert group == []
