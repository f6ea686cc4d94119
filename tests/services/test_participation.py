"""Check-ins and quiz answers become participation events, batched by the recorder (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from lesson_bot.db.models import Lesson, LessonDelivery, Membership, ParticipationEvent, QuizPoll
from lesson_bot.domain.enums import MembershipSource, MembershipStatus, ParticipationKind, ParticipationMode
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.participation.recorder import ParticipationRecorder, RecordFailed
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.services import Services

SEC = Person(101, "李书记", "li_shuji")
BOB = Person(202, "Bob", "bob")
GROUP = -100777


@dataclass
class Sent:
    branch_id: int
    version_id: int
    delivery_id: int
    polls: list[str]  # Telegram poll ids, by question
    correct: list[int]


async def _sent_lesson(services: Services, *, member_id: int | None = None, chat_id: int = GROUP,
                       mode: ParticipationMode = ParticipationMode.ON_TIME, key: str = "p") -> Sent:
    """A registered branch with SEC and BOB, and a lesson delivered to its group 10 minutes ago (with 3 quizzes)."""
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.roster.seen(GROUP, BOB)
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    async with services.db.transaction() as s:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == "red-first-congress"))).scalar_one()
        assert lesson.current_version_id is not None
        delivery = LessonDelivery(branch_id=branch.id, lesson_version_id=lesson.current_version_id, mode=mode,
                                  chat_id=chat_id, member_id=member_id, message_id=50, expected_count=2,
                                  delivered_at=services.clock.now() - timedelta(minutes=10))
        s.add(delivery)
        await s.flush()
        correct = [1, 0, 2]
        for index, right in enumerate(correct):
            s.add(QuizPoll(telegram_poll_id=f"{key}{index}", delivery_id=delivery.id, question_index=index,
                           correct_option=right, message_id=51 + index, sent_at=services.clock.now()))
        return Sent(branch.id, lesson.current_version_id, delivery.id, [f"{key}{i}" for i in range(3)], correct)


async def _events(services: Services) -> list[ParticipationEvent]:
    async with services.db.transaction() as s:
        return list((await s.execute(select(ParticipationEvent).order_by(ParticipationEvent.id))).scalars())


async def test_a_checkin_is_recorded_once_with_its_facts(services: Services) -> None:
    """Bob's tap records one check-in (member, branch, version, delivery, on time, 600 s after delivery) and shows
    1/2; tapping again says "already" and records nothing more."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    first = await recorder.record_checkin(lesson.delivery_id, GROUP, BOB)
    assert (first.status, first.count, first.expected, first.locale) == ("recorded", 1, 2, "zh-Hans")
    again = await recorder.record_checkin(lesson.delivery_id, GROUP, BOB)
    assert (again.status, again.count) == ("already", 1)
    [event] = await _events(services)
    assert (event.kind, event.mode, event.branch_id, event.lesson_version_id, event.delivery_id) == (
        ParticipationKind.LESSON_CHECKIN, ParticipationMode.ON_TIME, lesson.branch_id, lesson.version_id,
        lesson.delivery_id)
    assert event.seconds_after_delivery == 600 and event.occurred_at == services.clock.now()


async def test_a_stranger_who_taps_joins_the_roster_and_the_count(services: Services) -> None:
    """Someone not on the roster taps in the group: they are added (like someone who wrote there), their check-in
    counts, and the denominator grows with them: 1/3."""
    lesson = await _sent_lesson(services)
    carol = Person(303, "Carol", "carol")
    outcome = await ParticipationRecorder(services.db, services.clock).record_checkin(lesson.delivery_id, GROUP, carol)
    assert (outcome.status, outcome.joined, outcome.count, outcome.expected) == ("recorded", True, 1, 3)
    async with services.db.transaction() as s:
        statuses = (await s.execute(select(Membership.source, Membership.status).where(
            Membership.branch_id == lesson.branch_id))).all()
    assert (MembershipSource.MESSAGE, MembershipStatus.ACTIVE) in statuses and len(statuses) == 3


