"""A schedule the planner cannot compute is marked once, reported once to its secretaries and the admin chat through
the outbox, and skipped from then on without a log line per tick; the other schedules go on as before."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from lesson_bot.db.models import Branch, Member, Membership, OutboxMessage, Schedule
from lesson_bot.db.uow import Database
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import (
    BranchStatus,
    MembershipSource,
    MembershipStatus,
    RecurrenceType,
    Role,
    ScheduleKind,
    ScheduleStatus,
)
from lesson_bot.domain.recurrence import RecurrenceError
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.schedules import broken

# Monday 2026-11-30 20:00 in Shanghai is 12:00 UTC.
FIRST = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECRETARY, ADMIN_CHAT = 5001, 9001


async def _branch_with_schedules(db: Database) -> dict[str, int]:
    """A branch whose secretary started the bot (English), with three weekly series: one sound, one whose rule was
    corrupted in the database (weekday 9), one whose zone no longer exists. The schedules' ids by name."""
    weekly: dict[str, Any] = {"days": [0], "time": "20:00"}
    async with db.transaction() as s:
        branch = Branch(chat_id=-1001, title="一支部", timezone="Asia/Shanghai", locale="zh-Hans",
                        status=BranchStatus.ACTIVE, invite_code="b-test")
        secretary = Member(telegram_user_id=SECRETARY, full_name="Li", locale="en", started_bot_at=FIRST)
        s.add_all([branch, secretary])
        await s.flush()
        s.add(Membership(branch_id=branch.id, member_id=secretary.id, role=Role.SECRETARY,
                         status=MembershipStatus.ACTIVE, source=MembershipSource.JOIN, joined_at=FIRST))
        ids = {}
        for name, zone, rule in [("sound", "Asia/Shanghai", weekly),
                                 ("corrupted", "Asia/Shanghai", {"days": [9], "time": "20:00"}),
                                 ("zone_gone", "Asia/Atlantis", weekly)]:
            schedule = Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, series="红色足迹", timezone=zone,
                                recurrence=RecurrenceType.WEEKLY, rule=rule, starts_at=FIRST - timedelta(days=1),
                                status=ScheduleStatus.ACTIVE)
            s.add(schedule)
            await s.flush()
            ids[name] = schedule.id
        return ids


async def _reports(db: Database) -> dict[tuple[int, int], str]:
    """The reports queued: (schedule id, chat) -> text."""
    async with db.transaction() as s:
        rows = (await s.execute(select(OutboxMessage.dedupe_key, OutboxMessage.chat_id, OutboxMessage.payload)
                                .where(OutboxMessage.dedupe_key.like("broken:%")))).all()
    return {(int(key.split(":")[1]), chat): payload["params"]["text"] for key, chat, payload in rows}


async def test_a_broken_schedule_is_marked_and_reported_once_and_the_others_go_on(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """The corrupted rule and the vanished zone are each marked and reported to the secretary (in English, her
    language) and the admin chat (the default, zh-Hans), saying which schedule, what is wrong and what to do; the
    sound series still delivers. The next tick queues nothing more and logs nothing; a second replica marking the
    same schedule adds nothing."""
    ids = await _branch_with_schedules(db)
    clock = FixedClock(FIRST)
    planner = Planner(db, clock, PlannerConfig(), Translator(), admin_chat_id=ADMIN_CHAT)
    with caplog.at_level(logging.WARNING, logger="lesson_bot"):
        report = await planner.tick()
    assert report.planned == 1  # the sound series' first lesson
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"schedule {ids['corrupted']} cannot be computed", f"schedule {ids['zone_gone']} cannot be computed"]
    reports = await _reports(db)
    assert set(reports) == {(ids[name], chat) for name in ("corrupted", "zone_gone")
                            for chat in (SECRETARY, ADMIN_CHAT)}
    assert reports[ids["corrupted"], SECRETARY] == (
        f"⚠️ Schedule #{ids['corrupted']} (红色足迹) of “一支部” cannot be delivered: its repeat rule in the database "
        "is damaged (rule.days: day_invalid). Nothing more will be sent from it. Cancel it in /upcoming and schedule "
        "it again.")
    assert reports[ids["zone_gone"], ADMIN_CHAT] == (
        f"⚠️ “一支部”的排期 #{ids['zone_gone']}（红色足迹）无法推送：其时区“Asia/Atlantis”已无法识别。"
        "此后不会再从它推送任何内容。请在 /upcoming 中取消它，然后重新安排。")
    async with db.transaction() as s:
        marks = dict((await s.execute(select(Schedule.id, Schedule.broken_at))).all())
        reason = (await s.get(Schedule, ids["zone_gone"]))
        assert reason is not None
        assert reason.broken_reason == {"field": "timezone", "problem": "timezone_unknown",
                                        "params": {"value": "Asia/Atlantis"}}
    assert marks == {ids["sound"]: None, ids["corrupted"]: FIRST, ids["zone_gone"]: FIRST}

    caplog.clear()
    clock.set(FIRST + timedelta(days=7))
    with caplog.at_level(logging.INFO, logger="lesson_bot"):
        again = await planner.tick()
    assert (again.planned, caplog.records) == (1, [])  # the sound series' lesson 2; not a word about the broken
    assert len(await _reports(db)) == 4
    async with db.transaction() as s:  # another replica found it broken in the same moment
        assert await broken.mark(s, ids["corrupted"], RecurrenceError("rule.days", "day_invalid"), clock.now(),
                                 Translator(), ADMIN_CHAT) == 0
    assert len(await _reports(db)) == 4


async def test_a_cancelled_broken_schedule_is_not_marked_and_a_secretary_who_blocked_the_bot_is_not_written_to(
        db: Database) -> None:
    """Only the admin chat hears of a broken schedule whose secretary blocked the bot; a schedule cancelled
    meanwhile is neither marked nor reported."""
    ids = await _branch_with_schedules(db)
    async with db.transaction() as s:
        await s.execute(update(Member).values(blocked_bot_at=FIRST))
        await s.execute(update(Schedule).where(Schedule.id == ids["zone_gone"]).values(status=ScheduleStatus.CANCELLED))
    await Planner(db, FixedClock(FIRST), PlannerConfig(), Translator(), admin_chat_id=ADMIN_CHAT).tick()
    assert set(await _reports(db)) == {(ids["corrupted"], ADMIN_CHAT)}
    async with db.transaction() as s:
        assert await broken.mark(s, ids["zone_gone"], RecurrenceError("timezone", "timezone_unknown"), FIRST,
                                 Translator(), ADMIN_CHAT) == 0
        cancelled = await s.get(Schedule, ids["zone_gone"])
        assert cancelled is not None and cancelled.broken_at is None
