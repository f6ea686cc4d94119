"""The live count on a lesson's button ("✅ 已学习 12/30", with make-ups told apart: "✅ 已学习 14/30（补学 2）"), kept
current by a periodic tick.

The recorder only counts (lesson_deliveries.checkin_count, the delivery's check-ins, and makeup_count, the 补学
check-ins of its lesson in the branch); this tick turns a changed count into one outbox row of kind "count" (an
editMessageReplyMarkup of the lesson message). What the label says is services/lessons/audience.py's figures, the
same as /progress's: who the lesson is for (the roster when it was delivered, plus whoever studied it anyway) and
how many of them studied it, on time and as make-up. Per delivery there is at most one such edit open
at a time and at most one every 15 seconds, so a busy group gets at most 4 edits a minute for its lesson, far
under Telegram's 20 messages a minute per group, and a burst of taps costs one edit, not one per tap. The count
being shown is stored with the enqueued edit (same transaction), so a restart or a second tick never edits twice
for the same count. Only deliveries of the last 7 days are edited: nobody watches older buttons.

A group upgraded to a supergroup keeps its old messages, which the supergroup (with message ids of its own)
cannot edit: a delivery whose button stayed in the old group gets no more edits, while one whose button had not
been sent yet follows its branch (`follow_chat`, when its part moves) and is counted in the supergroup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, LessonDelivery, OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.lessons.audience import study_counts
from lesson_bot.services.messages.lessons import checkin_edit, checkin_label

KIND = "count"
EDIT_EVERY = timedelta(seconds=15)
WINDOW = timedelta(days=7)
BATCH = 200  # deliveries looked at per tick; the rest wait for the next tick


async def follow_chat(session: AsyncSession, moved: Iterable[Mapping[str, Any]], old_chat_id: int,
                      new_chat_id: int) -> None:
    """Deliveries whose check-in part (not sent yet) moved to the supergroup will have their button there."""
    ids = [meta["delivery"] for payload in moved
           if (meta := payload.get("meta") or {}).get("checkin") and meta.get("delivery") is not None]
    if ids:
        await session.execute(update(LessonDelivery).where(
            LessonDelivery.id.in_(ids), LessonDelivery.chat_id == old_chat_id, LessonDelivery.message_id.is_(None),
        ).values(chat_id=new_chat_id))


def group_key(delivery_id: int) -> str:
    """The outbox group of one delivery's count edits (at most one of them is open)."""
    return f"count:{delivery_id}"


class CountTicker:
    """Enqueues the live-count edits that are due; `tick` is an engine job (delivery/engine.py calls it)."""

    def __init__(self, db: Database, clock: Clock, translator: Translator, every: timedelta = EDIT_EVERY,
                 window: timedelta = WINDOW) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._every = every
        self._window = window

    async def tick(self) -> int:
        """Enqueue an edit for each recent group delivery whose count changed; the number enqueued."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            rows = (await s.execute(
                select(LessonDelivery, Branch.locale).join(Branch, Branch.id == LessonDelivery.branch_id).where(
                    LessonDelivery.member_id.is_(None), LessonDelivery.message_id.is_not(None),
                    LessonDelivery.delivered_at >= now - self._window,
                    LessonDelivery.checkin_count + LessonDelivery.makeup_count != LessonDelivery.shown_count,
                    or_(LessonDelivery.count_edited_at.is_(None), LessonDelivery.count_edited_at <= now - self._every),
                    # not a button left behind in the group the branch was upgraded from
                    or_(Branch.migrated_from_chat_id.is_(None), LessonDelivery.chat_id != Branch.migrated_from_chat_id),
                ).order_by(LessonDelivery.id).limit(BATCH)
            )).all()
            if not rows:
                return 0
            open_groups = set((await s.execute(select(OutboxMessage.group_key).where(
                OutboxMessage.group_key.in_([group_key(d.id) for d, _l in rows]),
                OutboxMessage.status.in_(outbox.OPEN)))).scalars())
            # the previous edit still on its way: the next tick looks again
            due = [(d, locale) for d, locale in rows if group_key(d.id) not in open_groups and d.message_id is not None]
            counts = await study_counts(s, [d for d, _l in due])
            items = []
            for delivery, locale in due:
                assert delivery.message_id is not None
                count = delivery.checkin_count + delivery.makeup_count  # what changed; the label is /progress's
                figures = counts[delivery.id]
                text = checkin_label(self._translator.lang(locale), figures.studied, figures.expected, figures.makeup)
                edit = checkin_edit(text, delivery.id, delivery.message_id)
                items.append(OutboxItem(f"count:{delivery.id}:{count}", delivery.chat_id, KIND, edit, now,
                                        group_key(delivery.id), count, branch_id=delivery.branch_id))
                delivery.shown_count, delivery.count_edited_at = count, now
            return await outbox.enqueue(s, items)