async def test_a_member_who_had_left_and_taps_is_active_again(services: Services) -> None:
    """A member marked as left who taps the button is evidently in the group: active again, check-in recorded."""
    lesson = await _sent_lesson(services)
    await services.roster.left(GROUP, BOB.telegram_user_id)
    outcome = await ParticipationRecorder(services.db, services.clock).record_checkin(lesson.delivery_id, GROUP, BOB)
    assert (outcome.status, outcome.joined) == ("recorded", True)
    async with services.db.transaction() as s:
        status = (await s.execute(select(Membership.status).join(Membership.member).where(
            Membership.branch_id == lesson.branch_id, Membership.member.has(telegram_user_id=202)))).scalar_one()
    assert status is MembershipStatus.ACTIVE


async def test_a_tap_from_another_chat_or_on_an_unknown_lesson_is_refused(services: Services) -> None:
    """A keyboard copied into another group, or a lesson id nobody knows: refused, nothing recorded."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    elsewhere = await recorder.record_checkin(lesson.delivery_id, -100999, BOB)
    assert (elsewhere.status, elsewhere.refusal, elsewhere.locale) == ("refused", "other_chat", "zh-Hans")
    unknown = await recorder.record_checkin(987654, GROUP, BOB)
    assert (unknown.status, unknown.refusal) == ("refused", "unknown")
    assert await _events(services) == []


async def test_quiz_answers_are_scored_and_the_first_one_counts(services: Services) -> None:
    """Right and wrong answers are recorded with question, option and correctness; a second answer to the same
    poll changes nothing; a retraction is kept as its own event; an unknown poll is refused."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    right = await recorder.record_answer(lesson.polls[0], BOB, [lesson.correct[0]])
    wrong = await recorder.record_answer(lesson.polls[1], BOB, [2])
    assert (right.status, right.correct, wrong.status, wrong.correct) == ("recorded", True, "recorded", False)
    assert (await recorder.record_answer(lesson.polls[1], BOB, [0])).status == "already"
    assert (await recorder.record_answer(lesson.polls[2], BOB, [])).status == "recorded"
    assert (await recorder.record_answer("nope", BOB, [0])).refusal == "unknown"
    events = await _events(services)
    assert [(e.kind, e.question_index, e.option_index, e.correct) for e in events] == [
        (ParticipationKind.QUIZ_ANSWER, 0, 1, True), (ParticipationKind.QUIZ_ANSWER, 1, 2, False),
        (ParticipationKind.QUIZ_RETRACT, 2, None, None)]
    assert all(e.delivery_id == lesson.delivery_id and e.seconds_after_delivery == 600 for e in events)


async def test_a_private_makeup_delivery_credits_only_its_member_in_makeup_mode(services: Services) -> None:
    """Answers to a 补学 delivery's polls count as make-up for its member; someone else's answer is refused."""
    lesson = await _sent_lesson(services)
    async with services.db.transaction() as s:
        bob_id = (await s.execute(select(Membership.member_id).join(Membership.member).where(
            Membership.member.has(telegram_user_id=202)))).scalar_one()
        private = LessonDelivery(branch_id=lesson.branch_id, lesson_version_id=lesson.version_id,
                                 mode=ParticipationMode.MAKEUP, chat_id=202, member_id=bob_id, message_id=7,
                                 delivered_at=services.clock.now())
        s.add(private)
        await s.flush()
        s.add(QuizPoll(telegram_poll_id="mk0", delivery_id=private.id, question_index=0, correct_option=1,
                       sent_at=services.clock.now()))
    recorder = ParticipationRecorder(services.db, services.clock)
    mine = await recorder.record_answer("mk0", BOB, [1])
    assert (mine.status, mine.mode, mine.correct) == ("recorded", ParticipationMode.MAKEUP, True)
    other = await recorder.record_answer("mk0", SEC, [1])
    assert (other.status, other.refusal) == ("refused", "not_yours")
    checkin = await recorder.record_checkin(private.id, 202, BOB)
    assert (checkin.status, checkin.mode) == ("recorded", ParticipationMode.MAKEUP)
    assert [e.mode for e in await _events(services)] == [ParticipationMode.MAKEUP] * 2


