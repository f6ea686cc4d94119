"""/schedule: a secretary schedules a lesson in Telegram, by buttons or typed answers; bad answers keep the step.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai (02:00 UTC).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from lesson_bot.db.models import OutboxMessage
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.services.clock import FixedClock
from tests.support import REPO_ROOT
from tests.support.bot import Harness, at, registered_branch, start_harness
from tests.support.wizards import as_shown, buttons, press


async def test_a_lesson_is_scheduled_by_buttons_in_the_group_and_the_planner_delivers_it(harness: Harness) -> None:
    """Series, lesson (with its summary), the 明天 20:00 preset, preview, confirm: at that time it is queued."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    [step] = await harness.say(chat_id, li, "/schedule")
    assert step["text"].startswith("为“第一党支部”排课（第 1/4 步）")
    assert "红色足迹（5 课）" in step["text"] and "红色足迹（5）" in buttons(step)
    step = await press(harness, chat_id, step, li, "红色足迹")
    assert "选择“红色足迹”中的一课" in step["text"]
    assert "1935年1月中共中央政治局在贵州遵义召开扩大会议" in step["text"]  # each lesson's summary is listed
    assert "4. 遵义会议：生死攸关的转折点" in buttons(step)
    step = await press(harness, chat_id, step, li, "遵义会议")
    assert "课程：遵义会议：生死攸关的转折点" in step["text"] and "Asia/Shanghai 时间" in step["text"]
    assert buttons(step)[:4] == ["今晚 20:00", "明天 20:00", "2026-12-05（周六）09:00", "每周一 20:00"]
    step = await press(harness, chat_id, step, li, "明天 20:00")
    assert "请核对后确认" in step["text"] and "• 2026-12-02（周三）20:00" in step["text"]
    assert "2026年12月2日 20:00（Asia/Shanghai），仅一次" in step["text"]
    done = await press(harness, chat_id, step, li, "确认")
    assert done["text"].startswith("✅ 已排课（#") and "遵义会议：生死攸关的转折点" in done["text"]
    assert "下一次：2026-12-02（周三）20:00" in done["text"] and not done.get("buttons")

    [listing] = await harness.say(chat_id, li, "/upcoming")
    assert "• 2026-12-02（周三）20:00 — 遵义会议：生死攸关的转折点" in listing["text"]
    [again] = await harness.say(chat_id, li, "/schedule")
    again = await press(harness, chat_id, again, li, "红色足迹")
    assert "🗓 4. 遵义会议：生死攸关的转折点" in buttons(again)  # marked as scheduled for this branch

    at(harness, harness.services.clock.now().replace(day=2, hour=12))  # 20:00 in Shanghai
    services = harness.services
    report = await Planner(services.db, services.clock, PlannerConfig(), services.translator).tick()
    assert report.planned == 1
    async with harness.services.db.transaction() as s:
        chats = set((await s.execute(select(OutboxMessage.chat_id))).scalars())
    assert chats == {chat_id}
    assert harness.unhandled() == []


