"""A member who leaves and comes back keeps their history: what happened while they were on the roster is theirs
(missed or studied), what happened while they were away is not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lesson_bot.db.models import Meeting, Member, SignIn
from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus, SignInMethod
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.lessons.makeup import MakeupService, NotConcerned
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.meetings.signin import SignInService
from lesson_bot.services.meetings.views import meeting_tally
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.makeup import deliver_to_group
from tests.support.progress import BOB, CAROL, DAN, SEC
from tests.support.services import Services

GROUP = -100777
BUTTON = "✅ 已学习"


@dataclass
class Story:
    branch_id: int
    t0: datetime
    lesson1: int  # delivery ids
    lesson2: int
    meeting_a: int  # while Bob was on the roster; he missed it
    meeting_b: int  # while Bob was away


async def held(services: Services, branch_id: int, starts_at: datetime, present: list[Person]) -> int:
    """A 党员大会 at `starts_at`, its sign-in window closed an hour later, `present` signed in."""
    async with services.db.transaction() as s:
        meeting = Meeting(branch_id=branch_id, type="party_congress", topic="党员大会", starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=1), status=MeetingStatus.HELD, settings={},
                          attendance_closed_at=starts_at + timedelta(hours=1))
        s.add(meeting)
        await s.flush()
        for person in present:
            member = (await s.execute(select(Member.id).where(Member.telegram_user_id == person.telegram_user_id))
                      ).scalar_one()
            s.add(SignIn(meeting_id=meeting.id, member_id=member, method=SignInMethod.BUTTON, late=False,
                         signed_at=starts_at))
        return meeting.id


async def before_return(services: Services) -> Story:
    """Li (secretary), Bob, Carol and Dan on the roster. Lesson 1 and meeting A: Bob misses both, Carol studies and
    attends. Then Bob and Dan leave; lesson 2 and meeting B happen while they are away. The clock is then at day 3."""
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    t0 = services.clock.now()
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    for person in (BOB, CAROL, DAN):
        await services.roster.seen(GROUP, person)
    lesson1 = await deliver_to_group(services, branch.id, "red-first-congress", t0 + timedelta(hours=1))
    recorder = ParticipationRecorder(services.db, services.clock)
    services.clock.set(t0 + timedelta(hours=2))
    await recorder.record_checkin(lesson1, GROUP, CAROL)
    await recorder.aclose()
    meeting_a = await held(services, branch.id, t0 + timedelta(hours=3), [CAROL])
    services.clock.set(t0 + timedelta(days=1))
    assert await services.roster.left(GROUP, BOB.telegram_user_id)
    assert await services.roster.left(GROUP, DAN.telegram_user_id)
    lesson2 = await deliver_to_group(services, branch.id, "red-nanchang-uprising", t0 + timedelta(days=2))
    meeting_b = await held(services, branch.id, t0 + timedelta(days=2, hours=1), [CAROL])
    services.clock.set(t0 + timedelta(days=3))
    return Story(branch.id, t0, lesson1, lesson2, meeting_a, meeting_b)


async def test_a_member_back_after_leaving_keeps_what_they_missed_and_owes_nothing_from_the_time_away(
        services: Services) -> None:
    """Bob missed lesson 1 and meeting A, left, and came back (wrote in the group) before lesson 3, which he
    studied, and meeting C, which he attended. /me: 2 lessons (1 on time, 1 missed), meetings 1 attended and 1
    absent; /lessons offers lesson 1 only and 补学 of lesson 2 is refused; /progress of lesson 1 lists him missing,
    of lesson 2 not at all; meeting B's attendance does not expect him. Dan, who left for good, is not missing from
    lesson 2, and lesson 1 is still on his own list."""
    story = await before_return(services)
    t0 = story.t0
    assert await services.roster.seen(GROUP, BOB)
    lesson3 = await deliver_to_group(services, story.branch_id, "red-zunyi-conference", t0 + timedelta(days=4))
    services.clock.set(t0 + timedelta(days=4, hours=1))
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(lesson3, GROUP, BOB)
    await recorder.aclose()
    meeting_c = await held(services, story.branch_id, t0 + timedelta(days=4, hours=2), [BOB, CAROL])
    services.clock.set(t0 + timedelta(days=5))

    progress = ProgressService(services.db, services.clock, services.access, ScoringRules())
    me = await progress.me(BOB.telegram_user_id)
    assert me is not None
    [record] = me.branches
    assert (record.lessons.delivered, record.lessons.on_time, record.lessons.missed) == (2, 1, 1)
    assert (record.meetings.attended, record.meetings.absent) == (1, 1)

    makeup = MakeupService(services.db, services.clock)
    [lessons] = await makeup.lessons(BOB.telegram_user_id)
    assert [line.delivery_id for line in lessons.missed] == [story.lesson1]
    assert [line.delivery_id for line in lessons.done] == [lesson3]
    with pytest.raises(NotConcerned):
        await makeup.start(BOB, story.lesson2, BUTTON)
    assert (await makeup.start(BOB, story.lesson1, BUTTON)).title == "中共一大：开天辟地的大事变"

    first = await progress.lesson_progress(SEC.telegram_user_id, story.branch_id, story.lesson1)
    assert (first.expected, first.missing) == (3, ("李书记", "Bob"))
    second = await progress.lesson_progress(SEC.telegram_user_id, story.branch_id, story.lesson2)
    assert (second.expected, second.missing) == (2, ("李书记", "Carol"))
    third = await progress.lesson_progress(SEC.telegram_user_id, story.branch_id, lesson3)
    assert (third.expected, third.studied, third.missing) == (3, 1, ("李书记", "Carol"))

    async with services.db.transaction() as s:
        tallies = {i: await meeting_tally(s, await s.get_one(Meeting, i))
                   for i in (story.meeting_a, story.meeting_b, meeting_c)}
    by_name = {i: {line.attendee.name: line.status for line in t.lines} for i, t in tallies.items()}
    assert by_name[story.meeting_a]["Bob"] is Status.ABSENT
    assert "Bob" not in by_name[story.meeting_b] and "Dan" not in by_name[story.meeting_b]
    assert by_name[meeting_c]["Bob"] is Status.PRESENT

    [dans] = await makeup.lessons(DAN.telegram_user_id)
    assert [line.delivery_id for line in dans.missed] == [story.lesson1]


async def _message(services: Services, _story: Story) -> None:
    assert await services.roster.seen(GROUP, BOB)


async def _join(services: Services, _story: Story) -> None:
    assert (await services.roster.join(GROUP, BOB)).newly_joined


async def _appointed(services: Services, story: Story) -> None:
    entry = await services.branches.add_secretary(SEC.telegram_user_id, story.branch_id, BOB.telegram_user_id)
    assert entry.status is MembershipStatus.ACTIVE


async def _signs_in(services: Services, story: Story) -> None:
    async with services.db.transaction() as s:
        now = services.clock.now()
        meeting = Meeting(branch_id=story.branch_id, type="party_congress", topic="党员大会",
                          starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=1),
                          status=MeetingStatus.SCHEDULED, settings={})
        s.add(meeting)
        await s.flush()
        meeting_id = meeting.id
    signin = SignInService(services.db, services.clock, services.access, MeetingTypes())
    outcome = await signin.tap(BOB, meeting_id, GROUP)
    assert outcome.status == "on_time"


async def _taps_lesson_1(services: Services, story: Story) -> None:
    # The old lesson's button in the group: it puts him back on the roster and counts as studied on time.
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(story.lesson1, GROUP, BOB)
    await recorder.aclose()


@pytest.mark.parametrize("comes_back", [_message, _join, _appointed, _signs_in, _taps_lesson_1],
                         ids=["message", "join", "appointed", "meeting_sign_in", "lesson_checkin"])
async def test_every_way_back_keeps_the_time_before_and_drops_the_time_away(
        services: Services, comes_back: Callable[[Services, Story], Awaitable[None]]) -> None:
    """However Bob comes back (a message, /join, made secretary, a meeting's 签到 or a lesson's button in the group),
    lesson 1 stays his (/me counts it, /lessons lists it, /progress expects him) and lesson 2 never becomes his."""
    story = await before_return(services)
    await comes_back(services, story)
    services.clock.set(story.t0 + timedelta(days=4))

    progress = ProgressService(services.db, services.clock, services.access, ScoringRules())
    me = await progress.me(BOB.telegram_user_id)
    assert me is not None and [r.lessons.delivered for r in me.branches] == [1]
    assert me.branches[0].meetings.absent == 1  # meeting A; B was while he was away
    [lessons] = await MakeupService(services.db, services.clock).lessons(BOB.telegram_user_id)
    assert [line.delivery_id for line in (*lessons.missed, *lessons.done)] == [story.lesson1]
    first = await progress.lesson_progress(SEC.telegram_user_id, story.branch_id, story.lesson1)
    second = await progress.lesson_progress(SEC.telegram_user_id, story.branch_id, story.lesson2)
    assert (first.expected, second.expected) == (3, 2) and "Bob" not in second.missing
