"""What a sent lesson part means (the dispatcher's on-sent hook for outbox kind "lesson", delivery/recorder.py).

It runs in the transaction that marks the part sent, reading its meta (payload["meta"], written by
services/messages/lessons.py): the first part sent stamps the delivery's delivered_at; the part with the check-in
button records its message id and the count's denominator (active roster members at that moment); each quiz poll
becomes a QuizPoll (Telegram's poll id -> delivery, question, correct option) so that answers can be credited; each
uploaded media file keeps its Telegram file_id so that later lessons re-send it by id instead of uploading it again.

`record_part` serves lessons sent outside the outbox too (a private 补学 delivery answered directly).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import LessonDelivery, MediaFile, Membership, QuizPoll
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import MembershipStatus
from lesson_bot.domain.messages import Sent


async def record_part(s: AsyncSession, meta: Mapping[str, Any] | None, sent: Sent, now: datetime) -> None:
    """Record what one sent part of a lesson means, from its meta (nothing without)."""
    meta = meta or {}
    delivery_id = meta.get("delivery")
    media = meta.get("media")
    if media and sent.result.get("file_id") and media.get("sha256"):
        await insert_new(s, MediaFile, [{"sha256": media["sha256"], "telegram_file_id": sent.result["file_id"],
                                         "kind": media.get("kind") or "document", "uploaded_at": now}],
                         ["sha256"], MediaFile.id)
    if delivery_id is None:
        return
    await s.execute(update(LessonDelivery).where(LessonDelivery.id == delivery_id,
                                                 LessonDelivery.delivered_at.is_(None)).values(delivered_at=now))
    if meta.get("checkin"):
        delivery = await s.get(LessonDelivery, delivery_id)
        if delivery is not None:
            delivery.message_id = sent.message_id
            if delivery.member_id is None:
                delivery.expected_count = (await s.execute(select(func.count()).select_from(Membership).where(
                    Membership.branch_id == delivery.branch_id, Membership.status == MembershipStatus.ACTIVE,
                ))).scalar_one()
            else:
                delivery.expected_count = 1
    if "question" in meta and sent.result.get("poll_id"):
        await insert_new(s, QuizPoll, [{
            "telegram_poll_id": str(sent.result["poll_id"]), "delivery_id": delivery_id,
            "question_index": int(meta["question"]), "correct_option": int(meta["correct"]),
            "message_id": sent.message_id, "sent_at": now,
        }], ["telegram_poll_id"], QuizPoll.id)