async def test_typed_answers_in_private_in_english_and_bad_ones_keep_the_step(harness: Harness) -> None:
    """In private (English): typed series, lesson and times; unknown lessons, nonsense and past times are explained
    and the wizard stays on that step until a good answer comes."""
    li = await harness.user("Li", language_code="en")
    await registered_branch(harness, li)
    await harness.start(li)
    [step] = await harness.say(li, li, "/schedule")
    assert step["text"].startswith("Schedule a lesson for 第一党支部 (step 1 of 4)")
    [step] = await harness.say(li, li, "没有这个系列")
    assert step["text"].startswith("⚠️ Series: there is no series “没有这个系列”.")
    assert "Which series?" in step["text"]
    [step] = await harness.say(li, li, "红色足迹")
    assert "Which lesson of “红色足迹”?" in step["text"]
    [step] = await harness.say(li, li, "9")
    assert step["text"].startswith("⚠️ Lesson: there is no lesson “9” in this series.")
    assert "Which lesson of “红色足迹”?" in step["text"]
    [step] = await harness.say(li, li, "2")
    assert "Lesson: 南昌起义：打响第一枪" in step["text"] and "1927年8月1日" in step["text"]
    [step] = await harness.say(li, li, "someday")
    assert step["text"].startswith("⚠️ Time: “someday” has no time of day.")
    assert "When should it be sent?" in step["text"] and "Tomorrow 20:00" in buttons(step)
    [step] = await harness.say(li, li, "2026-11-30 19:30")
    assert step["text"].startswith("⚠️ Time: 2026-11-30 19:30 is in the past (it is 2026-12-01 10:00 now).")
    [step] = await harness.say(li, li, "2026-02-30 19:30")
    assert step["text"].startswith("⚠️ Time: “2026-02-30” is not a date that exists.")
    [step] = await harness.say(li, li, "every Monday 20:00")
    assert "Every Monday at 20:00 (Asia/Shanghai)" in step["text"]
    assert "• Mon 2026-12-07 20:00" in step["text"] and "• Mon 2026-12-14 20:00" in step["text"]
    assert "The same lesson is sent each time" in step["text"]
    [step] = await harness.say(li, li, "whatever")
    assert step["text"].startswith("⚠️ Please use the buttons below.")
    done = await press(harness, li, step, li, "Confirm")
    assert done["text"].startswith("✅ Scheduled (#") and "南昌起义：打响第一枪" in done["text"]
    assert "Next: Mon 2026-12-07 20:00" in done["text"]


async def test_back_cancel_and_old_buttons(harness: Harness) -> None:
    """Back returns to the previous question; buttons of an earlier message do nothing; cancel schedules nothing."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    [first] = await harness.say(chat_id, li, "/schedule")
    step = await press(harness, chat_id, first, li, "红色足迹")
    step = await press(harness, chat_id, step, li, "古田会议")
    assert "课程：古田会议" in step["text"]
    step = await press(harness, chat_id, step, li, "返回")
    assert "选择“红色足迹”中的一课" in step["text"]
    [typed] = await harness.say(chat_id, li, "3")  # typed: a new message; the old one loses its buttons
    assert "课程：古田会议" in typed["text"]
    assert not (await as_shown(harness, chat_id, step["message_id"])).get("buttons")
    done = await press(harness, chat_id, typed, li, "取消")
    assert done["text"] == "已取消，没有排任何课程。"
    [listing] = await harness.say(chat_id, li, "/upcoming")
    assert listing["text"].startswith("“第一党支部”目前没有待推送的课程。")


async def test_only_secretaries_may_schedule(harness: Harness) -> None:
    """A member's /schedule and /plan are refused, saying who may; the secretary's wizard ignores their taps."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    chat_id = await registered_branch(harness, li, zhao)
    [refused] = await harness.say(chat_id, zhao, "/schedule")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    [refused] = await harness.say(chat_id, zhao, "/plan")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    [step] = await harness.say(chat_id, li, "/schedule")
    data = next(b["callback_data"] for row in step["buttons"] for b in row)
    answer = await harness.tap(chat_id, step["message_id"], zhao, data)
    assert answer["text"] == "只有发起此操作的人才能使用这些按钮。"
    await harness.barrier()
    assert (await as_shown(harness, chat_id, step["message_id"]))["text"] == step["text"]  # the wizard did not move


def _long_series(target: Path) -> Path:
    """A content folder with one series of ten lessons (copies of one lesson under new ids)."""
    source = (REPO_ROOT / "content" / "lessons" / "red" / "red-first-congress.md").read_text(encoding="utf-8")
    lessons = target / "lessons"
    lessons.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "content" / "media", target / "media")
    for n in range(1, 11):
        text = (source.replace("id: red-first-congress", f"id: long-{n:02d}")
                .replace("series: 红色足迹", "series: 长系列").replace("position: 1", f"position: {n}")
                .replace("title: 中共一大：开天辟地的大事变", f"title: 第{n}课"))
        (lessons / f"long-{n:02d}.md").write_text(text, encoding="utf-8")
    return target


