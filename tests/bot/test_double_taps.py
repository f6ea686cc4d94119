"""A second tap on a button whose first tap already changed the message (the tapper's client sent both before
the first was answered) is handled like the first: no error, no apology."""

from __future__ import annotations

from typing import Any

from tests.support.bot import Harness, registered_branch


async def tap_twice(h: Harness, chat_id: int, message_id: int, user_id: int, data: str) -> list[dict[str, Any]]:
    """Two taps queued at once (the second before the bot saw the first); the bot's answers to both."""
    queued = await h.control.press_many([[chat_id, message_id, user_id, data]] * 2)
    assert not queued["refused"]
    return [dict(await h.control.wait_callback_answered(q)) for q in queued["callback_query_ids"]]


async def test_tapping_a_language_twice_sets_it_once_and_answers_both_taps(harness: Harness) -> None:
    """/lang, then English tapped twice: the message says so once, and both taps are answered quietly."""
    li = await harness.user("Li")
    await harness.start(li)
    [prompt] = await harness.say(li, li, "/lang")
    data = next(b["callback_data"] for row in prompt["buttons"] for b in row if "English" in b["text"])
    answers = await tap_twice(harness, li, prompt["message_id"], li, data)
    assert [a.get("text") or "" for a in answers] == ["", ""]
    await harness.barrier()
    transcript = (await harness.control.transcript(li))["messages"]
    assert transcript[-1]["message_id"] == prompt["message_id"]  # no apology after the edited prompt
    assert "English" in transcript[-1]["text"]
    assert harness.unhandled() == []


async def test_tapping_a_branch_of_the_roster_picker_twice_shows_the_roster_each_time(harness: Harness) -> None:
    """A secretary of two branches taps one in /roster's picker twice: the roster comes twice, nothing fails."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    await registered_branch(harness, li, zhao)
    await registered_branch(harness, li)
    await harness.start(li)
    [picker] = await harness.say(li, li, "/roster")
    data = picker["buttons"][0][0]["callback_data"]
    await tap_twice(harness, li, picker["message_id"], li, data)
    rosters = await harness.bot_messages(li, picker["message_id"], 2)
    assert all("名册：共" in m["text"] for m in rosters)
    await harness.barrier()
    assert await harness.last_message_id(li) == rosters[-1]["message_id"]
    assert harness.unhandled() == []
