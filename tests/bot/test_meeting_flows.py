"""Meetings as a secretary and members live them (issue #20 items 1, 3, 4, 6), with the real bot against the
sandbox: the host and recorder are not asked to answer their own meeting; a leave request counts from the tap;
/attendance names who is in, on leave and missing and reminds the missing; /makeups says what is pending and why,
and the 补学 task tells approved leave from absence.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai; the meetings start Thu 2026-12-03 19:30.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lesson_bot.db.models import Member, Rsvp
from lesson_bot.services.meetings.calls import MeetingDraft
from tests.support.bot import (
    MEETING_START,
    START,
    Harness,
    at,
    private_messages,
    running_engine,
    started_committee_branch,
)
from tests.support.bot import registered_branch as register
from tests.support.engine import send_due_meetings
from tests.support.records import ABSENT, ON_LEAVE, SEC, add_meeting
from tests.support.sandbox import bot_posts
from tests.support.wizards import button, buttons


async def _member(h: Harness, user: int) -> int:
    async with h.services.db.transaction() as s:
        return int((await s.execute(select(Member.id).where(Member.telegram_user_id == user))).scalar_one())


async def _branch(h: Harness, *names: str, started: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """第一党支部 with Li as its secretary and `names` on the roster; those in `started` opened the bot in private."""
    people = {name: await h.user(name) for name in ("Li", *names)}
    chat = await register(h, people["Li"], *[people[name] for name in names])
    for name in names:
        await h.say(chat, people[name], "/join")
    for name in ("Li", *started):
        await h.start(people[name])
    return chat, people


async def _call(h: Harness, chat: int, people: dict[str, int], *, host: str | None = None,
                recorder: str | None = None) -> int:
    """A 支部党员大会 at START (everyone expected), called as the wizard would; its notice sent to the group."""
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    view = await h.services.meetings.call(people["Li"], branch.id, MeetingDraft(
        type="party_congress", topic="学习党章", starts_at=START, minutes=90, place="党员活动室",
        host_member_id=None if host is None else await _member(h, people[host]),
        recorder_member_id=None if recorder is None else await _member(h, people[recorder])))
    return view.id


async def test_the_host_and_the_recorder_are_taken_as_attending_and_never_asked_to_answer(harness: Harness) -> None:
    """Li hosts and Wang records: /meetings counts them as 参加 before anyone answers; the day before, only Zhao
    (no answer) is reminded in private with 参加 / 请假, not Li nor Wang; Wang may still ask for leave."""
    h = harness
    chat, p = await _branch(h, "Wang", "Zhao", started=("Wang", "Zhao"))
    await _call(h, chat, p, host="Li", recorder="Wang")
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [notice] = await bot_posts(h, chat, before)
    assert "主持人：Li · 记录人：Wang" in notice["text"]
    [listing] = await h.say(p["Li"], p["Li"], "/meetings")
    assert "参加 2 · 请假 0" in listing["text"], listing["text"]

    assert (await h.tap(chat, notice["message_id"], p["Wang"], button(notice, "请假")))["text"] == \
        "我已私聊你询问请假事由。"
    [sent] = await h.say(p["Wang"], p["Wang"], "出差")
    assert sent["text"] == "请假申请已发给书记，审批结果会通知你。"
    [listing] = await h.say(p["Li"], p["Li"], "/meetings")
    assert "参加 1 · 请假 1" in listing["text"], listing["text"]

    marks = {who: await h.last_message_id(p[who]) for who in ("Li", "Wang", "Zhao")}
    at(h, START - timedelta(days=1))
    await send_due_meetings(h)
    got = {who: [m for m in await bot_posts(h, p[who], mark) if m["text"].startswith("⏰")]
           for who, mark in marks.items()}
    assert {who: len(v) for who, v in got.items()} == {"Li": 0, "Wang": 0, "Zhao": 1}
    assert "你还没有回复：是否参加？" in got["Zhao"][0]["text"] and buttons(got["Zhao"][0]) == ["参加", "请假"]
    assert h.unhandled() == []


async def test_a_leave_request_counts_from_the_tap_and_the_prompt_says_until_when(harness: Harness) -> None:
    """Zhao taps 请假 at 17:30, the deadline: the prompt asks for the reason by 18:00, and his reason at 17:40 goes
    to the secretary. Qian's tap at 17:31 is too late; Sun also tapped at 17:30 but answers at 18:01: refused."""
    h = harness
    chat, p = await _branch(h, "Zhao", "Sun", "Qian", started=("Zhao", "Sun", "Qian"))
    await _call(h, chat, p)
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [notice] = await bot_posts(h, chat, before)

    at(h, START - timedelta(hours=2))  # 17:30, the leave deadline
    for who in ("Zhao", "Sun"):
        mark = await h.last_message_id(p[who])
        asked = await h.tap(chat, notice["message_id"], p[who], button(notice, "请假"))
        assert asked["text"] == "我已私聊你询问请假事由。"
        [prompt] = await h.bot_messages(p[who], mark)
        assert "请用一条消息写明请假事由，最晚 2026-12-03 18:00 前发送（请假从你点按时起算）。" in prompt["text"]
    at(h, START - timedelta(hours=1, minutes=59))  # 17:31: a tap after the deadline is refused at once
    refused = await h.tap(chat, notice["message_id"], p["Qian"], button(notice, "请假"))
    assert refused["text"].startswith("本次会议的请假已在开会前 2 小时截止") and refused.get("show_alert")
    at(h, START - timedelta(hours=1, minutes=50))  # 17:40
    [sent] = await h.say(p["Zhao"], p["Zhao"], "家中老人住院")
    assert sent["text"] == "请假申请已发给书记，审批结果会通知你。"
    at(h, START - timedelta(hours=1, minutes=29))  # 18:01, past the reason's half hour
    [late] = await h.say(p["Sun"], p["Sun"], "临时出差")
    assert late["text"].startswith("本次会议的请假已在开会前 2 小时截止")

    before_li = await h.last_message_id(p["Li"])
    await send_due_meetings(h)
    requests = await bot_posts(h, p["Li"], before_li)
    assert [r["text"].split("\n")[0] for r in requests] == ["🙋 请假申请：Zhao"]
    assert h.unhandled() == []


