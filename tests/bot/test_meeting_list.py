"""/meetings: a secretary sees the branch's upcoming meetings with their 参加 / 请假 figures, calls one off (after
confirming: the group and those who answered are told, nothing queued for it goes out) and changes its reminders;
a member is refused.

The harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai; the meetings start Thu 2026-12-03 19:30.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lesson_bot.db.models import OutboxMessage
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.services.meetings.calls import MeetingDraft
from lesson_bot.services.meetings.ticks import MeetingTicker
from tests.support.bot import START, Harness, at, registered_branch, start_harness
from tests.support.engine import send_due_meetings
from tests.support.sandbox import bot_posts
from tests.support.wizards import button, buttons, press


async def _call(h: Harness, secretary: int, chat: int, *, repeat: str | None = None) -> int:
    """A 支部党员大会 (all members expected) at START, called through the service as the wizard would."""
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    view = await h.services.meetings.call(secretary, branch.id, MeetingDraft(
        type="party_congress", topic="学习党章", starts_at=START, minutes=90, place="党员活动室", repeat=repeat))
    return view.id


async def _reminder_rows(h: Harness, meeting_id: int) -> list[OutboxStatus]:
    async with h.services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage.status).where(
            OutboxMessage.dedupe_key.like(f"mt:{meeting_id}:rem:%")))).scalars().all())


async def test_a_meeting_is_listed_and_called_off_after_confirming(harness: Harness) -> None:
    """The list shows the meeting in local time with 参加 1 · 请假 0; a member is refused (command and button);
    calling it off asks first, then the group and Wang (who said 参加) are told, the reminders already queued are
    withdrawn and neither they nor the 签到 button ever reach anyone."""
    h = harness
    li, wang, zhao = [await h.user(n) for n in ("Li", "Wang", "Zhao")]
    chat = await registered_branch(h, li, wang, zhao)
    for member in (wang, zhao):
        await h.say(chat, member, "/join")
    for member in (li, wang, zhao):
        await h.start(member)
    meeting_id = await _call(h, li, chat)
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    [notice] = await bot_posts(h, chat, before)
    assert (await h.tap(chat, notice["message_id"], wang, button(notice, "参加")))["text"] == "已记录：你将参加。"

    [listing] = await h.say(li, li, "/meetings")
    text = listing["text"]
    assert "第一党支部近期会议（时间为 Asia/Shanghai）" in text
    assert f"#{meeting_id} 支部党员大会：学习党章" in text and "2026-12-03 19:30–21:00 · 党员活动室" in text
    assert "参加 1 · 请假 0" in text and "提醒：提前 1 天 + 1 小时" in text
    assert buttons(listing) == [f"取消 #{meeting_id}", f"提醒 #{meeting_id}"]

    # A day ahead the tick queues the reminders; they are still waiting when the secretary calls the meeting off.
    at(h, START - timedelta(days=1))
    services = h.services
    assert await MeetingTicker(services.db, services.clock, services.translator, services.meetings.types).tick() > 0
    assert set(await _reminder_rows(h, meeting_id)) == {OutboxStatus.PENDING}

    [refused] = await h.say(chat, wang, "/meetings")
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    [in_group] = await h.say(chat, li, "/meetings")
    tapped = await h.tap(chat, in_group["message_id"], wang, button(in_group, "取消"))
    assert tapped["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。" and tapped.get("show_alert")

    asked = await press(h, chat, in_group, li, "取消")
    assert asked["text"].startswith(f"确定取消 #{meeting_id} 支部党员大会“学习党章”（2026-12-03 19:30）吗？")
    assert buttons(asked) == ["确定取消", "◀ 返回"]
    back = await press(h, chat, asked, li, "返回")
    assert f"#{meeting_id} 支部党员大会" in back["text"]
    asked = await press(h, chat, back, li, "取消")
    done = await press(h, chat, asked, li, "确定取消")
    assert done["text"].startswith(f"🚫 #{meeting_id}“学习党章”已取消。\n正在通知群组。\n已私信告知 1 名回复过的成员。")
    assert "第一党支部”近期没有会议" in done["text"] and not done.get("buttons")
    assert set(await _reminder_rows(h, meeting_id)) == {OutboxStatus.CANCELLED}

    marks = {who: await h.last_message_id(who) for who in (chat, li, wang, zhao)}
    await send_due_meetings(h)
    got = {who: await bot_posts(h, who, mark) for who, mark in marks.items()}
    assert [m["text"].split("\n")[0] for m in got[chat]] == ["🚫 会议取消"]
    assert "学习党章" in got[chat][0]["text"]
    assert [m["text"].split("\n")[0] for m in got[wang]] == ["🚫 会议取消"]
    assert "无需参加，也不计缺席" in got[wang][0]["text"]
    assert got[li] == [] and got[zhao] == []  # no reminder for those who had not answered
    at(h, START - timedelta(minutes=20))
    before = await h.last_message_id(chat)
    await send_due_meetings(h)
    assert await bot_posts(h, chat, before) == []  # no 签到 button
    late = await h.tap(chat, notice["message_id"], zhao, button(notice, "参加"))
    assert late["text"] == "会议已开始或已取消，无需回复。"
    assert h.unhandled() == []


async def test_reminders_changed_to_one_hour_and_a_series_goes_on(sqlite_template: Path, tmp_path: Path) -> None:
    """In English: “Only 1 hour” leaves only the hour's reminder; calling off one meeting of a weekly series says
    the series goes on, and the next week's meeting is still called."""
    target = tmp_path / "en.db"
    shutil.copyfile(sqlite_template, target)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}", default_locale="en"):
        anna, ben = [await h.user(n, language_code="en") for n in ("Anna", "Ben")]
        chat = await registered_branch(h, anna, ben)
        await h.say(chat, ben, "/join")
        await h.start(anna)
        meeting_id = await _call(h, anna, chat, repeat="weekly")
        await send_due_meetings(h)

        [listing] = await h.say(anna, anna, "/meetings")
        assert "Reminders: 1 day + 1 hour before" in listing["text"]
        assert "🔁 one meeting of a recurring series" in listing["text"]
        choose = await press(h, anna, listing, anna, f"Reminders #{meeting_id}")
        assert choose["text"].startswith(
            f"Reminders for #{meeting_id} “学习党章” (2026-12-03 19:30): now 1 day + 1 hour before.")
        assert buttons(choose) == ["✓ 1 day + 1 hour", "Only 1 hour", "Only 1 day", "No reminders", "◀ Back"]
        changed = await press(h, anna, choose, anna, "Only 1 hour")
        assert changed["text"].startswith(f"✅ Reminders for #{meeting_id}: 1 hour before.")
        assert "Reminders: 1 hour before" in changed["text"]

        at(h, START - timedelta(days=1))
        before = await h.last_message_id(chat)
        await send_due_meetings(h)
        assert await bot_posts(h, chat, before) == []  # the day's reminder is gone
        at(h, START - timedelta(hours=1))
        await send_due_meetings(h)
        [reminder] = await bot_posts(h, chat, before)
        assert reminder["text"].startswith("⏰ Reminder: the meeting starts in 1 hour.")

        asked = await press(h, anna, changed, anna, f"Cancel #{meeting_id}")
        assert "only this meeting is called off, the series goes on" in asked["text"]
        done = await press(h, anna, asked, anna, "Yes, call it off")
        assert "The recurring series goes on: its next meeting will be called as usual." in done["text"]
        before = await h.last_message_id(chat)
        await send_due_meetings(h)
        [told] = await bot_posts(h, chat, before)
        assert told["text"].startswith("🚫 Meeting called off")
        assert "the next one of the series will be announced as usual" in told["text"]

        at(h, START + timedelta(days=1, minutes=1))  # six days before the next Thursday
        await send_due_meetings(h)
        [next_notice] = await bot_posts(h, chat, before + 1)
        assert next_notice["text"].startswith("📣 Meeting notice") and "2026-12-10 19:30" in next_notice["text"]
        [again] = await h.say(anna, anna, "/meetings")
        assert "2026-12-10 19:30" in again["text"] and f"#{meeting_id} " not in again["text"]
        assert h.unhandled() == []
