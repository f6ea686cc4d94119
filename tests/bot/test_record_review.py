"""The committee's review of a meeting record, as a transcript: the real bot and delivery engine against the sandbox."""

from __future__ import annotations

from datetime import timedelta

from lesson_bot.services.clock import FixedClock
from tests.support.bot import (
    ADMIN_ID,
    MEETING_START,
    Harness,
    private_messages,
    running_engine,
    started_committee_branch,
    tap_button,
)
from tests.support.records import SEC, add_meeting


async def test_review_loop_return_answer_resubmit_approve(harness: Harness) -> None:
    """The admin lists the records waiting for review and returns last night's 支委会 with a comment; the secretary
    gets it in private and answers; the admin gets the answer; the secretary corrects the record with /record; the
    answer's 通过 button (for the old version) is refused; from the list again the admin approves the new version
    and the secretary is told."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    await h.services.records.submit(sec, meeting_id, minutes="研究了工作。", decisions=None)
    await h.control.create_user("Admin", username="adm", user_id=ADMIN_ID)
    await h.start(ADMIN_ID)

    header, line = await h.say(ADMIN_ID, ADMIN_ID, "/reviewrecords", replies=2)
    assert header["text"] == "共有 1 条会议记录待审阅，等待最久的在前。"
    assert line["text"] == ("一支部 · 支部委员会 · 2026-11-30 20:00 · “研究十二月工作”\n"
                            "第 1 轮：已提交，待审阅（2026-12-01 10:00 提交）")
    assert [b["text"] for b in line["buttons"][0]] == ["查看", "通过", "退回"]
    before = await h.last_message_id(ADMIN_ID)
    await h.tap(ADMIN_ID, line["message_id"], ADMIN_ID, line["buttons"][0][2]["callback_data"])
    [ask] = await h.bot_messages(ADMIN_ID, before)
    assert ask["text"].startswith("退回会议记录：一支部 · 支部委员会") and "请发送给支部书记的退回意见" in ask["text"]
    [done] = await h.say(ADMIN_ID, ADMIN_ID, "纪要过于简略，请写明研究的具体事项。")
    assert done["text"] == "↩️ 已退回，支部 2 人收到退回意见并可答复。"

    sec_before, admin_before = await h.last_message_id(sec), await h.last_message_id(ADMIN_ID)
    async with running_engine(h):
        [returned] = await private_messages(h, SEC, sec_before)
    assert returned["text"].startswith("↩️ 会议记录被退回\n\n一支部 · 支部委员会 · 2026-11-30 20:00")
    assert "审阅意见：纪要过于简略，请写明研究的具体事项。" in returned["text"]
    assert returned["buttons"][0][0]["text"] == "答复"
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, returned)
    [ask] = await private_messages(h, SEC, before)
    assert "请发送给审阅人的答复" in ask["text"]
    [sent] = await h.say(sec, sec, "会议研究了十二月发展党员工作，纪要将补充完整。")
    assert sent["text"] == "✅ 您的答复已发送给审阅人。"
    async with running_engine(h):
        [answer] = await h.bot_messages(ADMIN_ID, admin_before)
    assert "书记老周答复：会议研究了十二月发展党员工作，纪要将补充完整。" in answer["text"]
    assert "审阅意见：纪要过于简略" in answer["text"]
    assert [b["text"] for b in answer["buttons"][0]] == ["通过", "退回"]

    assert isinstance(h.services.clock, FixedClock)
    h.services.clock.set(h.services.clock.now() + timedelta(hours=1))
    [menu] = await h.say(sec, sec, "/record")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, menu)
    await private_messages(h, SEC, before)  # the minutes prompt
    [noted] = await h.say(sec, sec, "一、研究十二月发展党员工作，确定两名发展对象。")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, noted)
    [ask_decisions] = await private_messages(h, SEC, before)
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, ask_decisions)
    _record, question = await private_messages(h, SEC, before, 2)
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, question)
    [saved] = await private_messages(h, SEC, before)
    assert saved["text"].startswith("✅ 会议记录已保存")

    stale = await h.tap(ADMIN_ID, answer["message_id"], ADMIN_ID, answer["buttons"][0][0]["callback_data"])
    assert stale["text"] == "该消息发出后记录已有更新，请查看新版本（/reviewrecords）。" and stale["show_alert"]
    header, line = await h.say(ADMIN_ID, ADMIN_ID, "/reviewrecords", replies=2)
    assert "第 2 轮：已提交，待审阅（2026-12-01 11:00 提交）" in line["text"]
    before = await h.last_message_id(ADMIN_ID)
    await h.tap(ADMIN_ID, line["message_id"], ADMIN_ID, line["buttons"][0][1]["callback_data"])
    [approved] = await h.bot_messages(ADMIN_ID, before)
    assert approved["text"] == "✅ 已通过，已通知支部 2 人。"
    sec_before = await h.last_message_id(sec)
    async with running_engine(h):
        [told] = await private_messages(h, SEC, sec_before)
    assert told["text"].startswith("✅ 会议记录审阅通过\n\n一支部 · 支部委员会 · 2026-11-30 20:00")
    [nothing] = await h.say(ADMIN_ID, ADMIN_ID, "/reviewrecords")
    assert nothing["text"] == "没有待审阅的会议记录。"
    steps = await h.services.record_reviews.history(ADMIN_ID, meeting_id)
    assert [(s.round, str(s.state)) for s in steps] == [(1, "submitted"), (1, "returned"), (1, "answered"),
                                                        (2, "submitted"), (2, "approved")]
    assert h.unhandled() == []
