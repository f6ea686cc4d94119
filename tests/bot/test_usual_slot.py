"""A routine weekly lesson in four taps: the /schedule wizard offers the branch's usual slot (the weekday and time
most of its lessons go out at) as its first time, on the next such day that has no lesson yet.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai (02:00 UTC).
"""

from __future__ import annotations

from lesson_bot.services.schedules.views import LessonPlan
from tests.support.bot import Harness, registered_branch
from tests.support.wizards import buttons, press


async def test_the_usual_slot_is_the_first_preset_and_the_lesson_takes_four_taps(harness: Harness) -> None:
    """Two lessons already go out on Thursdays at 19:00 (3 and 10 December): the time step offers Thursday 17
    December 19:00 first; series, lesson, that preset and confirm schedule it."""
    h = harness
    li = await h.user("Li")
    chat = await registered_branch(h, li)
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    lessons = (await h.services.schedules.catalog(li, branch.id)).find_series("红色足迹")
    assert lessons is not None
    for lesson, when in zip(lessons.lessons, ("2026-12-03 19:00", "2026-12-10 19:00"), strict=False):
        await h.services.schedules.create(li, branch.id, LessonPlan(lesson_slug=lesson.slug), when)

    taps = 0
    [step] = await h.say(chat, li, "/schedule")
    for label in ("红色足迹", "遵义会议"):
        step = await press(h, chat, step, li, label)
        taps += 1
    assert buttons(step)[0] == "⭐ 常用时间：2026-12-17（周四）19:00"
    assert buttons(step)[1:4] == ["今晚 20:00", "明天 20:00", "2026-12-05（周六）09:00"]
    step = await press(h, chat, step, li, "常用时间")
    taps += 1
    assert "• 2026-12-17（周四）19:00" in step["text"]
    done = await press(h, chat, step, li, "确认")
    taps += 1
    assert done["text"].startswith("✅ 已排课（#") and "下一次：2026-12-17（周四）19:00" in done["text"]
    assert taps == 4  # series, lesson, the usual slot, confirm

    [step] = await h.say(chat, li, "/plan")  # a whole series: the usual slot as its weekly slot
    step = await press(h, chat, step, li, "红色足迹")
    assert buttons(step)[:2] == ["⭐ 常用时间：每周四 19:00", "每周一 20:00"]
    assert h.unhandled() == []


async def test_a_branch_without_lessons_has_no_usual_slot(harness: Harness) -> None:
    """The first lesson of a branch: the presets are the usual four, nothing invented."""
    h = harness
    li = await h.user("Li")
    chat = await registered_branch(h, li)
    [step] = await h.say(chat, li, "/schedule")
    step = await press(h, chat, step, li, "红色足迹")
    step = await press(h, chat, step, li, "遵义会议")
    assert buttons(step)[:4] == ["今晚 20:00", "明天 20:00", "2026-12-05（周六）09:00", "每周一 20:00"]