async def test_concurrent_calls_share_transactions_and_each_gets_its_own_outcome(services: Services) -> None:
    """120 members tap at once (each twice) and answer a quiz: a few transactions record everything, every caller
    learns its own outcome, and the final count is 120."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    people = [Person(5000 + i, f"M{i}", None) for i in range(120)]
    calls = [recorder.record_checkin(lesson.delivery_id, GROUP, p) for p in people for _twice in range(2)]
    calls += [recorder.record_answer(lesson.polls[0], p, [i % 3]) for i, p in enumerate(people)]
    outcomes = await asyncio.gather(*calls)
    checkins = outcomes[:240]
    assert sorted(o.status for o in checkins) == ["already"] * 120 + ["recorded"] * 120
    assert [o.correct for o in outcomes[240:]] == [i % 3 == lesson.correct[0] for i in range(120)]
    assert max(o.count for o in checkins) == 120 and max(o.expected for o in checkins) == 122
    assert recorder.batches <= 3
    async with services.db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(ParticipationEvent))).scalar_one() == 240
        assert (await s.get(LessonDelivery, lesson.delivery_id)).checkin_count == 120  # type: ignore[union-attr]


async def test_a_request_the_database_refuses_fails_only_its_caller(services: Services) -> None:
    """An answer to a lesson whose rows vanished after the recorder cached them fails alone (RecordFailed, so the
    member is told); the other requests of the same batch are recorded."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    async with services.db.transaction() as s:
        sec_id = (await s.execute(select(Membership.member_id).where(
            Membership.member.has(telegram_user_id=SEC.telegram_user_id)))).scalar_one()
        doomed = LessonDelivery(branch_id=lesson.branch_id, lesson_version_id=lesson.version_id, member_id=sec_id,
                                mode=ParticipationMode.REVIEW, chat_id=SEC.telegram_user_id, message_id=90,
                                delivered_at=services.clock.now())
        s.add(doomed)
        await s.flush()
        s.add(QuizPoll(telegram_poll_id="doomed", delivery_id=doomed.id, question_index=0, correct_option=0,
                       sent_at=services.clock.now()))
    # Bob's answer to Li's private poll is refused, but the recorder now knows the poll and its delivery.
    assert (await recorder.record_answer("doomed", BOB, [0])).refusal == "not_yours"
    async with services.db.transaction() as s:
        await s.execute(delete(QuizPoll).where(QuizPoll.delivery_id == doomed.id))
        await s.execute(delete(LessonDelivery).where(LessonDelivery.id == doomed.id))
    results = await asyncio.gather(
        recorder.record_checkin(lesson.delivery_id, GROUP, BOB),
        recorder.record_answer("doomed", SEC, [0]),
        recorder.record_checkin(lesson.delivery_id, GROUP, SEC),
        return_exceptions=True,
    )
    assert [getattr(r, "status", None) for r in results] == ["recorded", None, "recorded"]
    assert isinstance(results[1], RecordFailed)
    assert len(await _events(services)) == 2


async def test_replayed_updates_change_nothing(services: Services) -> None:
    """The same tap and answer delivered several times (a webhook retry) leave one event each."""
    lesson = await _sent_lesson(services)
    recorder = ParticipationRecorder(services.db, services.clock)
    for _replay in range(3):
        await recorder.record_checkin(lesson.delivery_id, GROUP, BOB)
        await recorder.record_answer(lesson.polls[0], BOB, [1])
    assert len(await _events(services)) == 2
