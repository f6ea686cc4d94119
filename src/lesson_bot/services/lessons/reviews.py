"""Re-quiz of mistakes: which questions are open for whom, and review deliveries that ask them again.

The spacing rules are in domain/review_rules.py. Answers are the quiz_answer events of every mode; a review
is a LessonDelivery of mode review for one member in private holding the quiz polls of the questions it asks, so
the participation handlers credit its answers as mode review, and an answer to it (right or wrong) moves the
question on. Automatic reviews are sent by the engine tick in services/lessons/review_ticks.py; /review asks every open
question at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lesson_bot.db.models import Branch, LessonDelivery, LessonVersion, Member, ParticipationEvent, QuizPoll
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import ParticipationKind, ParticipationMode
from lesson_bot.domain.messages import Part, Sent
from lesson_bot.domain.review_rules import Answer, Mistake, open_mistake
from lesson_bot.services import lookup
from lesson_bot.services.clock import Clock
from lesson_bot.services.messages import lesson_sent
from lesson_bot.services.messages.lessons import quiz_part
from lesson_bot.services.views import Person


@dataclass(frozen=True)
class OpenReview:
    """One open question of one member: where they answered it wrong, and when it was last asked again."""

    member_id: int
    chat_id: int  # the member's private chat (their Telegram user id)
    locale: str | None  # their /lang choice
    branch_id: int  # the branch of their last wrong answer (its zone sets the quiet hours)
    branch_locale: str
    timezone: str
    lesson_version_id: int
    question_index: int
    mistake: Mistake
    last_review_sent_at: datetime | None


@dataclass(frozen=True)
class ReviewLesson:
    """A review delivery: the open questions of one lesson version for one member, as quiz polls."""

    delivery_id: int
    member_id: int
    chat_id: int
    lesson_version_id: int
    title: str
    questions: tuple[int, ...]  # question indexes, in order
    wrong_totals: tuple[int, ...]  # per question: its wrong answers so far (names each automatic review)
    polls: tuple[Part, ...]  # one quiz poll per question (with the meta for recording it)


Key = tuple[int, int, int]  # member, lesson version, question


async def open_reviews(s: AsyncSession, *, member_id: int | None = None) -> list[OpenReview]:
    """Every open question (latest answer wrong) of the members who can be messaged in private (started the bot,
    not blocked it), or of one member who is talking to the bot."""
    event = ParticipationEvent
    wrong = aliased(ParticipationEvent)
    had_wrong = exists().where(
        wrong.member_id == event.member_id, wrong.lesson_version_id == event.lesson_version_id,
        wrong.question_index == event.question_index, wrong.kind == ParticipationKind.QUIZ_ANSWER,
        wrong.correct.is_(False))
    query = (
        select(event.member_id, event.lesson_version_id, event.question_index, event.correct, event.occurred_at,
               event.branch_id)
        .join(Member, Member.id == event.member_id)
        .where(event.kind == ParticipationKind.QUIZ_ANSWER, event.correct.is_not(None),
               event.lesson_version_id.is_not(None), event.question_index.is_not(None), had_wrong,
               Member.telegram_user_id.is_not(None))
    )
    if member_id is not None:
        query = query.where(event.member_id == member_id)
    else:
        query = query.where(Member.started_bot_at.is_not(None), Member.blocked_bot_at.is_(None))
    answers: dict[Key, list[tuple[Answer, int]]] = defaultdict(list)
    for member_key, version, question, correct, at, branch_key in (await s.execute(query)).all():
        assert version is not None and question is not None  # filtered above
        answers[(member_key, version, question)].append((Answer(at, bool(correct)), branch_key))
    mistakes: dict[Key, tuple[Mistake, int]] = {}
    for key, given in answers.items():
        mistake = open_mistake(a for a, _ in given)
        if mistake is not None:
            branch_of_last_wrong = max((a.at, b) for a, b in given if not a.correct)[1]
            mistakes[key] = (mistake, branch_of_last_wrong)
    if not mistakes:
        return []
    members = {m.id: m for m in (await s.execute(
        select(Member).where(Member.id.in_({k[0] for k in mistakes})))).scalars()}
    branches = {b.id: b for b in (await s.execute(
        select(Branch).where(Branch.id.in_({b for _, b in mistakes.values()})))).scalars()}
    sent = await _last_review_sent(s, {k[0] for k in mistakes})
    reviews = []
    for key, (mistake, branch_id) in sorted(mistakes.items()):
        person, branch = members[key[0]], branches[branch_id]
        assert person.telegram_user_id is not None
        reviews.append(OpenReview(key[0], person.telegram_user_id, person.locale, branch.id, branch.locale,
                                  branch.timezone, key[1], key[2], mistake, sent.get(key)))
    return reviews


async def _last_review_sent(s: AsyncSession, member_ids: set[int]) -> dict[Key, datetime]:
    rows = (await s.execute(
        select(LessonDelivery.member_id, LessonDelivery.lesson_version_id, QuizPoll.question_index,
               func.max(QuizPoll.sent_at))
        .join(QuizPoll, QuizPoll.delivery_id == LessonDelivery.id)
        .where(LessonDelivery.mode == ParticipationMode.REVIEW, LessonDelivery.member_id.in_(member_ids))
        .group_by(LessonDelivery.member_id, LessonDelivery.lesson_version_id, QuizPoll.question_index)
    )).all()
    return {(m, v, q): at for m, v, q, at in rows if m is not None}


async def create_reviews(s: AsyncSession, reviews: Sequence[OpenReview]) -> list[ReviewLesson]:
    """One review delivery per member and lesson version for these open questions; its delivered_at is stamped
    when its first part is sent (services/messages/lesson_sent.py)."""
    grouped: dict[tuple[int, int], list[OpenReview]] = defaultdict(list)
    for review in reviews:
        grouped[(review.member_id, review.lesson_version_id)].append(review)
    lessons = []
    for (member_id, version_id), items in grouped.items():
        version = await s.get(LessonVersion, version_id)
        assert version is not None
        items = sorted((r for r in items if r.question_index < len(version.quiz)), key=lambda r: r.question_index)
        if not items:
            continue  # a question index past the quiz (never written by the recorder; kept safe)
        first = items[0]
        delivery = LessonDelivery(branch_id=first.branch_id, lesson_version_id=version_id, member_id=member_id,
                                  mode=ParticipationMode.REVIEW, chat_id=first.chat_id)
        s.add(delivery)
        await s.flush()
        lessons.append(ReviewLesson(
            delivery.id, member_id, first.chat_id, version_id, version.title,
            tuple(r.question_index for r in items), tuple(r.mistake.wrong_total for r in items),
            tuple(quiz_part(delivery.id, r.question_index, version.quiz[r.question_index]) for r in items)))
    return lessons


@dataclass(frozen=True)
class ReviewRequest:
    """/review: the review deliveries made now (empty: nothing to review)."""

    lessons: tuple[ReviewLesson, ...]

    @property
    def questions(self) -> int:
        return sum(len(lesson.questions) for lesson in self.lessons)


class ReviewService:
    """/review: ask a member every question they still have wrong."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def on_demand(self, person: Person) -> ReviewRequest:
        """Review deliveries for every open question of this member, now."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, person.telegram_user_id)
            if member is None:
                return ReviewRequest(())
            reviews = await open_reviews(s, member_id=member.id)
            return ReviewRequest(tuple(await create_reviews(s, reviews)))

    async def record_sent(self, parts: Sequence[tuple[Part, Sent]]) -> None:
        """Record what the sent parts of a review mean: when it was delivered, and its quiz polls."""
        async with self._db.transaction() as s:
            for part, sent in parts:
                await lesson_sent.record_part(s, part.meta, sent, self._clock.now())
