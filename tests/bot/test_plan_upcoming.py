"""/plan schedules a whole series at a weekly slot; /upcoming lists what comes next, cancels and skips.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai (02:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from lesson_bot.db.models import AuditEntry, OutboxMessage
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.services.schedules.plans import LessonPlan
from tests.support.bot import Harness, at, registered_branch
from tests.support.wizards import buttons, press, weekly_congress_by_wizard

RED = ["中共一大：开天辟地的大事变", "南昌起义：打响第一枪", "古田会议：思想建党、政治建军",
       "遵义会议：生死攸关的转折点", "长征：理想信念的伟大远征"]


async def test_a_series_is_planned_by_buttons_and_delivered_in_order(harness: Harness) -> None:
    """Series, every Monday 20:00, as soon as possible: the preview names each lesson's date; the planner sends
    lesson 1 on the first Monday and lesson 2 on the next."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    [step] = await harness.say(chat_id, li, "/plan")
    assert step["text"].startswith("为“第一党支部”安排系列课程（第 1/4 步）")
    step = await press(harness, chat_id, step, li, "红色足迹")
    assert "系列：红色足迹，共 5 课" in step["text"]
    assert buttons(step)[:4] == ["每周一 20:00", "每周三 20:00", "每周五 20:00", "每周六 09:00"]
    step = await press(harness, chat_id, step, li, "每周一 20:00")
    assert "时间：每周一 20:00（Asia/Shanghai）" in step["text"]
    step = await press(harness, chat_id, step, li, "尽快开始")
    dates = ["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28", "2027-01-04"]
    for date, title in zip(dates, RED, strict=True):
        assert f"• {date}（周一）20:00 — {title}" in step["text"]
    done = await press(harness, chat_id, step, li, "确认")
    assert done["text"].startswith("✅ 已安排系列（#") and "红色足迹" in done["text"]
    assert "共 5 课，从 2026-12-07（周一）20:00 到 2027-01-04（周一）20:00。" in done["text"]

    planner = Planner(harness.services.db, harness.services.clock, PlannerConfig(), harness.services.translator)
    for day, title in [(7, RED[0]), (14, RED[1])]:
        at(harness, datetime(2026, 12, day, 12, 0, tzinfo=UTC))
        assert (await planner.tick()).planned == 1
        async with harness.services.db.transaction() as s:
            texts = [p["params"].get("text", "") for p in (await s.execute(
                select(OutboxMessage.payload).where(OutboxMessage.chat_id == chat_id))).scalars()]
        assert any(title in text for text in texts)


async def test_plan_by_typing_in_english_refuses_one_off_times_and_past_start_dates(harness: Harness) -> None:
    """A one-off time and a start date in the past are explained and the step stays; then a typed slot and date
    give a preview that starts on that date."""
    li = await harness.user("Li", language_code="en")
    await registered_branch(harness, li)
    await harness.start(li)
    [step] = await harness.say(li, li, "/plan")
    [step] = await harness.say(li, li, "红色足迹")  # by name: the series' number depends on the library
    assert "Series: 红色足迹, 5 lessons, one per occurrence in order." in step["text"]
    [step] = await harness.say(li, li, "tomorrow 20:00")
    assert step["text"].startswith("⚠️ Time: “tomorrow 20:00” is a single moment, but a series needs a repeating")
    assert "Which weekly time?" in step["text"]
    [step] = await harness.say(li, li, "every Wednesday 19:30")
    assert "Time: Every Wednesday at 19:30 (Asia/Shanghai)" in step["text"] and "From which day on?" in step["text"]
    [step] = await harness.say(li, li, "2026-11-01")
    assert step["text"].startswith("⚠️ Start date: 2026-11-01 is before today (2026-12-01).")
    [step] = await harness.say(li, li, "next week")
    assert step["text"].startswith("⚠️ Start date: “next week” is not a date.")
    [step] = await harness.say(li, li, "2026-12-14")
    assert f"• Wed 2026-12-16 19:30 — {RED[0]}" in step["text"]
    assert f"• Wed 2027-01-13 19:30 — {RED[4]}" in step["text"]
    done = await press(harness, li, step, li, "Confirm")
    assert done["text"].startswith("✅ Series planned (#")
    [listing] = await harness.say(li, li, "/upcoming")
    assert listing["text"].startswith("Coming up for 第一党支部 (time in Asia/Shanghai)")
    assert f"• Wed 2026-12-16 19:30 — {RED[0]}" in listing["text"]


