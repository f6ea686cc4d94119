"""The meeting record, 补学 for absentees and cadence, with the real bot and engine against the sandbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from lesson_bot.cli import app
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.meetings.cadence_reminders import CadenceReminders
from lesson_bot.services.meetings.notices import record_text
from tests.support.bot import (
    ADMIN_ID,
    MEETING_START,
    Harness,
    at,
    private_messages,
    running_engine,
    started_committee_branch,
    tap_button,
)
from tests.support.engine import send_due_meetings
from tests.support.records import ABSENT, HOST, ON_LEAVE, RECORDER, SEC, add_meeting
from tests.support.sandbox import PNG


async def test_a_record_with_text_and_a_photo_is_confirmed_by_host_and_recorder(harness: Harness) -> None:
    """The secretary records last night's 支委会 in private: two messages of minutes, a photo, a decision, reviews
    every field and submits; host and recorder each get it with a confirm button, and after both taps it is
    confirmed."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    [menu] = await h.say(sec, sec, "/record")
    assert menu["text"].startswith("要记录哪一次会议？\n") and menu["text"].endswith("即将召开的会议：/meetings")
    assert menu["buttons"][0][0]["text"].startswith(f"#{meeting_id} ")  # the ID `lesson-bot meetings record` takes
    assert "支部委员会 · 研究十二月工作" in menu["buttons"][0][0]["text"]
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, menu)
    [prompt] = await private_messages(h, SEC, before)
    assert "请发送会议纪要" in prompt["text"] and "研究十二月工作" in prompt["text"]
    await h.say(sec, sec, "一、传达学习上级文件精神。")
    [noted] = await h.say(sec, sec, "二、研究十二月发展党员工作。")
    assert noted["text"].startswith("✓ 已记下（共 2 条）")
    photo = await h.control.send_photo(sec, sec, PNG, caption="签到表")
    [kept] = await h.bot_messages(sec, photo["message_id"])
    assert kept["text"] == "📎 已保存附件（本记录共 1 个）。"
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, noted)
    await private_messages(h, SEC, before)  # the decisions prompt
    [noted] = await h.say(sec, sec, "同意王五按期转正的初步意见。")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, noted)
    record, question = await private_messages(h, SEC, before, 2)
    for field in ("会议记录 · 支部委员会", "支部：一支部", "主题：研究十二月工作",
                  "时间：2026-11-30 20:00 – 21:30（Asia/Shanghai）", "地点：党员活动室", "主持人：张三；记录人：李四",
                  "应到：5 人（正式党员 4 人，预备党员 1 人）", "实到：3 人（正式党员 2 人，预备党员 1 人）",
                  "请假：赵六（出差）", "缺席：孙八", "一、传达学习上级文件精神。", "同意王五按期转正",
                  "附件：照片 1 张"):
        assert field in record["text"], field
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, question)
    [saved] = await private_messages(h, SEC, before)
    assert saved["text"] == "✅ 会议记录已保存，已请主持人和记录人确认。"
    host_before = await h.last_message_id(HOST.telegram_user_id)
    recorder_before = await h.last_message_id(RECORDER.telegram_user_id)
    async with running_engine(h):
        [ask_host] = await private_messages(h, HOST, host_before)
        [ask_recorder] = await private_messages(h, RECORDER, recorder_before)
    assert "您是本次会议的主持人" in ask_host["text"] and "一、传达学习上级文件精神。" in ask_host["text"]
    assert ask_recorder["buttons"][0][0]["text"] == "确认"
    answer = await tap_button(h, HOST, ask_host)
    assert answer["text"] == "谢谢，您已作为主持人确认会议记录。"
    answer = await tap_button(h, RECORDER, ask_recorder)
    assert answer["text"] == "谢谢，您已作为记录人确认会议记录。记录已全部确认。"
    view = await h.services.records.view(sec, meeting_id)
    assert view.confirmed and [(a.kind, a.caption) for a in view.attachments] == [("photo", "签到表")]
    assert h.unhandled() == []


async def test_a_record_made_days_later_is_flagged_late(harness: Harness) -> None:
    """The recorder (not a secretary) records a meeting of four days ago: it is saved as 补录 with its time."""
    h, recorder = harness, RECORDER.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True,
                                   start=MEETING_START - timedelta(days=3), topic="十一月支委会")
    [menu] = await h.say(recorder, recorder, "/record")
    before = await h.last_message_id(recorder)
    await tap_button(h, RECORDER, menu)
    await private_messages(h, RECORDER, before)
    [noted] = await h.say(recorder, recorder, "补记：研究了发展党员工作。")
    before = await h.last_message_id(recorder)
    await tap_button(h, RECORDER, noted)
    [ask_decisions] = await private_messages(h, RECORDER, before)
    before = await h.last_message_id(recorder)
    await tap_button(h, RECORDER, ask_decisions)  # no decisions
    record, question = await private_messages(h, RECORDER, before, 2)
    assert "决议\n（无）" in record["text"] and "尚未提交" in record["text"]
    before = await h.last_message_id(recorder)
    await tap_button(h, RECORDER, question)
    [saved] = await private_messages(h, RECORDER, before)
    assert "已标记为补录（会议结束 24 小时后才记录）" in saved["text"]
    view = await h.services.records.view(recorder, meeting_id)
    text = record_text(h.services.translator.lang("zh-Hans"), h.services.meetings.types, view)[0]
    assert text.startswith("<b>会议记录</b> · 支部委员会 · 补录（2026-12-01 10:00）")


