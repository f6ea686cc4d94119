"""Clumsy answers to the scheduling wizard: a huge answer and a date in the year 9999 are named as problems, the
answer quotes at most a short piece of what was typed, and the wizard stays on its step."""

from __future__ import annotations

from tests.support.bot import Harness, registered_branch
from tgrules.limits import MESSAGE_TEXT_MAX


async def test_a_four_thousand_character_answer_is_quoted_short_and_the_step_stays(harness: Harness) -> None:
    """4,000 characters as the series: the error quotes 60 of them (ending with …) and asks again."""
    li = await harness.user("Li", language_code="en")
    await registered_branch(harness, li)
    await harness.start(li)
    await harness.say(li, li, "/schedule")
    [step] = await harness.say(li, li, "红" * 4000)
    assert step["text"].startswith("⚠️ Series: there is no series “" + "红" * 59 + "…”.")
    assert len(step["text"]) < MESSAGE_TEXT_MAX and "Which series?" in step["text"]
    await harness.say(li, li, "红色足迹")
    await harness.say(li, li, "2")
    [step] = await harness.say(li, li, "x" * 4000)
    assert step["text"].startswith("⚠️ Time: That is too long for a time")
    assert "When should it be sent?" in step["text"]
    assert harness.unhandled() == []


async def test_a_date_in_the_year_9999_is_too_far_ahead(harness: Harness) -> None:
    """The lesson's time 9999-12-31 20:00: told it is too far ahead, the step stays; a good time then works."""
    li = await harness.user("Li")
    await registered_branch(harness, li)
    await harness.start(li)
    await harness.say(li, li, "/schedule")
    await harness.say(li, li, "红色足迹")
    await harness.say(li, li, "2")
    [step] = await harness.say(li, li, "9999-12-31 20:00")
    assert step["text"].startswith("⚠️ 时间：“9999-12-31”太远了，请选择 10 年以内的日期。")
    [step] = await harness.say(li, li, "2026-12-31 20:00")
    assert "2026-12-31（周四）20:00" in step["text"]
    assert harness.unhandled() == []