async def test_attendance_names_who_is_in_on_leave_and_missing_and_reminds_the_missing(harness: Harness) -> None:
    """During the window /attendance lists 已签到 (Zhao late), 请假 (Wang, with his reason) and 未签到; “提醒”
    writes to Sun in private (with the 签到 button, which signs him in) and names Qian, who never started the bot,
    in the group; a member cannot use the button."""
    h = harness
    chat, p = await _branch(h, "Wang", "Zhao", "Sun", "Qian", started=("Wang", "Zhao", "Sun"))
    meeting_id = await _call(h, chat, p)
    await send_due_meetings(h)
    [notice] = [m for m in (await h.control.transcript(chat))["messages"] if (m["text"] or "").startswith("📣")]
    await h.tap(chat, notice["message_id"], p["Wang"], button(notice, "请假"))
    await h.say(p["Wang"], p["Wang"], "出差")
    decision = await h.services.rsvp.decide(p["Li"], await _rsvp(h, meeting_id, p["Wang"]), approve=True)
    assert decision.approved

    at(h, START - timedelta(minutes=20))
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [opened] = await bot_posts(h, chat, before)
    await h.tap(chat, opened["message_id"], p["Li"], button(opened, "签到"))
    at(h, START + timedelta(minutes=5))
    await h.tap(chat, opened["message_id"], p["Zhao"], button(opened, "签到"))

    [sheet] = await h.say(p["Li"], p["Li"], "/attendance")
    text = sheet["text"]
    assert "应到 5 人 · 实到 2 人（迟到 1）· 请假 1 人 · 未签到 2 人" in text, text
    assert "已签到：Li、Zhao（迟到）" in text and "请假：Wang（出差）" in text and "未签到：Qian、Sun" in text
    assert buttons(sheet)[-1] == "🔔 提醒未签到的 2 人"
    [in_group] = await h.say(chat, p["Li"], "/attendance")
    refused = await h.tap(chat, in_group["message_id"], p["Sun"], button(in_group, "提醒"))
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"

    reminded = await h.tap(p["Li"], sheet["message_id"], p["Li"], button(sheet, "提醒"))
    assert reminded["text"] == "已私聊提醒：Sun\n已在群内点名：Qian" and reminded.get("show_alert")
    marks = {who: await h.last_message_id(p[who]) for who in ("Sun", "Zhao", "Wang")}
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [nudge] = await bot_posts(h, p["Sun"], marks["Sun"])
    assert nudge["text"].startswith("⏰ 签到已开始，你还没有签到，19:50 截止。") and buttons(nudge) == ["签到"]
    assert all([not await bot_posts(h, p[who], marks[who]) for who in ("Zhao", "Wang")])
    [named] = await bot_posts(h, chat, before)
    assert named["text"] == "⏰ 尚未签到：Qian。请在 19:50 前点上方的“签到”。"
    assert [e["user"]["id"] for e in named["entities"] if e["type"] == "text_mention"] == [p["Qian"]]
    signed = await h.tap(p["Sun"], nudge["message_id"], p["Sun"], button(nudge, "签到"))
    assert signed["text"] == "✅ 签到成功——会议开始后签到，记为迟到。"
    [sheet] = await h.say(p["Li"], p["Li"], "/attendance")
    assert "已签到：Li、Sun（迟到）、Zhao（迟到）" in sheet["text"] and "未签到：Qian" in sheet["text"]
    assert h.unhandled() == []


