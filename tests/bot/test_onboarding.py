"""From a new group to a registered branch with a roster, as a secretary and members would do it."""

from __future__ import annotations

from tests.support.bot import Harness


async def _group(h: Harness, *members: int, bot_admin: bool = False) -> tuple[int, int]:
    """A group created by members[0] with the bot added; its id and the bot's introduction message id."""
    group = await h.control.create_group("消防一站党支部群", list(members), bot_admin=bot_admin)
    chat_id = int(group["chat_id"])
    intro = (await h.bot_messages(chat_id, 0))[0]
    return chat_id, int(intro["message_id"])


async def test_the_bot_introduces_itself_when_added_to_a_group(harness: Harness) -> None:
    """Added to a group, the bot says what it does and asks an admin to /register (in Chinese by default)."""
    li = await harness.user("Li")
    chat_id, _ = await _group(harness, li)
    transcript = (await harness.control.transcript(chat_id))["messages"]
    intro = next(m for m in transcript if m["from"]["is_bot"])["text"]
    assert "/register" in intro and "党支部" in intro


async def test_a_group_admin_registers_the_branch_in_two_steps(harness: Harness) -> None:
    """The creator runs /register, keeps the group's name, picks the zone, and gets the branch and join link."""
    li = await harness.user("Li")
    zhao = await harness.user("Zhao")
    chat_id, _ = await _group(harness, li, zhao)
    [ask_title] = await harness.say(chat_id, li, "/register")
    assert "第 1 步" in ask_title["text"] and "消防一站党支部群" in ask_title["text"]
    [use_name, _cancel] = [row[0]["callback_data"] for row in ask_title["buttons"]]
    await harness.tap(chat_id, ask_title["message_id"], li, use_name)
    [ask_zone] = await harness.bot_messages(chat_id, ask_title["message_id"])
    assert "第 2 步" in ask_zone["text"]
    shanghai = ask_zone["buttons"][0][0]
    assert shanghai["text"] == "✓ Asia/Shanghai"
    await harness.tap(chat_id, ask_zone["message_id"], li, shanghai["callback_data"])
    [done] = await harness.bot_messages(chat_id, ask_zone["message_id"])
    assert "本群已登记为党支部 消防一站党支部群" in done["text"]
    assert "书记：Li" in done["text"] and "t.me/sandbox_bot?start=b" in done["text"]
    branch = await harness.services.branches.by_chat(chat_id)
    assert branch is not None and branch.timezone == "Asia/Shanghai"


async def test_a_member_who_is_not_a_group_admin_is_refused(harness: Harness) -> None:
    """/register from an ordinary member is refused politely, saying who may; nothing is registered."""
    li = await harness.user("Li")
    zhao = await harness.user("Zhao")
    chat_id, _ = await _group(harness, li, zhao)
    [answer] = await harness.say(chat_id, zhao, "/register")
    assert answer["text"] == "抱歉，只有本群管理员可以将本群登记为支部。"
    assert await harness.services.branches.by_chat(chat_id) is None


async def test_typed_answers_with_a_bad_zone_keep_the_wizard_at_that_step(harness: Harness) -> None:
    """A name and a zone can be typed as replies; an unknown zone is explained and the wizard waits for a valid one."""
    li = await harness.user("Li")
    chat_id, _ = await _group(harness, li)
    [ask_title] = await harness.say(chat_id, li, "/register")
    [ask_zone] = await harness.say(chat_id, li, "第一党支部", reply_to=ask_title["message_id"])
    [bad] = await harness.say(chat_id, li, "Beijing", reply_to=ask_zone["message_id"])
    assert "无法识别时区“Beijing”" in bad["text"]
    [done] = await harness.say(chat_id, li, "Europe/Berlin", reply_to=ask_zone["message_id"])
    assert "第一党支部" in done["text"] and "Europe/Berlin" in done["text"]


async def test_only_the_person_who_started_the_wizard_can_press_its_buttons(harness: Harness) -> None:
    """Another member tapping the wizard's button gets an alert; the wizard is unchanged."""
    li = await harness.user("Li")
    zhao = await harness.user("Zhao")
    chat_id, _ = await _group(harness, li, zhao)
    [ask_title] = await harness.say(chat_id, li, "/register")
    answer = await harness.tap(chat_id, ask_title["message_id"], zhao, ask_title["buttons"][0][0]["callback_data"])
    assert answer["show_alert"] is True and "只有发起" in answer["text"]
    assert await harness.services.branches.by_chat(chat_id) is None