async def test_absentees_get_their_makeup_and_the_secretary_sees_who_completed(harness: Harness) -> None:
    """After the minutes are recorded, 赵六 (on leave) and 孙八 (absent) each get the minutes in private with a
    已学习 button; 孙八 taps it; /makeups and the record's view show 赵六 still open and 孙八 done."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    await h.services.records.submit(sec, meeting_id, minutes="一、传达学习上级文件精神。", decisions="决议一")
    absent_before = await h.last_message_id(ABSENT.telegram_user_id)
    leave_before = await h.last_message_id(ON_LEAVE.telegram_user_id)
    async with running_engine(h):
        [task] = await private_messages(h, ABSENT, absent_before)
        [other] = await private_messages(h, ON_LEAVE, leave_before)
    assert "补学" in task["text"] and "一、传达学习上级文件精神。" in task["text"] and "研究十二月工作" in task["text"]
    assert task["buttons"][0][0]["text"] == "已学习" and other["buttons"][0][0]["text"] == "已学习"
    answer = await tap_button(h, ABSENT, task)
    assert answer["text"] == "✅ 已记录您对“研究十二月工作”的补学，谢谢！"
    [shown] = await h.say(sec, sec, "/makeups")
    assert "尚未补学：赵六" in shown["text"] and "已完成：孙八" in shown["text"]
    assert shown["buttons"][0][0]["callback_data"] == f"mk:send:{meeting_id}"
    [menu] = await h.say(sec, sec, "/record")
    assert menu["buttons"][0][1]["text"] == "查看"
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, menu, 0, 1)
    [record] = await private_messages(h, SEC, before)
    assert "补学已完成：孙八；尚未完成：赵六" in record["text"]


async def test_a_missing_committee_meeting_reminds_the_secretary_before_the_month_ends(harness: Harness) -> None:
    """November's 支委会 was held; December has none. On 26 Dec the tick reminds the secretary once, in private;
    /cadence shows December's 支委会 as due soon and November's as held."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    clock = h.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(datetime(2026, 12, 26, 2, 0, tzinfo=UTC))
    tick = CadenceReminders(h.services.db, clock, h.services.translator, h.services.cadence,
                            h.services.meetings.types)
    queued = await tick()
    assert queued >= 1 and await tick() == 0
    before = await h.last_message_id(sec)
    async with running_engine(h):
        messages = await private_messages(h, SEC, before, queued)
    committee = [m["text"] for m in messages if "支部委员会" in m["text"]]
    assert committee == ["⏰ “一支部”2026-12 的支部委员会尚未召开（已开 0 次，应开 1 次），截止日期为 2026-12-31。"
                         "请用 /meeting 召集，或用 /cadence 查看。"]
    [report] = await h.say(sec, sec, "/cadence")
    december, november = report["text"].split("2026-11")
    assert "支部委员会: ⏰ 即将到期 0/1" in december and "支部委员会: ✅ 已开 1/1" in november


