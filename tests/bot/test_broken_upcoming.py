"""A schedule or meeting series the engine cannot compute: its secretary is told once in private (through the outbox
and the sandbox), /upcoming shows it as broken with the reason instead of hiding it, and one tap ends it.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai (02:00 UTC).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from lesson_bot.db.models import OutboxMessage, Schedule
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.services.meetings.ticks import MeetingTicker
from lesson_bot.services.schedules.plans import LessonPlan
from tests.support.bot import Harness, registered_branch
from tests.support.engine import lesson_engine
from tests.support.wizards import TOPIC, buttons, press, weekly_congress_by_wizard


async def _private(h: Harness, user: int) -> list[str]:
    """What the bot wrote to `user` in private, oldest first."""
    messages: list[dict[str, Any]] = (await h.control.transcript(user))["messages"]
    return [m["text"] for m in messages if m["from"]["is_bot"]]


async def _reports(h: Harness) -> list[str]:
    async with h.services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.like("broken:%")))).scalars())


async def test_a_corrupted_lesson_schedule_is_reported_once_listed_as_broken_and_cancelled(harness: Harness) -> None:
    """A weekly series whose rule was corrupted in the database: /upcoming shows it as broken with the reason at once;
    the planner tells Li once in private which schedule, what is wrong and what to do (a second tick sends nothing);
    the listing's cancel button ends it without a confirm."""
    h = harness
    li = await h.user("Li")
    chat = await registered_branch(h, li)
    await h.start(li)
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    weekly = await h.services.schedules.create(li, branch.id, LessonPlan(series="红色足迹"), "每周五 20:00")
    async with h.services.db.transaction() as s:
        await s.execute(update(Schedule).values(rule={"days": [9], "time": "20:00"}))

    reason = "数据库中的重复规则已损坏（rule.days：day_invalid）"
    [listing] = await h.say(chat, li, "/upcoming")
    assert f"⚠️ 已失效\n#{weekly.id} 红色足迹 — 已失效：{reason}。\n以上各项不会再推送任何内容。" in listing["text"]
    assert buttons(listing) == [f"✖ 取消 #{weekly.id}"]

    before = await _private(h, li)
    planner = Planner(h.services.db, h.services.clock, PlannerConfig(), h.services.translator)
    async with lesson_engine(h.sb, h.services) as engine:
        for _ in range(2):
            await planner.tick()
            await engine.dispatcher.settle()
    assert (await _private(h, li))[len(before):] == [
        f"⚠️ “第一党支部”的排期 #{weekly.id}（红色足迹）无法推送：{reason}。此后不会再从它推送任何内容。"
        "请在 /upcoming 中取消它，然后重新安排。"]

    [listing] = await h.say(chat, li, "/upcoming")
    assert f"#{weekly.id} 红色足迹 — 已失效：{reason}。" in listing["text"]  # marked now: the same
    done = await press(h, chat, listing, li, f"取消 #{weekly.id}")
    assert done["text"].startswith(f"已取消排期 #{weekly.id}。")
    assert "已失效" not in done["text"] and not done.get("buttons")


async def test_a_meeting_series_whose_zone_is_gone_is_reported_once_and_stopped_from_upcoming(
        harness: Harness) -> None:
    """A weekly 支部党员大会 series whose zone no longer exists: the meetings' tick marks it and queues one private
    report to Li (a second tick none); /upcoming lists it as broken, not as a series with a next date; its stop
    button stops it, and the meeting it had called stays."""
    h = harness
    li = await h.user("Li")
    chat = await registered_branch(h, li)
    series = await weekly_congress_by_wizard(h, li)
    async with h.services.db.transaction() as s:
        await s.execute(update(Schedule).where(Schedule.id == series).values(timezone="Asia/Atlantis"))
    ticker = MeetingTicker(h.services.db, h.services.clock, h.services.translator, h.services.meetings.types)
    await ticker.tick()
    await ticker.tick()
    assert await _reports(h) == [f"broken:{series}:{li}"]
    async with h.services.db.transaction() as s:
        text = (await s.execute(select(OutboxMessage.payload).where(
            OutboxMessage.dedupe_key.like("broken:%")))).scalar_one()["params"]["text"]
    assert text == (f"⚠️ “第一党支部”的定期会议 #{series}（支部党员大会“{TOPIC}”）无法召集下一次会议："
                    "其时区“Asia/Atlantis”已无法识别。此后不会再由它召集会议；已召集的会议保持不变。"
                    "请在 /upcoming 中停止它，再用 /meeting 重新设置定期会议。")

    [listing] = await h.say(chat, li, "/upcoming")
    assert (f"定期会议 #{series} 支部党员大会“{TOPIC}” — 已失效：其时区“Asia/Atlantis”已无法识别。"
            in listing["text"])
    assert "下次：" not in listing["text"]
    assert buttons(listing) == [f"⏹ 停止定期会议 #{series}"]
    done = await press(h, chat, listing, li, "停止定期会议")
    assert done["text"].startswith(f"⏹ 已停止定期会议 #{series}（支部党员大会）：不再召集新的会议。")
    assert f"• 2026-12-03（周四）19:30 — 支部党员大会：{TOPIC}" in done["text"] and "已失效" not in done["text"]
