"""/upcoming lists the branch's meeting series and the meetings called, and a secretary stops a series there:
confirmed, refused to a member, no further meeting called by the engine, a stale button answered.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai (02:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from lesson_bot.bot.handlers.schedules.upcoming import LIMIT
from lesson_bot.db.models import AuditEntry, Meeting, Schedule
from lesson_bot.domain.enums import AuditOutcome, MeetingStatus, ScheduleStatus
from lesson_bot.services.meetings.calls import MeetingDraft
from tests.support.bot import START, Harness, at, registered_branch
from tests.support.engine import send_due_meetings
from tests.support.wizards import TOPIC, button, buttons, press, series_ids, weekly_congress_by_wizard
from tgrules.limits import MESSAGE_TEXT_MAX

REFUSED = "抱歉，只有本支部书记或管理员可以执行此操作。"


async def meetings(h: Harness) -> list[tuple[datetime, MeetingStatus]]:
    async with h.services.db.transaction() as s:
        return [(row.starts_at, row.status) for row in
                (await s.execute(select(Meeting).order_by(Meeting.starts_at))).scalars()]


async def test_a_weekly_meeting_series_is_listed_and_stopped_in_chinese(harness: Harness) -> None:
    """The series and its called meeting are listed; Zhao (a member) is refused at both taps; Li stops it after
    confirming and is told the called meeting stays; the engine then calls no next meeting; a stale confirm
    button says the series is already stopped and changes nothing."""
    h = harness
    li, zhao = await h.user("Li"), await h.user("Zhao")
    chat = await registered_branch(h, li, zhao)
    series = await weekly_congress_by_wizard(h, li)

    [listing] = await h.say(chat, li, "/upcoming")
    text = listing["text"]
    assert text.startswith("“第一党支部”即将推送（Asia/Shanghai 时间）\n"
                           "尚未安排课程：单课用 /schedule，整个系列用 /plan。\n")
    assert f"• 2026-12-03（周四）19:30 — 支部党员大会：{TOPIC}（定期会议 #{series}）" in text
    assert (f"#{series} 支部党员大会“{TOPIC}” — 每周四 19:30（Asia/Shanghai）；下次：2026-12-10（周四）19:30"
            in text)
    assert "停止定期会议后不再召集新的会议；已召集的会议保留" in text
    assert buttons(listing) == [f"⏹ 停止定期会议 #{series}"]

    refused = await h.tap(chat, listing["message_id"], zhao, button(listing, "停止"))
    assert refused["text"] == REFUSED
    [stale] = await h.say(chat, li, "/upcoming")  # a second listing, its button used after the stop
    stale = await press(h, chat, stale, li, "停止定期会议")
    confirm = await press(h, chat, listing, li, "停止定期会议")
    assert confirm["text"].startswith(f"停止定期会议 #{series}（支部党员大会，每周四 19:30（Asia/Shanghai））？此后不再"
                                      "召集新的会议；原定下次为 2026-12-10（周四）19:30。")
    assert "已召集的会议保持不变；如需取消某次会议，请用 /meetings。" in confirm["text"]
    assert buttons(confirm) == ["确认停止", "◀ 返回"]
    refused = await h.tap(chat, confirm["message_id"], zhao, button(confirm, "确认停止"))
    assert refused["text"] == REFUSED

    done = await press(h, chat, confirm, li, "确认停止")
    assert done["text"].startswith(f"⏹ 已停止定期会议 #{series}（支部党员大会）：不再召集新的会议。\n"
                                   "已召集的 1 次会议保留，可在 /meetings 中取消。")
    assert f"• 2026-12-03（周四）19:30 — 支部党员大会：{TOPIC}" in done["text"]
    assert "下次：" not in done["text"] and not done.get("buttons")

    at(h, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))  # the 10th's meeting would be called from 11:30 UTC today
    await send_due_meetings(h)
    assert await meetings(h) == [(START, MeetingStatus.SCHEDULED)]

    again = await press(h, chat, stale, li, "确认停止")
    assert again["text"].startswith(f"定期会议 #{series} 已停止，无需再操作。")
    async with h.services.db.transaction() as s:
        entries = (await s.execute(select(AuditEntry).where(AuditEntry.action == "schedule.manage")
                                   .order_by(AuditEntry.id))).scalars().all()
        status = (await s.execute(select(Schedule.status).where(Schedule.id == series))).scalar_one()
    assert status is ScheduleStatus.CANCELLED
    assert [(e.outcome, e.actor_telegram_id) for e in entries] == [
        (AuditOutcome.REFUSED, zhao), (AuditOutcome.REFUSED, zhao), (AuditOutcome.ALLOWED, li)]
    assert entries[-1].detail == {"admin": False, "cancelled_schedule": series, "rows": 0}
    assert h.unhandled() == []


async def test_a_monthly_series_is_stopped_in_english_and_a_stale_stop_button_is_answered(harness: Harness) -> None:
    """In English, in private: the series, the confirmation and the result; the stop button of an older listing
    then says the series is already stopped."""
    h = harness
    li = await h.user("Li", language_code="en")
    chat = await registered_branch(h, li)
    await h.start(li)
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    await h.services.meetings.call(li, branch.id, MeetingDraft("party_congress", "Study session", START, 120,
                                                               repeat="monthly"))
    [series] = await series_ids(h)
    [listing] = await h.say(li, li, "/upcoming")
    text = listing["text"]
    assert "No lesson is scheduled: /schedule for one lesson, /plan for a whole series." in text
    assert f"• Thu 2026-12-03 19:30 — Branch general meeting: Study session (series #{series})" in text
    assert (f"#{series} Branch general meeting “Study session” — On the 3rd of every month at 19:30 (Asia/Shanghai); "
            "next: Sun 2027-01-03 19:30") in text
    assert buttons(listing) == [f"⏹ Stop series #{series}"]
    [older] = await h.say(li, li, "/upcoming")

    confirm = await press(h, li, listing, li, "Stop series")
    assert confirm["text"] == (
        f"Stop meeting series #{series} (Branch general meeting, On the 3rd of every month at 19:30 (Asia/Shanghai))? "
        "No further meeting will be called from it; the next would start Sun 2027-01-03 19:30.\n"
        "Meetings already called stay as they are; to call one off, use /meetings.")
    done = await press(h, li, confirm, li, "Yes, stop the series")
    assert done["text"].startswith(f"⏹ Meeting series #{series} (Branch general meeting) stopped: no further "
                                   "meetings will be called.\nThe 1 meeting it already called stays; /meetings can "
                                   "call it off.")
    shown = await press(h, li, older, li, "Stop series")
    assert shown["text"].startswith(f"Meeting series #{series} is already stopped; nothing changed.")
    assert h.unhandled() == []


async def test_many_series_keep_the_listing_within_telegrams_limits(harness: Harness) -> None:
    """Twelve weekly series with the longest topics: the listing is sent (the sandbox refuses a text over 4096),
    shows LIMIT series with their stop buttons and says how many more there are."""
    h = harness
    li = await h.user("Li", language_code="en")
    chat = await registered_branch(h, li)
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    for day in range(12):
        start = START.replace(day=START.day + day)
        await h.services.meetings.call(li, branch.id, MeetingDraft("committee", f"{day:02d}" + "议" * 198, start,
                                                                   90, repeat="weekly"))
    await h.start(li)
    [listing] = await h.say(li, li, "/upcoming")
    assert len(listing["text"]) <= MESSAGE_TEXT_MAX
    stops = [label for label in buttons(listing) if label.startswith("⏹ Stop series")]
    assert len(stops) == LIMIT
    assert "… and 2 more: see /meetings" in listing["text"] and "… and 2 more\n" in listing["text"]
    assert h.unhandled() == []
