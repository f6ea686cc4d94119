"""A secretary calls a 支委会 by the /meeting wizard in private (zh-Hans), members answer 参加 / 请假, the leave
requests are approved and rejected, reminders reach the right people and never come after the start, 签到 is on
time, late, refused outside the window and 代签, and the close sends the attendance with exact figures."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from tests.support.bot import START, Harness, at, registered_branch, start_harness
from tests.support.engine import send_due_meetings
from tests.support.sandbox import bot_posts
from tests.support.wizards import button, tap_next


async def test_a_committee_meeting_from_call_to_attendance_in_chinese(harness: Harness) -> None:
    """The whole 支委会, person by person: Wang's leave approved, Zhao's rejected (he started me from the deep
    link), Sun is not expected, Zhou signed in by 代签, Qian absent; the summary says 应到 5 实到 3 请假 1 缺席 1."""
    h = harness
    li, wang, zhao, sun, qian, zhou = [await h.user(n) for n in ("Li", "Wang", "Zhao", "Sun", "Qian", "Zhou")]
    chat = await registered_branch(h, li, wang, zhao, sun, qian, zhou)
    for member in (wang, zhao, sun, qian, zhou):
        await h.say(chat, member, "/join")
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    for member in (li, wang, zhao, qian, zhou):
        await h.services.roster.update_member(li, branch.id, member, is_committee=True)
    for member in (li, wang, sun):
        await h.start(member)

    # The wizard, in private: type, topic, a time in the past refused, place, host, recorder, duration, confirm.
    [ask_type] = await h.say(li, li, "/meeting")
    assert "为“第一党支部”<b>召集会议</b>" not in ask_type["text"] and "召集会议" in ask_type["text"]
    ask_topic = await tap_next(h, li, ask_type, li, "支部委员会")
    assert ask_topic["text"] == "支部委员会：请输入会议议题。"
    [ask_when] = await h.say(li, li, "研究发展党员工作")
    assert ask_when["text"].startswith("会议何时开始？") and len(ask_when["buttons"][0]) == 3  # three presets
    [past] = await h.say(li, li, "2026-11-30 19:30")
    assert past["text"].startswith("⚠️") and "2026-11-30 19:30" in past["text"]
    [ask_place] = await h.say(li, li, "2026-12-03 19:30")
    assert ask_place["text"].startswith("会议地点？")
    [ask_host] = await h.say(li, li, "党员活动室")
    ask_recorder = await tap_next(h, li, ask_host, li, "Li")
    assert ask_recorder["text"].startswith("记录人是谁？")
    [unknown] = await h.say(li, li, "@nobody")
    assert unknown["text"] == "⚠️ 名册中找不到“@nobody”。请点选姓名或输入其 @用户名。"
    [ask_duration] = await h.say(li, li, "@wang")
    summary = await tap_next(h, li, ask_duration, li, "90")
    text = summary["text"]
    assert "支部委员会: 研究发展党员工作" in text and "时间：2026-12-03 19:30–21:00（90 分钟）" in text
    assert "地点：党员活动室" in text and "主持人：Li · 记录人：Wang" in text and "应参加：支委委员" in text
    assert "会前提醒：1d, 1h" in text
    called = await tap_next(h, li, summary, li, "确认")
    assert called["text"] == "✅ 会议已召集，通知已发到“第一党支部”群内。"

    # The notice in the group; 参加 / 请假.
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [notice] = await bot_posts(h, chat, before)
    assert notice["text"].startswith("📣 会议通知") and "请在 2026-12-03 17:30 前点“请假”" in notice["text"]
    attend = await h.tap(chat, notice["message_id"], sun, button(notice, "参加"))
    assert attend["text"] == "已记录：你将参加。"
    asked = await h.tap(chat, notice["message_id"], wang, button(notice, "请假"))
    assert asked["text"] == "我已私聊你询问请假事由。"
    [reason_q] = await h.bot_messages(wang, await h.last_message_id(wang) - 1)
    assert "请用一条消息写明请假事由" in reason_q["text"]
    [sent] = await h.say(wang, wang, "出差")
    assert sent["text"] == "请假申请已发给书记，审批结果会通知你。"
    not_started = await h.tap(chat, notice["message_id"], zhao, button(notice, "请假"))
    assert not_started["url"].endswith(f"start=mtl{notice['buttons'][0][0]['callback_data'].split(':')[2]}")
    ask_reason = await h.start(zhao, not_started["url"].split("start=")[1])
    assert "你正在为以下会议请假" in ask_reason["text"]
    await h.say(zhao, zhao, "加班")

    # The secretary decides; each member is told.
    before_li = await h.last_message_id(li)
    await send_due_meetings(h)
    requests = await bot_posts(h, li, before_li)
    assert [r["text"].split("\n")[0] for r in requests] == ["🙋 请假申请：Wang", "🙋 请假申请：Zhao"]
    assert "事由：出差" in requests[0]["text"]
    approved = await tap_next(h, li, requests[0], li, "批准")
    assert approved["text"] == "✅ 已批准：Wang 请假。"
    rejected = await tap_next(h, li, requests[1], li, "驳回")
    assert rejected["text"] == "❌ 已驳回：Zhao 请假。"
    before_wang, before_zhao = await h.last_message_id(wang), await h.last_message_id(zhao)
    await send_due_meetings(h)
    [told_wang] = await bot_posts(h, wang, before_wang)
    [told_zhao] = await bot_posts(h, zhao, before_zhao)
    assert told_wang["text"].startswith("✅ Li 已批准你本次会议的请假")
    assert told_zhao["text"].startswith("❌ Li 驳回了你本次会议的请假")

    # Reminders a day before: the group, and in private Zhao (leave rejected) — not Li (the host: taken as
    # attending), not Wang (excused), not Sun (not expected), not Qian and Zhou (never started me).
    marks = {who: await h.last_message_id(who) for who in (chat, li, wang, zhao, sun)}
    at(h, START - timedelta(days=1))
    await send_due_meetings(h)
    got = {who: await bot_posts(h, who, mark) for who, mark in marks.items()}
    assert [len(got[who]) for who in (chat, li, wang, zhao, sun)] == [1, 0, 0, 1, 0]
    assert got[zhao][0]["text"].startswith("⏰ 会议提醒：会议将在 1 天后开始。")
    assert [b["text"] for b in got[zhao][0]["buttons"][0]] == ["参加", "请假"]
    at(h, START - timedelta(minutes=21))
    marks = {who: await h.last_message_id(who) for who in (chat, li, zhao)}
    await send_due_meetings(h)  # the hour's reminder was due at 18:30: past its 15 minutes' grace it is never sent late
    assert all([not await bot_posts(h, who, mark) for who, mark in marks.items()])

    # 签到: Li on time, Zhao late, Sun after the window; Zhou by 代签; the close.
    at(h, START - timedelta(minutes=20))
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [open_msg] = await bot_posts(h, chat, before)
    assert open_msg["text"].startswith("✍️ 签到开始，19:50 截止。")
    on_time = await h.tap(chat, open_msg["message_id"], li, button(open_msg, "签到"))
    assert on_time["text"] == "✅ 签到成功，按时到会。"
    at(h, START + timedelta(minutes=5))
    late = await h.tap(chat, open_msg["message_id"], zhao, button(open_msg, "签到"))
    assert late["text"] == "✅ 签到成功——会议开始后签到，记为迟到。"
    [sheet] = await h.say(li, li, "/attendance")
    assert "应到 5 人 · 实到 2 人（迟到 1）· 请假 1 人 · 未签到 2 人" in sheet["text"]
    assert "未签到：Qian、Zhou" in sheet["text"]
    proxy = await h.tap(li, sheet["message_id"], li, button(sheet, "代签：Zhou"))
    assert proxy["text"] == "已记录：Zhou"
    at(h, START + timedelta(minutes=21))
    closed = await h.tap(chat, open_msg["message_id"], sun, button(open_msg, "签到"))
    assert closed["text"] == "本次会议签到已结束。"
    before_li = await h.last_message_id(li)
    await send_due_meetings(h)
    [summary_msg] = await bot_posts(h, li, before_li)
    text = summary_msg["text"]
    assert "应到 5 人（正式 5，预备 0）· 实到 3 人（正式 3，预备 0）· 请假 1 人 · 缺席 1 人" in text
    assert "出席：Li、Zhou" in text and "迟到：Zhao" in text and "请假：Wang（出差）" in text and "缺席：Qian" in text
    assert h.unhandled() == []


async def test_a_party_lecture_called_in_the_group_in_english_with_a_code(
        sqlite_template: Path, tmp_path: Path) -> None:
    """In an English branch the secretary calls a 党课 in the group (going back once), with a sign-in code sent
    to her in private; members sign in with the code (a wrong one refused), one is recorded offline, and the
    summary counts everyone expected."""
    target = tmp_path / "en.db"
    shutil.copyfile(sqlite_template, target)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}", default_locale="en"):
        anna, ben, cara, dan = [await h.user(n, language_code="en") for n in ("Anna", "Ben", "Cara", "Dan")]
        chat = await registered_branch(h, anna, ben, cara, dan)
        for member in (ben, cara, dan):
            await h.say(chat, member, "/join")
        for member in (anna, ben):
            await h.start(member)
        [refused] = await h.say(chat, ben, "/meeting")
        assert refused["text"] == "Sorry, only this branch's secretary or an admin can do this."
        [ask_type] = await h.say(chat, anna, "/meeting")
        assert ask_type["text"].startswith("Call a meeting for 第一党支部. Which type?")
        ask_topic = await tap_next(h, chat, ask_type, anna, "Party lecture")
        assert ask_topic["text"] == "Party lecture: type the topic."
        back = await tap_next(h, chat, ask_topic, anna, "Back")
        ask_topic = await tap_next(h, chat, back, anna, "Party lecture")
        [ask_lesson] = await h.say(chat, anna, "Learning the Party Constitution")
        assert ask_lesson["text"].startswith("Which lesson does this party lecture teach?")
        ask_when = await tap_next(h, chat, ask_lesson, anna, "No lesson")
        assert ask_when["text"].startswith("When does it start?") and "(Asia/Shanghai)" in ask_when["text"]
        [repeating] = await h.say(chat, anna, "every Monday 19:30")
        assert repeating["text"].startswith("⚠️ A meeting needs one date and time")
        [ask_place] = await h.say(chat, anna, "2026-12-03 19:30")
        assert ask_place["text"].startswith("Where?")
        [ask_host] = await h.say(chat, anna, "https://meeting.example/abc")
        ask_recorder = await tap_next(h, chat, ask_host, anna, "Skip")
        ask_duration = await tap_next(h, chat, ask_recorder, anna, "Skip")
        summary = await tap_next(h, chat, ask_duration, anna, "1 hour")
        summary = await tap_next(h, chat, summary, anna, "Sign-in code: turn on")
        assert "Repeats: no (a one-off meeting)" in summary["text"]
        summary = await tap_next(h, chat, summary, anna, "Repeat: change")
        assert "Repeats: every week, same day and time" in summary["text"]
        assert "Online: https://meeting.example/abc" in summary["text"]
        assert "Sign-in code: on (typed to me in private)" in summary["text"]
        assert "Expected: all members" in summary["text"]
        before_anna = await h.last_message_id(anna)
        called = await tap_next(h, chat, summary, anna, "Confirm")
        assert called["text"].startswith("✅ Meeting called") and "sent to you in private" in called["text"]
        [code_msg] = await bot_posts(h, anna, before_anna)
        code = code_msg["text"].split(": ")[1].split(" ")[0]
        assert len(code) == 6 and code.isdigit()

        at(h, START - timedelta(minutes=10))
        before = await h.last_message_id(chat)
        await send_due_meetings(h)
        notice, open_msg = await bot_posts(h, chat, before)
        assert notice["text"].startswith("📣 Meeting notice") and "Party lecture" in notice["text"]
        assert "send me the code shown at the meeting" in open_msg["text"]
        asked = await h.tap(chat, open_msg["message_id"], ben, button(open_msg, "Sign in"))
        assert asked["text"] == "This meeting signs in with a code: I asked you for it in private."
        [wrong] = await h.say(ben, ben, "000000" if code != "000000" else "111111")
        assert wrong["text"].startswith("That code is not right")
        [right] = await h.say(ben, ben, code)
        assert right["text"] == "✅ Signed in, on time."
        [by_command] = await h.say(anna, anna, f"/signin {code}")
        assert by_command["text"] == "✅ Signed in, on time."
        [sheet] = await h.say(chat, anna, "/attendance")
        assert "Expected 4 · Present 2 (late 0) · On leave 0 · Not signed in 2" in sheet["text"]
        offline = await h.tap(chat, sheet["message_id"], anna, button(sheet, "Offline: Cara"))
        assert offline["text"] == "Recorded: Cara"
        at(h, START + timedelta(minutes=21))
        before_anna = await h.last_message_id(anna)
        await send_due_meetings(h)
        [summary_msg] = await bot_posts(h, anna, before_anna)
        assert ("Expected 4 (full 4, probationary 0) · Present 3 (full 3, probationary 0) · On leave 0 · Absent 1"
                in summary_msg["text"])
        assert "Absent: Dan" in summary_msg["text"]
        assert h.unhandled() == []


async def test_a_party_lecture_is_given_a_lesson_from_the_library(harness: Harness) -> None:
    """Calling a 党课, the wizard asks which lesson it teaches (pages of the library, “No lesson”); an unknown title
    is refused with the reason, a typed title is taken, and the summary and the group's notice name the lesson."""
    h = harness
    li, wang = await h.user("Li"), await h.user("Wang")
    chat = await registered_branch(h, li, wang)
    await h.start(li)
    [ask_type] = await h.say(li, li, "/meeting")
    ask_topic = await tap_next(h, li, ask_type, li, "党课")
    [ask_lesson] = await h.say(li, li, "学习党章")
    assert ask_lesson["text"].startswith("这次党课讲哪一课？")
    labels = [b["text"] for row in ask_lesson["buttons"] for b in row]
    assert len(labels) == 8 + 1 + 1 + 2 and "下一页 ▶" in labels and "不关联课程" in labels  # a page, paging, nav
    following = await tap_next(h, li, ask_lesson, li, "下一页")
    assert "◀ 上一页" in [b["text"] for row in following["buttons"] for b in row]
    [unknown] = await h.say(li, li, "不存在的课")
    assert unknown["text"] == "⚠️ 课程库中没有“不存在的课”这一课。请点选课程，或点“不关联课程”。"
    [ask_when] = await h.say(li, li, "遵义会议：生死攸关的转折点")
    assert ask_when["text"].startswith("会议何时开始？") and ask_topic["text"] == "党课：请输入会议议题。"
    [ask_place] = await h.say(li, li, "2026-12-03 19:30")
    assert ask_place["text"].startswith("会议地点？")
    [ask_host] = await h.say(li, li, "党员活动室")
    ask_recorder = await tap_next(h, li, ask_host, li, "跳过")
    ask_duration = await tap_next(h, li, ask_recorder, li, "跳过")
    summary = await tap_next(h, li, ask_duration, li, "90")
    assert "课程：遵义会议：生死攸关的转折点" in summary["text"]
    await tap_next(h, li, summary, li, "确认")
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [notice] = await bot_posts(h, chat, before)
    assert "课程：遵义会议：生死攸关的转折点" in notice["text"]
    assert h.unhandled() == []