async def test_a_long_series_is_paged(sqlite_template: Path, tmp_path: Path) -> None:
    """Eight lessons to a page; the next page shows the rest, and a lesson there can be chosen."""
    db = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, db)
    async for h in start_harness(f"sqlite+aiosqlite:///{db}", content_dir=_long_series(tmp_path / "content")):
        li = await h.user("Li")
        chat_id = await registered_branch(h, li)
        [step] = await h.say(chat_id, li, "/schedule")
        step = await press(h, chat_id, step, li, "长系列")
        assert "第 1/2 页" in step["text"]
        assert [b for b in buttons(step) if "第" in b] == [f"{n}. 第{n}课" for n in range(1, 9)]
        step = await press(h, chat_id, step, li, "下一页")
        assert "第 2/2 页" in step["text"] and "10. 第10课" in buttons(step) and "◀ 上一页" in buttons(step)
        step = await press(h, chat_id, step, li, "10. 第10课")
        assert "课程：第10课" in step["text"]


async def test_a_secretary_of_two_branches_picks_one_in_private(harness: Harness) -> None:
    """In private, a secretary of two branches first picks the branch; back from the series returns to that
    choice, and /upcoming asks the same question."""
    li = await harness.user("Li")
    await registered_branch(harness, li)
    second = await harness.control.create_group("二支部群", [li], bot_admin=True)
    second_chat = int(second["chat_id"])
    await harness.bot_messages(second_chat, 0)
    [ask] = await harness.say(second_chat, li, "/register 第二党支部")
    await press(harness, second_chat, ask, li, "Asia/Shanghai")
    await harness.start(li)
    [step] = await harness.say(li, li, "/schedule")
    assert step["text"] == "排课：为哪个支部排课？"
    assert buttons(step) == ["第一党支部", "第二党支部", "✖ 取消"]
    step = await press(harness, li, step, li, "第二党支部")
    assert step["text"].startswith("为“第二党支部”排课（第 1/4 步）") and "◀ 返回" in buttons(step)
    step = await press(harness, li, step, li, "返回")
    assert step["text"] == "排课：为哪个支部排课？"
    [typed] = await harness.say(li, li, "第二党支部")
    assert typed["text"].startswith("⚠️ 请使用下面的按钮。") and "第二党支部" in buttons(typed)
    [pick] = await harness.say(li, li, "/upcoming")
    shown = await press(harness, li, pick, li, "第二党支部")
    assert shown["text"].startswith("“第二党支部”目前没有待推送的课程。")


async def test_a_time_that_passes_before_confirming_is_refused_at_confirm(harness: Harness) -> None:
    """今晚 20:00 chosen, then the clock passes 20:00 before the tap on confirm: nothing is scheduled and the
    wizard is back at the time question, saying why, with only future presets."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    clock = harness.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now().replace(hour=11, minute=50))  # 19:50 in Shanghai
    [step] = await harness.say(chat_id, li, "/schedule")
    step = await press(harness, chat_id, step, li, "纪律与作风")
    step = await press(harness, chat_id, step, li, "中央八项规定")
    step = await press(harness, chat_id, step, li, "今晚 20:00")
    clock.set(clock.now().replace(hour=12, minute=5))  # 20:05
    step = await press(harness, chat_id, step, li, "确认")
    assert step["text"].startswith("⚠️ 时间：2026-12-01 20:00 已经过去（现在是 2026-12-01 20:05）。请选择更晚的时间。")
    assert "什么时候推送？" in step["text"] and buttons(step)[0] == "明天 20:00"
    [listing] = await harness.say(chat_id, li, "/upcoming")
    assert listing["text"].startswith("“第一党支部”目前没有待推送的课程。")
