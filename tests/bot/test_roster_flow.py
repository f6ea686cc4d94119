"""The roster fills itself in the sandbox: joins and leaves, /join, the deep link; secretaries and admins."""

from __future__ import annotations

from typing import Any

from tests.support.bot import ADMIN_ID, Harness, registered_branch, roster_text


async def test_joins_leaves_and_messages_keep_the_roster(harness: Harness) -> None:
    """With the bot as group admin: people added are on the roster, people who leave are marked left."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    sun = await harness.user("Sun")
    chat_id = await registered_branch(harness, li, zhao)
    await harness.control.add_member(chat_id, sun, by=li)
    await harness.control.send(chat_id, zhao, "大家好")  # Zhao writes: now on the roster too
    await harness.control.remove_member(chat_id, sun)
    await harness.barrier()
    text = await roster_text(harness, chat_id, li)
    assert "第一党支部 名册</b>" not in text  # rendered text, not HTML
    assert "第一党支部 名册：共 2 人" in text
    assert "1. Li (@li) [书记]" in text and "2. Zhao (@zhao)" in text
    assert "已退群：Sun" in text


async def test_join_and_the_deep_link_make_a_member_reachable(harness: Harness) -> None:
    """/join adds a member; opening the branch's link in private ties and marks them reachable."""
    li, qian = await harness.user("Li"), await harness.user("Qian")
    chat_id = await registered_branch(harness, li, qian, bot_admin=False)
    [joined] = await harness.say(chat_id, qian, "/join")
    assert joined["text"].startswith("Qian 已加入“第一党支部”的名册。\nQian：请打开 https://t.me/")
    [again] = await harness.say(chat_id, qian, "/join")
    assert again["text"].startswith("Qian 已在“第一党支部”的名册中。\nQian：请打开 https://t.me/")  # not started yet
    text = await roster_text(harness, chat_id, li)
    assert "以下 2 人尚未私聊启动机器人" in text
    link = text.split("请他们打开一次此链接：")[1].strip()
    payload = link.split("start=")[1]
    welcome = await harness.start(qian, payload)
    assert "你已在支部“第一党支部”的名册中。" in welcome["text"]
    text = await roster_text(harness, chat_id, li)
    assert "以下 1 人尚未私聊启动机器人" in text


async def test_a_bad_invitation_link_is_explained(harness: Harness) -> None:
    """/start with an unknown payload still starts the bot and says the link is not valid."""
    wu = await harness.user("Wu")
    welcome = await harness.start(wu, "bNotARealInviteCode")
    assert "欢迎！" in welcome["text"] and "邀请链接无效" in welcome["text"]


async def test_secretaries_are_appointed_by_secretaries_and_removed_by_admins(harness: Harness) -> None:
    """A secretary appoints Zhao by replying to him; removing him needs an admin, who can."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    admin = (await harness.control.create_user("Admin", username="adm", user_id=ADMIN_ID))["id"]
    chat_id = await registered_branch(harness, li, zhao, admin)
    zhao_says = await harness.control.send(chat_id, zhao, "收到")
    [appointed] = await harness.say(chat_id, li, "/addsecretary", reply_to=zhao_says["message_id"])
    assert appointed["text"] == "Zhao (@zhao) 已被任命为“第一党支部”的书记。"
    [refused] = await harness.say(chat_id, zhao, "/removesecretary @li")
    assert refused["text"] == "抱歉，只有管理员可以执行此操作。"
    [removed] = await harness.say(chat_id, admin, "/removesecretary @zhao")
    assert removed["text"] == "Zhao (@zhao) 已不再担任“第一党支部”的书记。"
    [usage] = await harness.say(chat_id, li, "/addsecretary")
    assert "请指明对象" in usage["text"]


async def test_members_and_strangers_cannot_see_the_roster(harness: Harness) -> None:
    """/roster from an ordinary member is refused, saying who may see it."""
    li, zhao = await harness.user("Li"), await harness.user("Zhao")
    chat_id = await registered_branch(harness, li, zhao)
    assert await roster_text(harness, chat_id, zhao) == "抱歉，只有本支部书记或管理员可以执行此操作。"


async def test_the_bot_removed_marks_the_branch_inactive_and_returning_restores_it(harness: Harness) -> None:
    """Kicked from the group, the branch goes inactive (admins see it in /branches); added back, it resumes."""
    li = await harness.user("Li")
    admin = (await harness.control.create_user("Admin", username="adm", user_id=ADMIN_ID))["id"]
    await harness.start(admin)
    chat_id = await registered_branch(harness, li)
    await harness.control.remove_member(chat_id, "bot", by=li)
    await harness.barrier()
    [listing] = await harness.say(admin, admin, "/branches")
    assert "第一党支部</b>" not in listing["text"] and "第一党支部 — 已停用（机器人被移出）" in listing["text"]
    last = await harness.last_message_id(chat_id)
    await harness.control.add_member(chat_id, "bot", by=li)
    [back] = await harness.bot_messages(chat_id, last)
    assert "我回到了支部“第一党支部”" in back["text"]


async def test_a_migrated_group_keeps_its_branch(harness: Harness) -> None:
    """When the group is upgraded to a supergroup, the branch answers from the new chat id."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    migrated = await harness.control.migrate(chat_id, by=li)
    new_id = int(migrated["chat_id"])
    await harness.barrier()
    text = await roster_text(harness, new_id, li)
    assert "第一党支部 名册：共 1 人" in text


async def test_lang_switches_the_private_chat_to_english(harness: Harness) -> None:
    """/lang then English: private answers are in English from then on; /help shows a member's commands only."""
    zhao = await harness.user("Zhao")
    await harness.start(zhao)
    [prompt] = await harness.say(zhao, zhao, "/lang")
    english = next(b for row in prompt["buttons"] for b in row if b["text"] == "English")
    await harness.tap(zhao, prompt["message_id"], zhao, english["callback_data"])
    [help_text] = await harness.say(zhao, zhao, "/help")
    assert help_text["text"].startswith("What I can do for you")
    assert "/lang" in help_text["text"] and "/roster" not in help_text["text"]


async def test_help_shows_secretaries_and_admins_their_commands(harness: Harness) -> None:
    """/help lists secretary commands for a secretary and admin commands for an admin, not for members."""
    li = await harness.user("Li")
    admin: dict[str, Any] = await harness.control.create_user("Admin", username="adm", user_id=ADMIN_ID)
    chat_id = await registered_branch(harness, li)
    [for_secretary] = await harness.say(chat_id, li, "/help")
    assert "/roster" in for_secretary["text"] and "/removesecretary" not in for_secretary["text"]
    await harness.start(admin["id"])
    [for_admin] = await harness.say(admin["id"], admin["id"], "/help")
    assert "/removesecretary" in for_admin["text"]
