"""Re-quiz of mistakes: open questions per member, review deliveries, and when a review is due."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from lesson_bot.db.models import LessonDelivery, OutboxMessage
from lesson_bot.domain.enums import OutboxStatus, ParticipationMode
from lesson_bot.domain.review_rules import is_due
from lesson_bot.i18n import Translator
from lesson_bot.services.lessons.review_ticks import ReviewTicker
from lesson_bot.services.lessons.reviews import ReviewService, open_reviews
from tests.support.makeup import GROUP, answered, deliver_to_group, setup_branch
from tests.support.progress import BOB, CAROL
from tests.support.services import Services

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_only_questions_whose_latest_answer_is_wrong_are_open(services: Services) -> None:
    """Bob got questions 1 and 2 wrong and question 3 right, then 2 right in a later delivery: only 1 is open,
    due a day after his wrong answer; Carol, who never started the bot, is not reviewed automatically."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    await services.roster.seen(GROUP, CAROL)
    t0 = services.clock.now()
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0)
    again = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0 + timedelta(days=2))
    await answered(services, BOB, group, 0, right=False, at=t0 + timedelta(minutes=1))
    await answered(services, BOB, group, 1, right=False, at=t0 + timedelta(minutes=2))
    await answered(services, BOB, group, 2, right=True, at=t0 + timedelta(minutes=3))
    await answered(services, BOB, again, 1, right=True, at=t0 + timedelta(days=2, minutes=1))
    await answered(services, CAROL, group, 0, right=False, at=t0 + timedelta(minutes=1))
    async with services.db.transaction() as s:
        reviews = await open_reviews(s)
    assert [(r.chat_id, r.question_index) for r in reviews] == [(BOB.telegram_user_id, 0)]
    [review] = reviews
    assert review.mistake.due_at == t0 + timedelta(days=1, minutes=1)
    assert review.timezone == "Asia/Shanghai" and review.branch_id == branch_id
    assert not is_due(review.mistake, t0 + timedelta(hours=23), SHANGHAI, review.last_review_sent_at)
    assert is_due(review.mistake, t0 + timedelta(days=1, minutes=1), SHANGHAI, review.last_review_sent_at)


async def test_review_on_demand_makes_one_review_delivery_per_lesson(services: Services) -> None:
    """/review: two wrong questions of one lesson and one of another become two review deliveries for Bob's
    private chat, each with its questions' quiz polls; nothing open makes nothing."""
    branch_id = await setup_branch(services)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()
    zunyi = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0)
    fire = await deliver_to_group(services, branch_id, "fire-call-119", t0 + timedelta(minutes=5))
    await answered(services, BOB, zunyi, 0, right=False, at=t0 + timedelta(minutes=1))
    await answered(services, BOB, zunyi, 2, right=False, at=t0 + timedelta(minutes=2))
    await answered(services, BOB, fire, 1, right=False, at=t0 + timedelta(minutes=6))
    reviews = ReviewService(services.db, services.clock)
    request = await reviews.on_demand(BOB)
    assert request.questions == 3
    by_title = {lesson.title: lesson for lesson in request.lessons}
    zunyi_review = by_title["遵义会议：生死攸关的转折点"]
    assert zunyi_review.questions == (0, 2) and zunyi_review.chat_id == BOB.telegram_user_id
    polls = [p.to_payload() for p in zunyi_review.polls]
    assert [p["params"]["question"] for p in polls] == [
        "遵义会议是在什么时间召开的？", "在遵义会议上，毛泽东同志被增选为什么职务？"]
    assert polls[1]["params"]["correct_option_ids"] == [2]
    assert all(p["params"]["is_anonymous"] is False for p in polls)
    async with services.db.transaction() as s:
        rows = (await s.execute(select(LessonDelivery).where(LessonDelivery.mode == ParticipationMode.REVIEW))
                ).scalars().all()
    assert sorted(r.id for r in rows) == sorted(lesson.delivery_id for lesson in request.lessons)
    assert {r.member_id for r in rows} != {None}
    assert (await reviews.on_demand(CAROL)).lessons == ()


