"""The outbox: one row per occurrence x chat x part, unique by its dedupe key; "enqueue this message in my
transaction", so that a use case and the messages it causes commit together.

Parts that share a group key (one occurrence in one chat) are sent in `seq` order: a row is eligible only when
no earlier part of its group is still pending or in flight (the dispatcher, lesson_bot/delivery/outbox.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import OutboxStatus

OPEN = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)


@dataclass(frozen=True)
class OutboxItem:
    """A message to plan; `dedupe_key` makes planning it twice harmless."""

    dedupe_key: str
    chat_id: int
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    group_key: str
    seq: int = 0
    not_after: datetime | None = None
    branch_id: int | None = None
    occurrence_id: int | None = None


async def enqueue(session: AsyncSession, items: Sequence[OutboxItem]) -> int:
    """Add the items whose dedupe key is new; the number added. A re-run of the planner adds nothing."""
    rows = [
        {
            "dedupe_key": i.dedupe_key, "chat_id": i.chat_id, "kind": i.kind, "payload": i.payload,
            "due_at": i.due_at, "not_after": i.not_after, "group_key": i.group_key, "seq": i.seq,
            "branch_id": i.branch_id, "occurrence_id": i.occurrence_id, "status": OutboxStatus.PENDING,
            "attempts": 0, "next_attempt_at": i.due_at,
        }
        for i in items
    ]
    return len(await insert_new(session, OutboxMessage, rows, ["dedupe_key"], OutboxMessage.id))
