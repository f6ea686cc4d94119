"""/me and /progress figures from a scripted branch: check-ins on time and as make-up, first answers, a meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lesson_bot.db.models import Lesson, LessonDelivery, LessonVersion, Meeting, Member, QuizPoll, Rsvp, SignIn
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, ParticipationMode, RsvpAnswer, SignInMethod
from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.conftest import REPO_ROOT
from tests.services.conftest import Services

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


async def deliver(db: Database, branch_id: int, chat_id: int, slug: str, at: datetime, *, message_id: int | None = 50,
                  member_id: int | None = None, mode: ParticipationMode = ParticipationMode.ON_TIME,
                  key: str = "p") -> Delivered:
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
    earlier = await deliver(services.db, branch.id, GROUP, "red-nanchang-uprising", t0 + timedelta(minutes=30))
    lesson = await deliver(services.db, branch.id, GROUP, "red-first-congress", t0 + timedelta(hours=1))
    services.clock.set(t0 + timedelta(hours=2))
    await services.roster.seen(GROUP, EVE)
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(lesson.delivery_id, GROUP, BOB)
    for index, right in enumerate(lesson.correct):
        await recorder.record_answer(lesson.polls[index], BOB, [right if index != 1 else (right + 1) % 3])
    await recorder.record_answer(lesson.polls[0], CAROL, [(lesson.correct[0] + 1) % 4])
    services.clock.set(t0 + timedelta(days=1))
    carol = await member_id(services.db, CAROL)
    makeup = await deliver(services.db, branch.id, CAROL.telegram_user_id, "red-first-congress", services.clock.now(),
                           member_id=carol, mode=ParticipationMode.MAKEUP, key="m")
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


async def test_progress_shows_checkins_questions_and_who_is_missing(services: Services) -> None:
    """The latest lesson: 2 of 4 studied (1 on time, 1 make-up); per question the first answers and the most chosen
    wrong option; Li and Dan missing; Eve, who joined later, is not expected; the earlier lesson is offered."""
    story = await scenario(services)
    view = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, story.branch_id)
    assert view.delivery is not None and view.delivery.id == story.lesson.delivery_id
    assert view.delivery.title == "中共一大：开天辟地的大事变"
    assert (view.expected, view.studied, view.on_time, view.makeup) == (4, 2, 1, 1)
    assert [(q.answered, q.right) for q in view.questions] == [(2, 1), (2, 1), (1, 1)]
    assert view.questions[0].top_wrong == story.lesson.options[0][(story.lesson.correct[0] + 1) % 4] == "广州"
    assert view.questions[1].top_wrong == "上海黄浦江上的一艘轮船" and view.questions[2].top_wrong is None
    assert view.missing == ("李书记", "Dan")
    assert [ref.id for ref in view.earlier] == [story.earlier.delivery_id]
    older = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, story.branch_id, story.earlier.delivery_id)
    assert (older.studied, older.expected, older.questions[0].answered) == (0, 4, 0)


async def test_me_counts_lessons_quiz_meetings_and_points(services: Services) -> None:
    """Bob: 2 lessons, 1 on time, 1 missed; 2/3 first answers right; late at the meeting: 2 + 2 + 2 = 6 points.
    Carol: 1 make-up; 1/2 first answers right (her make-up re-answer does not count); on leave: 1 + 1 = 2."""
    await scenario(services)
    progress = ProgressService(services.db, services.clock, services.access, ScoringRules())
    bob = await progress.me(BOB.telegram_user_id)
    assert bob is not None and not bob.reachable
    [record] = bob.branches
    assert (record.lessons.delivered, record.lessons.on_time, record.lessons.makeup, record.lessons.missed) == (
        2, 1, 0, 1)
    assert (record.quiz.answered, record.quiz.right) == (3, 2)
    assert (record.meetings.attended, record.meetings.late, record.meetings.excused, record.meetings.absent) == (
        0, 1, 0, 0)
    assert (record.points.lessons, record.points.quiz, record.points.meetings, record.points.total) == (2, 2, 2, 6)
    carol = await progress.me(CAROL.telegram_user_id)
    assert carol is not None
    [mine] = carol.branches
    assert (mine.lessons.makeup, mine.quiz.answered, mine.quiz.right, mine.meetings.excused) == (1, 2, 1, 1)
    assert mine.points.total == 2
    eve = await progress.me(EVE.telegram_user_id)
    # Eve joined after both lessons (none counts for her) but before the meeting, which she missed.
    assert eve is not None and eve.branches[0].lessons.delivered == 0 and eve.branches[0].meetings.absent == 1
    dan = await progress.me(DAN.telegram_user_id)
    assert dan is not None and dan.branches[0].meetings.absent == 1 and dan.branches[0].points.total == 0
    assert await progress.me(999_999) is None


async def test_progress_before_any_lesson_says_so(services: Services) -> None:
    """A branch with nothing delivered yet: no lesson, nobody missing."""
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    view = await ProgressService(services.db, services.clock, services.access, ScoringRules()).lesson_progress(
        SEC.telegram_user_id, branch.id)
    assert view.delivery is None and view.missing == ()
