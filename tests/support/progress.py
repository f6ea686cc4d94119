"""A scripted branch for /me and /progress: its people, lessons of the library delivered with their quiz polls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lesson_bot.db.models import Lesson, LessonDelivery, LessonVersion, Meeting, Member, QuizPoll, Rsvp, SignIn
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, ParticipationMode, RsvpAnswer, SignInMethod
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.services import Services

SEC = Person(101, "李书记", "li")
BOB = Person(202, "Bob", "bob")
CAROL = Person(303, "Carol", "carol")
DAN = Person(404, "Dan", "dan")
EVE = Person(505, "Eve", "eve")
GROUP = -100500


@dataclass
class Delivered:
    delivery_id: int
    version_id: int
    polls: list[str]  # Telegram poll ids by question
    correct: list[int]
    options: list[list[str]]


async def deliver_lesson(db: Database, branch_id: int, chat_id: int, slug: str, at: datetime, *,
                         message_id: int | None = 50, member_id: int | None = None,
                         mode: ParticipationMode = ParticipationMode.ON_TIME, key: str = "p") -> Delivered:
    """A lesson of the library delivered at `at` (to the group, or in private to one member), its quiz polls too."""
    async with db.transaction() as s:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == slug))).scalar_one_or_none()
    if lesson is None:
        await LibraryService(db).sync(REPO_ROOT / "content" / "lessons")
    async with db.transaction() as s:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == slug))).scalar_one()
        version = await s.get(LessonVersion, lesson.current_version_id)
        assert version is not None
        delivery = LessonDelivery(branch_id=branch_id, lesson_version_id=version.id, mode=mode, chat_id=chat_id,
                                  member_id=member_id, message_id=message_id, delivered_at=at)
        s.add(delivery)
        await s.flush()
        correct = [int(q["correct"]) for q in version.quiz]
        for index, right in enumerate(correct):
            s.add(QuizPoll(telegram_poll_id=f"{key}{delivery.id}:{index}", delivery_id=delivery.id,
                           question_index=index, correct_option=right, sent_at=at))
        return Delivered(delivery.id, version.id, [f"{key}{delivery.id}:{i}" for i in range(len(correct))], correct,
                         [list(q["options"]) for q in version.quiz])


async def member_id(db: Database, person: Person) -> int:
    async with db.transaction() as s:
        return (await s.execute(select(Member.id).where(Member.telegram_user_id == person.telegram_user_id))
                ).scalar_one()


@dataclass
class Scenario:
    branch_id: int
    earlier: Delivered
    lesson: Delivered


async def scenario(services: Services) -> Scenario:
    """Li (secretary), Bob, Carol and Dan on the roster; two lessons delivered; Eve joins after them.

    Bob checks in on time and answers right, wrong, right. Carol answers the first question wrong on time, then
    studies it as make-up (check-in, second question right, first question right again: too late to count). Dan
    and Li do nothing. At a 支委会-free meeting that closed, Bob signed in late, Carol was on approved leave.
    """
    t0 = services.clock.now()
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    for person in (BOB, CAROL, DAN):
        await services.roster.seen(GROUP, person)
    earlier = await deliver_lesson(services.db, branch.id, GROUP, "red-nanchang-uprising", t0 + timedelta(minutes=30))
    lesson = await deliver_lesson(services.db, branch.id, GROUP, "red-first-congress", t0 + timedelta(hours=1))
    services.clock.set(t0 + timedelta(hours=2))
    await services.roster.seen(GROUP, EVE)
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(lesson.delivery_id, GROUP, BOB)
    for index, right in enumerate(lesson.correct):
        await recorder.record_answer(lesson.polls[index], BOB, [right if index != 1 else (right + 1) % 3])
    await recorder.record_answer(lesson.polls[0], CAROL, [(lesson.correct[0] + 1) % 4])
    services.clock.set(t0 + timedelta(days=1))
    carol = await member_id(services.db, CAROL)
    makeup = await deliver_lesson(services.db, branch.id, CAROL.telegram_user_id, "red-first-congress",
                                  services.clock.now(), member_id=carol, mode=ParticipationMode.MAKEUP, key="m")
    await recorder.record_checkin(makeup.delivery_id, CAROL.telegram_user_id, CAROL)
    await recorder.record_answer(makeup.polls[1], CAROL, [makeup.correct[1]])
    await recorder.record_answer(makeup.polls[0], CAROL, [makeup.correct[0]])
    await recorder.aclose()
    async with services.db.transaction() as s:
        meeting = Meeting(branch_id=branch.id, type="party_congress", topic="党员大会",
                          starts_at=t0 + timedelta(hours=3), ends_at=t0 + timedelta(hours=5),
                          status=MeetingStatus.HELD, settings={}, attendance_closed_at=t0 + timedelta(hours=4))
        s.add(meeting)
        await s.flush()
        s.add(SignIn(meeting_id=meeting.id, member_id=await member_id(services.db, BOB), method=SignInMethod.BUTTON,
                     late=True, signed_at=t0 + timedelta(hours=3, minutes=5)))
        s.add(Rsvp(meeting_id=meeting.id, member_id=carol, answer=RsvpAnswer.LEAVE, reason="出差",
                   leave_status=LeaveStatus.APPROVED, answered_at=t0))
    return Scenario(branch.id, earlier, lesson)