async def test_upcoming_cancels_one_offs_at_once_and_recurring_ones_after_confirming(harness: Harness) -> None:
    """A one-off is cancelled by its button; a recurring one asks first, and back keeps it; a member is refused."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    chat_id = await registered_branch(harness, li, zhao)
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None
    schedules = harness.services.schedules
    once = await schedules.create(li, branch.id, LessonPlan(lesson_slug="red-long-march"), "明天 20:00")
    weekly = await schedules.create(li, branch.id, LessonPlan(series="红色足迹"), "每周五 20:00")
    [listing] = await harness.say(chat_id, li, "/upcoming")
    assert f"• 2026-12-02（周三）20:00 — {RED[4]} (#{once.id})" in listing["text"]
    assert f"• 2026-12-04（周五）20:00 — {RED[0]} (#{weekly.id})" in listing["text"]
    assert f"• 2026-12-11（周五）20:00 — {RED[1]} (#{weekly.id})" in listing["text"]
    assert buttons(listing) == [f"✖ 取消 #{once.id}", f"✖ 取消 #{weekly.id}", "⏭ 跳过 12-04"]

    data = listing["buttons"][0][0]["callback_data"]
    refused = await harness.tap(chat_id, listing["message_id"], zhao, data)
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"

    shown = await press(harness, chat_id, listing, li, f"取消 #{once.id}")
    assert shown["text"].startswith(f"已取消排期 #{once.id}。") and f"(#{once.id})" not in shown["text"]
    shown = await press(harness, chat_id, shown, li, f"取消 #{weekly.id}")
    assert shown["text"].startswith(f"取消排期 #{weekly.id}（红色足迹，每周五 20:00（Asia/Shanghai））？")
    shown = await press(harness, chat_id, shown, li, "返回")
    assert f"(#{weekly.id})" in shown["text"]
    shown = await press(harness, chat_id, shown, li, f"取消 #{weekly.id}")
    shown = await press(harness, chat_id, shown, li, "确认取消")
    assert shown["text"].startswith(f"已取消排期 #{weekly.id}。")
    assert "“第一党支部”目前没有待推送的课程。" in shown["text"] and not shown.get("buttons")


async def test_skipping_a_day_moves_the_series_on_and_cancelling_withdraws_what_is_queued(harness: Harness) -> None:
    """Skip the next Friday: the series' first lesson moves a week on. Once lesson 1 is queued, cancelling the
    schedule withdraws its queued messages."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None
    weekly = await harness.services.schedules.create(li, branch.id, LessonPlan(series="红色足迹"), "每周五 20:00")
    [listing] = await harness.say(chat_id, li, "/upcoming")
    shown = await press(harness, chat_id, listing, li, "跳过 12-04")
    assert shown["text"].startswith("跳过 2026-12-04？本支部当天所有定期课程都不推送")
    shown = await press(harness, chat_id, shown, li, "确认跳过")
    assert shown["text"].startswith("2026-12-04 不推送任何定期课程。")
    assert f"• 2026-12-11（周五）20:00 — {RED[0]} (#{weekly.id})" in shown["text"]
    assert "2026-12-04（周五）" not in shown["text"]

    # 30 seconds before 20:00 on the 11th: within the planner's lookahead, so lesson 1 is queued but not sent.
    at(harness, datetime(2026, 12, 11, 11, 59, 30, tzinfo=UTC))
    services = harness.services
    assert (await Planner(services.db, services.clock, PlannerConfig(), services.translator).tick()).rows > 0
    [listing] = await harness.say(chat_id, li, "/upcoming")
    shown = await press(harness, chat_id, listing, li, f"取消 #{weekly.id}")
    shown = await press(harness, chat_id, shown, li, "确认取消")
    assert shown["text"].startswith(f"已取消排期 #{weekly.id}，撤回了")
    async with harness.services.db.transaction() as s:
        statuses = set((await s.execute(select(OutboxMessage.status))).scalars())
    assert statuses == {OutboxStatus.CANCELLED}


async def test_a_stale_confirm_of_a_cancelled_schedule_says_so_and_changes_nothing(harness: Harness) -> None:
    """Two /upcoming listings both ask to cancel the weekly schedule; the first confirm cancels it, the second
    (stale) confirm says it is already cancelled, and only one cancel is audited."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None
    weekly = await harness.services.schedules.create(li, branch.id, LessonPlan(series="红色足迹"), "每周五 20:00")
    [first] = await harness.say(chat_id, li, "/upcoming")
    [second] = await harness.say(chat_id, li, "/upcoming")
    stale = await press(harness, chat_id, second, li, f"取消 #{weekly.id}")
    confirm = await press(harness, chat_id, first, li, f"取消 #{weekly.id}")
    done = await press(harness, chat_id, confirm, li, "确认取消")
    assert done["text"].startswith(f"已取消排期 #{weekly.id}。")
    again = await press(harness, chat_id, stale, li, "确认取消")
    assert again["text"].startswith(f"排期 #{weekly.id} 已取消，无需再操作。\n")
    assert "“第一党支部”目前没有待推送的课程。" in again["text"] and not again.get("buttons")
    async with harness.services.db.transaction() as s:
        details = [e.detail for e in (await s.execute(select(AuditEntry).where(
            AuditEntry.action == "schedule.manage").order_by(AuditEntry.id))).scalars()]
    assert [d for d in details if "cancelled_schedule" in d] == [
        {"admin": False, "cancelled_schedule": weekly.id, "rows": 0}]
    assert harness.unhandled() == []


async def test_calling_off_one_meeting_of_a_series_points_to_upcoming_to_stop_it(harness: Harness) -> None:
    """/meetings calls off this week's meeting of a weekly series: the answer says the series goes on and that
    /upcoming stops it; /upcoming then offers exactly that."""
    h = harness
    li = await h.user("Li")
    chat_id = await registered_branch(h, li)
    series = await weekly_congress_by_wizard(h, li)
    [listing] = await h.say(chat_id, li, "/meetings")
    asked = await press(h, chat_id, listing, li, "取消")
    done = await press(h, chat_id, asked, li, "确定取消")
    assert "周期性系列照常进行：下一次会议将照常召集。如需停止整个系列，请用 /upcoming。" in done["text"]
    [upcoming] = await h.say(chat_id, li, "/upcoming")
    assert buttons(upcoming) == [f"⏹ 停止定期会议 #{series}"]
    assert h.unhandled() == []