async def test_a_wrong_review_answer_spaces_the_next_one_further(services: Services) -> None:
    """Wrong on the lesson, wrong again on its review: the next review is due 3 days after the second mistake;
    right on that one closes the question."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0)
    await answered(services, BOB, group, 0, right=False, at=t0 + timedelta(minutes=1))
    [review] = (await ReviewService(services.db, services.clock).on_demand(BOB)).lessons
    await answered(services, BOB, review.delivery_id, 0, right=False, at=t0 + timedelta(days=1))
    async with services.db.transaction() as s:
        [second] = await open_reviews(s)
    assert second.mistake.streak == 2 and second.mistake.due_at == t0 + timedelta(days=4)
    [third] = (await ReviewService(services.db, services.clock).on_demand(BOB)).lessons
    await answered(services, BOB, third.delivery_id, 0, right=True, at=t0 + timedelta(days=4))
    async with services.db.transaction() as s:
        assert await open_reviews(s) == []


async def _queued(services: Services) -> list[OutboxMessage]:
    async with services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.seq, OutboxMessage.id))).scalars())


async def test_the_tick_queues_a_due_review_once(services: Services) -> None:
    """Not before a day has passed; then one "复习" message and the question's poll for Bob's private chat, with the
    meta that records the poll; running again (or after a restart) queues nothing more."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()  # 10:00 in Shanghai
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0)
    await answered(services, BOB, group, 1, right=False, at=t0 + timedelta(minutes=1))
    ticker = ReviewTicker(services.db, services.clock, Translator())
    services.clock.set(t0 + timedelta(hours=23))
    assert await ticker.run() == 0
    services.clock.set(t0 + timedelta(days=1, minutes=1))
    assert await ticker.run() == 2
    intro, poll = await _queued(services)
    assert {intro.chat_id, poll.chat_id} == {BOB.telegram_user_id}
    assert intro.group_key == poll.group_key and (intro.seq, poll.seq) == (0, 1)
    assert "遵义会议" in intro.payload["params"]["text"]
    assert poll.payload["params"]["question"] == "遵义会议集中解决了当时具有决定意义的哪两方面问题？"
    assert poll.payload["meta"]["question"] == 1 and poll.payload["meta"]["correct"] == 0
    assert poll.not_after == datetime(2026, 12, 2, 22, 0, tzinfo=SHANGHAI)
    assert await ticker.run() == 0
    assert await ReviewTicker(services.db, services.clock, Translator()).run() == 0


async def test_a_review_falling_due_at_night_waits_for_eight(services: Services) -> None:
    """A wrong answer at 23:30 Beijing time is due at 23:30 the next night: nothing goes out then, the review
    goes at 08:00 the morning after."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    late = datetime(2026, 12, 1, 23, 30, tzinfo=SHANGHAI)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", late - timedelta(minutes=5))
    await answered(services, BOB, group, 0, right=False, at=late)
    ticker = ReviewTicker(services.db, services.clock, Translator())
    services.clock.set(late + timedelta(days=1))
    assert await ticker.run() == 0
    services.clock.set(datetime(2026, 12, 3, 7, 59, tzinfo=SHANGHAI))
    assert await ticker.run() == 0
    services.clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI))
    assert await ticker.run() == 2


async def test_a_review_kept_back_by_the_quiet_hours_comes_back_the_next_morning(services: Services) -> None:
    """Bob's review is queued at 21:50 but the bot cannot send it before 22:00 (the outbox drops it at night):
    nothing at 23:00, and at 08:00 the next morning it is queued again, once."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    wrong = datetime(2026, 12, 1, 21, 45, tzinfo=SHANGHAI)
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", wrong - timedelta(minutes=5))
    await answered(services, BOB, group, 0, right=False, at=wrong)
    ticker = ReviewTicker(services.db, services.clock, Translator())
    services.clock.set(datetime(2026, 12, 2, 21, 50, tzinfo=SHANGHAI))
    assert await ticker.run() == 2
    async with services.db.transaction() as s:  # as the dispatcher records a row found past its not_after
        await s.execute(update(OutboxMessage).values(status=OutboxStatus.MISSED))
    services.clock.set(datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI))
    assert await ticker.run() == 0  # quiet hours
    services.clock.set(datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI))
    assert await ticker.run() == 2
    assert await ticker.run() == 0
    intro, poll = [m for m in await _queued(services) if m.status is OutboxStatus.PENDING]
    assert {intro.chat_id, poll.chat_id} == {BOB.telegram_user_id}
    assert poll.payload["meta"]["question"] == 0 and "遵义会议" in intro.payload["params"]["text"]


async def test_the_tick_is_throttled_but_run_is_not(services: Services) -> None:
    """The engine calls tick every round; it looks at most once a minute."""
    branch_id = await setup_branch(services)
    await services.roster.start(BOB, None)
    await services.roster.seen(GROUP, BOB)
    t0 = services.clock.now()
    group = await deliver_to_group(services, branch_id, "red-zunyi-conference", t0)
    ticker = ReviewTicker(services.db, services.clock, Translator())
    assert await ticker.tick() == 0
    await answered(services, BOB, group, 0, right=False, at=t0 - timedelta(days=2))
    assert await ticker.tick() == 0  # within the minute: not even looked at
    services.clock.set(t0 + timedelta(minutes=1))
    assert await ticker.tick() == 2
