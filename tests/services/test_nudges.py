"""Nudges reach exactly the right people: due time, quiet hours, check-ins, leave, reachability, the group limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from lesson_bot.bot.texts.lessons.nudges import NudgeTexts
from lesson_bot.db.models import Meeting, OutboxMessage, Rsvp
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, RsvpAnswer
from lesson_bot.domain.nudge_rules import NudgeRules
from lesson_bot.i18n import Translator
from lesson_bot.services.lessons.nudge_ticks import NudgeJob
from lesson_bot.services.lessons.nudges import NudgeService
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.support.progress import Delivered, deliver_lesson, member_id
from tests.support.services import Services

SEC = Person(101, "李书记", "li")
BOB = Person(202, "Bob", "bob")  # started the bot
CAROL = Person(303, "Carol", "carol")  # started, checks in
DAN = Person(404, "Dan <b>", "dan")  # never started: mentioned in the group (name escaped)
EVE = Person(505, "Eve", "eve")  # started, on approved leave
GROUP = -100600
DAY = timedelta(days=1)


@dataclass
class Branch:
    id: int
    lesson: Delivered
    job: NudgeJob


async def branch(services: Services, rules: NudgeRules | None = None) -> Branch:
    """Li (secretary), Bob, Carol, Dan, Eve and Gao (known only by @gao from the roster file); a lesson delivered
    now (10:00 in Shanghai) that Carol checks in to; Eve has approved leave for a meeting this afternoon."""
    registered = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans",
                                                  is_group_admin=True)
    for person in (BOB, CAROL, DAN, EVE):
        await services.roster.seen(GROUP, person)
    for person in (SEC, BOB, CAROL, EVE):
        await services.roster.start(person, None)
    await services.roster.import_csv(SEC.telegram_user_id, registered.id,
                                     "name,telegram,role,status\n高同志,@gao_tongzhi,member,full\n".encode())
    now = services.clock.now()
    lesson = await deliver_lesson(services.db, registered.id, GROUP, "red-first-congress", now, message_id=77)
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(lesson.delivery_id, GROUP, CAROL)
    await recorder.aclose()
    async with services.db.transaction() as s:
        meeting = Meeting(branch_id=registered.id, type="party_congress", topic="党员大会",
                          starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6),
                          status=MeetingStatus.SCHEDULED, settings={})
        s.add(meeting)
        await s.flush()
        s.add(Rsvp(meeting_id=meeting.id, member_id=await member_id(services.db, EVE), answer=RsvpAnswer.LEAVE,
                   reason="出差", leave_status=LeaveStatus.APPROVED, answered_at=now))
    service = NudgeService(services.db, services.clock, rules or NudgeRules())
    return Branch(registered.id, lesson, NudgeJob(service, services.db, services.clock, NudgeTexts(Translator())))


async def nudges(services: Services) -> list[OutboxMessage]:
    async with services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).where(OutboxMessage.kind == "nudge")
                                     .order_by(OutboxMessage.id))).scalars())


def text(row: OutboxMessage) -> str:
    return str(row.payload["params"]["text"])


def by_chat(rows: list[OutboxMessage]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.chat_id, []).append(row.payload)
    return found


async def test_the_nudge_reaches_each_missing_member_once_by_the_right_way(services: Services) -> None:
    """Not before 24 h. Then: Li and Bob in private with a 补学 button; Dan and Gao mentioned in the group (by id,
    by @username) in reply to the lesson; Carol (studied) and Eve (on leave) left alone; Li gets the summary.
    Another round adds nothing."""
    story = await branch(services)
    start = services.clock.now()
    services.clock.set(start + timedelta(hours=23, minutes=59))
    assert await story.job.run() == 0
    services.clock.set(start + DAY)
    assert await story.job.run() == 4
    rows = await nudges(services)
    chats = by_chat(rows)
    assert set(chats) == {SEC.telegram_user_id, BOB.telegram_user_id, GROUP}
    [bob] = chats[BOB.telegram_user_id]
    assert "你还没有学习“中共一大：开天辟地的大事变”" in bob["params"]["text"]
    assert bob["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
        f"mk:start:{story.lesson.delivery_id}")
    [group] = chats[GROUP]
    assert group["params"]["reply_to_message_id"] == 77
    assert '<a href="tg://user?id=404">Dan &lt;b&gt;</a>' in group["params"]["text"]
    assert "@gao_tongzhi" in group["params"]["text"]
    assert "Carol" not in group["params"]["text"] and "Eve" not in group["params"]["text"]
    nudge, summary = chats[SEC.telegram_user_id]
    assert "补学" in str(nudge["params"]["reply_markup"])
    assert "已学习：1/6" in summary["params"]["text"]
    assert "私信提醒（2）：李书记、Bob" in summary["params"]["text"]
    assert "群内提醒（2）：Dan &lt;b&gt;、高同志" in summary["params"]["text"]
    assert "已批准请假，未提醒（1）：Eve" in summary["params"]["text"]
    # Sent before the quiet hours begin (22:00 in Shanghai), or not at all.
    assert {row.not_after for row in rows} == {start + DAY + timedelta(hours=12)}
    services.clock.set(start + DAY + timedelta(hours=2))
    assert await story.job.run() == 0


async def test_nothing_goes_in_quiet_hours_what_falls_due_waits_for_the_morning(services: Services) -> None:
    """A lesson delivered at 23:30 local falls due at 23:30 the next day: nothing until 08:00, then the nudges."""
    services.clock.set(services.clock.now() + timedelta(hours=13, minutes=30))  # 23:30 in Shanghai
    story = await branch(services)
    start = services.clock.now()
    services.clock.set(start + DAY)
    assert await story.job.run() == 0
    services.clock.set(start + DAY + timedelta(hours=8, minutes=29))  # 07:59
    assert await story.job.run() == 0
    services.clock.set(start + DAY + timedelta(hours=8, minutes=30))  # 08:00
    assert await story.job.run() == 4


async def test_one_group_mention_a_day_the_next_waits_for_tomorrow(services: Services) -> None:
    """Two lessons due the same day: the first's group mention goes, the second's waits for the next day (its
    private nudges and summary do not wait; the summary says so); then it goes, once."""
    story = await branch(services)
    start = services.clock.now()
    second = await deliver_lesson(services.db, story.id, GROUP, "red-long-march", start + timedelta(hours=1),
                                  message_id=88)
    services.clock.set(start + DAY + timedelta(hours=1))
    await story.job.run()
    rows = await nudges(services)
    assert [row.dedupe_key for row in rows if row.chat_id == GROUP] == [
        f"nudge:group:{story.lesson.delivery_id}:part:0"]
    summary = [text(r) for r in rows if r.dedupe_key == f"nudge:summary:{second.delivery_id}:"
               f"{await member_id(services.db, SEC)}"]
    assert "明天在群内提醒" in summary[0] and "Dan &lt;b&gt;、高同志" in summary[0]
    assert sum(1 for r in rows if r.chat_id == BOB.telegram_user_id) == 2  # one per lesson, none waits
    services.clock.set(start + DAY + timedelta(hours=12))  # 22:00: quiet
    assert await story.job.run() == 0
    services.clock.set(start + 2 * DAY)  # 10:00 the next day
    assert await story.job.run() == 1
    latest = (await nudges(services))[-1]
    assert (latest.chat_id, latest.payload["params"]["reply_to_message_id"]) == (GROUP, 88)
    assert await story.job.run() == 0


async def test_a_member_who_blocked_the_bot_is_mentioned_in_the_group(services: Services) -> None:
    """Bob blocked the bot: no private nudge for him; he is mentioned in the group instead."""
    story = await branch(services)
    await services.roster.blocked(BOB.telegram_user_id)
    services.clock.set(services.clock.now() + DAY)
    await story.job.run()
    chats = by_chat(await nudges(services))
    assert BOB.telegram_user_id not in chats
    assert '<a href="tg://user?id=202">Bob</a>' in chats[GROUP][0]["params"]["text"]


async def test_old_lessons_and_disabled_group_mentions(services: Services) -> None:
    """A lesson older than the window is not nudged; with no group messages allowed, only private nudges go."""
    story = await branch(services, NudgeRules(group_per_day=0, window=timedelta(days=2)))
    start = services.clock.now()
    services.clock.set(start + DAY)
    await story.job.run()
    assert GROUP not in by_chat(await nudges(services))
    await deliver_lesson(services.db, story.id, GROUP, "red-long-march", start - 3 * DAY, message_id=99)
    assert await story.job.run() == 0