async def _rsvp(h: Harness, meeting_id: int, user: int) -> int:
    member = await _member(h, user)
    async with h.services.db.transaction() as s:
        return int((await s.execute(select(Rsvp.id).where(Rsvp.meeting_id == meeting_id,
                                                          Rsvp.member_id == member))).scalar_one())


async def test_makeups_say_what_waits_for_the_minutes_and_the_task_tells_leave_from_absence(
        harness: Harness) -> None:
    """At the close of a 支委会, /makeups lists 赵六 (on leave) and 孙八 (absent) as waiting for the minutes, not as
    owing; once the minutes are recorded, 赵六's task reads 您请假未参加 and 孙八's 您未参加, and /makeups then
    lists them as 尚未补学."""
    h, sec = harness, SEC.telegram_user_id
    branch_id = await started_committee_branch(h)
    meeting_id = await add_meeting(h.services.db, branch_id, roster_before=True, start=MEETING_START)
    [shown] = await h.say(sec, sec, "/makeups")
    assert "补学待发（等会议纪要，用 /record 记录后发送）：" in shown["text"], shown["text"]
    waiting = shown["text"].split("补学待发（等会议纪要，用 /record 记录后发送）：")[1].split("\n")[0]
    assert sorted(waiting.split("、")) == sorted(["赵六", "孙八"]) and "尚未补学" not in shown["text"]

    await h.services.records.submit(sec, meeting_id, minutes="一、传达学习上级文件精神。", decisions="决议一")
    absent_before = await h.last_message_id(ABSENT.telegram_user_id)
    leave_before = await h.last_message_id(ON_LEAVE.telegram_user_id)
    async with running_engine(h):
        [absent_task] = await private_messages(h, ABSENT, absent_before)
        [leave_task] = await private_messages(h, ON_LEAVE, leave_before)
    assert "补学：您请假未参加 2026-11-30 20:00 的支部委员会“研究十二月工作”" in leave_task["text"], leave_task["text"]
    assert "补学：您未参加 2026-11-30 20:00 的支部委员会“研究十二月工作”" in absent_task["text"], absent_task["text"]
    [shown] = await h.say(sec, sec, "/makeups")
    owing = shown["text"].split("尚未补学：")[1].split("\n")[0]
    assert sorted(owing.split("、")) == sorted(["赵六", "孙八"]) and "补学待发" not in shown["text"]
    assert h.unhandled() == []
