"""A roster CSV sent in private; an English-speaking branch; unexpected failures; fuzzed input."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.support.bot import ADMIN_ID, Harness, registered_branch, start_harness

CSV = """姓名,Telegram,角色,状态,党小组,支委
张三,@zhangsan,党员,正式,第一党小组,否
李四,300003,党员,预备,,否
王五,@wangwu,队长,正式,,否
"""


async def test_a_secretary_imports_a_roster_csv_in_private(harness: Harness) -> None:
    """The secretary sends a CSV: good rows imported, the bad one reported by line; sending it again adds nothing."""
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    await harness.start(li)
    sent = await harness.control.send_document(li, li, "名册.csv", CSV.encode("gb18030"), mime_type="text/csv")
    [report] = await harness.bot_messages(li, sent["message_id"])
    assert report["text"].startswith("第一党支部 名册导入：新增 2 人，更新 0 人，未变 0 人。")
    assert "第 4 行，角色：“队长”不是可识别的值" in report["text"]
    again = await harness.control.send_document(li, li, "名册.csv", CSV.encode("gb18030"), mime_type="text/csv")
    [second] = await harness.bot_messages(li, again["message_id"])
    assert "新增 0 人，更新 0 人，未变 2 人" in second["text"]
    [roster] = await harness.say(chat_id, li, "/roster")
    assert "张三 (@zhangsan) [第一党小组]" in roster["text"] and "李四 [预备党员]" in roster["text"]


async def test_a_member_sending_a_csv_is_told_they_manage_no_branch(harness: Harness) -> None:
    """Someone who is no secretary gets a clear answer, and nothing is imported."""
    zhao = await harness.user("Zhao")
    await harness.start(zhao)
    sent = await harness.control.send_document(zhao, zhao, "x.csv", CSV.encode(), mime_type="text/csv")
    [answer] = await harness.bot_messages(zhao, sent["message_id"])
    assert answer["text"] == "抱歉，只有支部书记和管理员可以执行此操作。"


@pytest.fixture
async def english_harness(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    target = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, target)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}", default_locale="en"):
        yield h


async def test_an_english_branch_is_registered_in_english(english_harness: Harness) -> None:
    """With English as the default language, the whole onboarding speaks English."""
    h = english_harness
    anna = await h.user("Anna", language_code="en")
    group = await h.control.create_group("Station 1", [anna])
    chat_id = int(group["chat_id"])
    [intro] = await h.bot_messages(chat_id, 0)
    assert intro["text"].startswith("Hello! I run micro party lessons")
    [ask_title] = await h.say(chat_id, anna, "/register")
    assert "Step 1 of 2" in ask_title["text"]
    await h.tap(chat_id, ask_title["message_id"], anna, ask_title["buttons"][0][0]["callback_data"])
    [ask_zone] = await h.bot_messages(chat_id, ask_title["message_id"])
    await h.tap(chat_id, ask_zone["message_id"], anna, ask_zone["buttons"][0][0]["callback_data"])
    [done] = await h.bot_messages(chat_id, ask_zone["message_id"])
    assert done["text"].startswith("✅ This group is now the party branch Station 1 (time zone Asia/Shanghai).")
    [joined] = await h.say(chat_id, anna, "/join")
    first, offer = joined["text"].split("\n")
    assert first == "Anna is already on the roster of “Station 1”."
    assert offer.startswith("Anna: open https://t.me/") and offer.endswith(
        "once so that I can send you meeting reminders and make-up lessons in private.")


async def test_an_unexpected_failure_is_explained_reported_and_survived(harness: Harness) -> None:
    """A broken database makes a command fail: the user is told, the admin chat hears of it, the bot goes on."""
    admin = (await harness.control.create_user("Admin", username="adm", user_id=ADMIN_ID))["id"]
    await harness.start(admin)
    harness.services.settings = harness.services.settings.model_copy(update={"admin_chat_id": admin})
    li = await harness.user("Li")
    chat_id = await registered_branch(harness, li)
    async with harness.services.db.transaction() as s:
        await s.execute(text("ALTER TABLE memberships RENAME TO memberships_broken"))
    before_admin = await harness.last_message_id(admin)
    before_chat = await harness.last_message_id(chat_id)
    [sorry] = await harness.say(chat_id, li, "/roster")
    assert sorry["text"] == "抱歉，我这边出了点问题，已通知管理员，请稍后再试。"
    await harness.barrier()  # every handler group that met the broken table has run its error handler
    assert [m["text"] for m in await harness.bot_messages(chat_id, before_chat)] == [sorry["text"]]  # told once
    [report] = await harness.bot_messages(admin, before_admin)
    assert report["text"].startswith("⚠️ update ") and "OperationalError" in report["text"]
    assert any("unhandled error while handling update" in line for line in harness.unhandled())
    async with harness.services.db.transaction() as s:
        await s.execute(text("ALTER TABLE memberships_broken RENAME TO memberships"))
    [roster] = await harness.say(chat_id, li, "/roster")
    assert "第一党支部 名册" in roster["text"]


COMMANDS = ["/start", "/help", "/lang", "/join", "/roster", "/register", "/addsecretary", "/removesecretary",
            "/branches", "/nonsense"]
fuzz_text = st.one_of(
    st.text(min_size=1, max_size=300).filter(lambda s: s.strip() != ""),
    st.tuples(st.sampled_from(COMMANDS), st.text(max_size=80)).map(lambda p: f"{p[0]} {p[1]}".strip()),
    st.tuples(st.sampled_from(COMMANDS), st.sampled_from(["@sandbox_bot", "@other_bot", ""])).map("".join),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(fuzz_text, min_size=1, max_size=4), in_group=st.booleans(), as_admin=st.booleans())
async def test_fuzzed_text_and_commands_never_leave_an_unhandled_exception(
    harness: Harness, texts: list[str], in_group: bool, as_admin: bool
) -> None:
    """Whatever members type, in the group or in private, the bot handles it without an unhandled error."""
    if "fuzz_chat" not in harness.people:
        li, zhao = await harness.user("FuzzLi"), await harness.user("FuzzZhao")
        harness.people["fuzz_chat"] = await registered_branch(harness, li, zhao)
        await harness.start(li)
        await harness.start(zhao)
    chat_id = harness.people["fuzz_chat"]
    sender = harness.people["FuzzLi"] if as_admin else harness.people["FuzzZhao"]
    for item in texts:
        await harness.control.send(chat_id if in_group else sender, sender, item)
    await harness.barrier()
    assert harness.unhandled() == []
