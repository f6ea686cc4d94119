"""Numbers people type (deep-link payloads, command arguments) past what an id can be are answered as not found,
in the person's language; and an appointment names someone the bot knows, never a free @username."""

from __future__ import annotations

from tests.support.bot import Harness, registered_branch, roster_text

HUGE = "99999999999999999999"


async def test_deep_links_with_a_number_past_int64_are_answered_as_gone(harness: Harness) -> None:
    """/start mtl<huge> and /start mti<huge>: “that no longer exists”, in English for an English speaker."""
    li = await harness.user("Li", language_code="en")
    leave = await harness.start(li, "mtl" + HUGE)
    assert leave["text"] == "That no longer exists."
    sign_in = await harness.start(li, "mti" + HUGE)
    assert sign_in["text"] == "That no longer exists."
    assert harness.unhandled() == []


async def test_addsecretary_with_a_huge_number_or_an_unknown_username_appoints_nobody(harness: Harness) -> None:
    """/addsecretary 6439208079590496717990706 and /addsecretary @new_seca (no such account yet) are refused with
    how to appoint; whoever registers new_seca later is no secretary; a known member is appointed by @username."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    chat_id = await registered_branch(harness, li, zhao)
    [huge] = await harness.say(chat_id, li, "/addsecretary 6439208079590496717990706")
    assert huge["text"].startswith("我还不认识 6439208079590496717990706，无法任命其为书记。")
    [unknown] = await harness.say(chat_id, li, "/addsecretary @new_seca")
    assert unknown["text"] == ("我还不认识 @new_seca，无法任命其为书记。请其先在本群发言（或发送 /join），"
                               "再回复其消息发送 /addsecretary。")
    squatter = await harness.user("Squatter", username="new_seca")
    before = await harness.last_message_id(chat_id)
    await harness.control.add_member(chat_id, squatter, by=li)
    [offer] = await harness.bot_messages(chat_id, before)  # the link that starts the bot in private
    assert offer["text"].startswith("Squatter：请打开 https://t.me/")
    await harness.control.send(chat_id, squatter, "我来了")
    [refused] = await harness.say(chat_id, squatter, "/roster")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    assert "[书记]" not in (await roster_text(harness, chat_id, li)).split("Squatter")[1].split("\n")[0]
    await harness.control.send(chat_id, zhao, "收到")
    [appointed] = await harness.say(chat_id, li, "/addsecretary @zhao")
    assert appointed["text"] == "Zhao (@zhao) 已被任命为“第一党支部”的书记。"
    assert harness.unhandled() == []
