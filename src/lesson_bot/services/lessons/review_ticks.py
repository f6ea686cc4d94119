"""The engine job that sends due reviews of mistakes to members in private, through the outbox.

Every `every` seconds (the reviews are days apart; no need to look every engine round) it finds the open
questions whose review is due (domain/review_rules.py: 1, 3, 7 days after the last wrong answer, never in the
quiet hours 22:00-08:00 of the branch's zone, whatever fell due at night waits for 08:00) and enqueues, per member
and lesson, a "🔁 复习" message and the questions' quiz polls under a new review delivery. The rows are of kind
"lesson", so the lesson on-sent hook (services/messages/lesson_sent.py) stamps the delivery and records its polls from
payload["meta"]. Each poll row's dedupe key names the member, lesson version, question, the number of wrong
answers so far and the local day: a wrong answer earns one automatic review a day until one is sent (then
review_rules.is_due waits for the member's answer), however often the job runs or restarts. A review not sent
before the next quiet hours begin is not sent at night (not_after): it is queued again the next morning.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lesson_bot.db import outbox
from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.review_rules import is_due, quiet_start_after
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.lessons.reviews import OpenReview, create_reviews, open_reviews
from lesson_bot.services.messages.reviews import intro_part

log = logging.getLogger(__name__)
KIND = "lesson"
EVERY = timedelta(seconds=60)


def review_key(review: OpenReview, now: datetime) -> str:
    """The dedupe key of one automatic review: once per member, lesson version, question, wrong answer and local
    day (a review that missed its day, kept back by quiet hours or a long outage, is queued again the next)."""
    day = now.astimezone(ZoneInfo(review.timezone)).date().isoformat()
    return (f"review:{review.member_id}:{review.lesson_version_id}:{review.question_index}:"
            f"{review.mistake.wrong_total}:{day}")


class ReviewTicker:
    """Enqueues the due reviews; `tick` is an engine job (delivery/engine.py calls it), `run` does the work now."""

    def __init__(self, db: Database, clock: Clock, translator: Translator, every: timedelta = EVERY) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._every = every
        self._last: datetime | None = None

    async def tick(self) -> int:
        """At most once per `every`: the number of outbox rows enqueued."""
        now = self._clock.now()
        if self._last is not None and now - self._last < self._every:
            return 0
        self._last = now
        return await self.run()

    async def run(self) -> int:
        """Enqueue every review due now; the number of outbox rows enqueued."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            due = {review_key(r, now): r for r in await open_reviews(s)
                   if is_due(r.mistake, now, ZoneInfo(r.timezone), r.last_review_sent_at)}
            if not due:
                return 0
            queued = set((await s.execute(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(due)))).scalars())
            fresh = [r for key, r in due.items() if key not in queued]
            if not fresh:
                return 0
            items: list[OutboxItem] = []
            by_member: dict[int, int] = {}
            for lesson in await create_reviews(s, fresh):
                first = next(r for r in fresh if r.member_id == lesson.member_id
                             and r.lesson_version_id == lesson.lesson_version_id)
                t = self._translator.lang(first.locale or first.branch_locale)
                not_after = quiet_start_after(now, ZoneInfo(first.timezone))
                # One group per member and run: their lessons' parts go out in order, never interleaved.
                group = f"review:{lesson.member_id}:{now.isoformat()}"
                seq = by_member.get(lesson.member_id, 0)
                items.append(OutboxItem.of(f"review:{lesson.delivery_id}:intro", lesson.chat_id, KIND,
                                           intro_part(t, lesson), now, group, seq, not_after, first.branch_id))
                for offset, (question, poll) in enumerate(zip(lesson.questions, lesson.polls, strict=True), 1):
                    review = next(r for r in fresh if r.member_id == lesson.member_id
                                  and r.lesson_version_id == lesson.lesson_version_id
                                  and r.question_index == question)
                    items.append(OutboxItem.of(review_key(review, now), lesson.chat_id, KIND, poll, now, group,
                                               seq + offset, not_after, first.branch_id))
                by_member[lesson.member_id] = seq + len(lesson.questions) + 1
            added = await outbox.enqueue(s, items)
        if added:
            log.info("queued %d reviews of mistakes (%d messages)", len(fresh), added)
        return added