async def test_an_english_speaking_secretary_records_in_english(harness: Harness) -> None:
    """A secretary whose Telegram speaks English gets the whole flow in English, figures included."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h, "en")
    await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    [menu] = await h.say(sec, sec, "/record")
    assert menu["text"].startswith("Which meeting do you want to record?\n")
    assert "Branch committee meeting" in menu["buttons"][0][0]["text"]
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, menu)
    [prompt] = await private_messages(h, SEC, before)
    assert prompt["text"].startswith("Recording the Branch committee meeting “研究十二月工作” of 2026-11-30 20:00.")
    [noted] = await h.say(sec, sec, "Studied the documents.")
    assert noted["text"] == "✓ Noted (1 message so far). Send more, or tap “Done”."
    [done] = await h.say(sec, sec, "done")
    assert done["text"].startswith("Now send the decisions")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, done)
    record, question = await private_messages(h, SEC, before, 2)
    assert "Expected: 5 (4 full, 1 probationary)" in record["text"] and "On leave: 赵六 (出差)" in record["text"]
    assert question["buttons"][0][0]["text"] == "Submit"
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, question)
    [saved] = await private_messages(h, SEC, before)
    assert saved["text"] == "✅ The record is saved. The host and the recorder have been asked to confirm it."
    [report] = await h.say(sec, sec, "/cadence")
    assert report["text"].startswith("Meeting cadence of 一支部")
    assert "Branch committee meeting: ✅ held 1/1" in report["text"]


async def test_me_counts_a_meetings_makeup_once_it_is_done(harness: Harness) -> None:
    """孙八 missed the 支委会 and 赵六 was on leave: each one's /me shows one meeting still to make up and no meeting
    points; once 孙八 taps 已学习 on his task, his /me shows it made up and 1 point, while 赵六 still owes hers.
    张三, who attended, sees no make-up figures at all."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    await h.services.records.submit(sec, meeting_id, minutes="一、传达学习上级文件精神。", decisions=None)
    absent, on_leave = ABSENT.telegram_user_id, ON_LEAVE.telegram_user_id
    before = await h.last_message_id(absent)
    async with running_engine(h):
        [task] = await private_messages(h, ABSENT, before)
    [me] = await h.say(absent, absent, "/me")
    assert "会议：出席 0，迟到 0，请假 0，缺席 1；已补学 0，待补学 1" in me["text"], me["text"]
    assert "积分：0（课程 0 + 测验 0 + 会议 0）" in me["text"]
    assert (await tap_button(h, ABSENT, task))["text"] == "✅ 已记录您对“研究十二月工作”的补学，谢谢！"
    [me] = await h.say(absent, absent, "/me")
    assert "会议：出席 0，迟到 0，请假 0，缺席 1；已补学 1，待补学 0" in me["text"], me["text"]
    assert "积分：1（课程 0 + 测验 0 + 会议 1）" in me["text"]
    assert "参加会议 3 分，迟到 2 分，会议补学 1 分" in me["text"]
    [me] = await h.say(on_leave, on_leave, "/me")
    assert "会议：出席 0，迟到 0，请假 1，缺席 0；已补学 0，待补学 1" in me["text"], me["text"]
    assert "积分：0（课程 0 + 测验 0 + 会议 0）" in me["text"]
    [me] = await h.say(HOST.telegram_user_id, HOST.telegram_user_id, "/me")
    assert "会议：出席 1，迟到 0，请假 0，缺席 0\n" in me["text"] and "待补学" not in me["text"], me["text"]
    assert h.unhandled() == []


@pytest.mark.parametrize(("language", "cli_lang", "attended"), [
    ("zh-hans", "zh-Hans", "出席：孙八（线下）、张三、李四（迟到）、王五（代签）"),
    ("en", "en", "Attended: 孙八 (offline), 张三, 李四 (late), 王五 (by proxy)"),
])
async def test_the_record_marks_who_signed_in_late_by_proxy_or_offline(
        harness: Harness, language: str, cli_lang: str, attended: str) -> None:
    """张三 signs in on time and 李四 late; the secretary records 王五 by 代签 and 孙八 offline in /attendance. Once
    the window has closed, the record the secretary reviews marks each of them in their language, and
    `lesson-bot meetings record` prints the same attendee line."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h, language)
    start = h.services.clock.now() - timedelta(minutes=5)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=start, closed=False,
                                   topic="研究一月工作", signed=(HOST, RECORDER))  # 张三 on time, 李四 late
    [sheet] = await h.say(sec, sec, "/attendance")
    for verb, name in (("px", "王五"), ("off", "孙八")):  # 代签 / 线下 (the sheet's language is not the point here)
        [data] = [b["callback_data"] for row in sheet["buttons"] for b in row
                  if b["callback_data"].startswith(f"mt:{verb}:") and name in b["text"]]
        await h.tap(sec, sheet["message_id"], sec, data)
    at(h, start + timedelta(minutes=21))
    await send_due_meetings(h)  # the window closes: the attendance is final
    assert (await h.services.records.view(sec, meeting_id)).attendance_final
    [menu] = await h.say(sec, sec, "/record")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, menu)
    await private_messages(h, SEC, before)  # the minutes prompt
    [noted] = await h.say(sec, sec, "一、研究一月工作。")
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, noted)
    [ask_decisions] = await private_messages(h, SEC, before)
    before = await h.last_message_id(sec)
    await tap_button(h, SEC, ask_decisions)
    record, _question = await private_messages(h, SEC, before, 2)
    assert attended in record["text"], record["text"]
    env = {"LESSON_BOT_DATABASE_URL": h.services.settings.database_url, "LESSON_BOT_ADMIN_IDS": str(ADMIN_ID)}
    printed = await asyncio.to_thread(CliRunner().invoke, app, ["meetings", "record", str(meeting_id), "--lang",
                                                                cli_lang], env=env)
    assert printed.exit_code == 0, printed.output
    assert attended in printed.output.splitlines(), printed.output
    assert h.unhandled() == []
