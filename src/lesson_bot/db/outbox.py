"""The outbox: one row per occurrence x chat x part, unique by its dedupe key; "enqueue this message in my
transaction", so that a use case and the messages it causes commit together.

Parts that share a group key (one occurrence in one chat) are sent in `seq` order: a row is eligible only when
no earlier part of its group is still pending or in flight (the dispatcher, lesson_bot/delivery/outbox.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.domain.messages import Message, Part

OPEN = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)


@dataclass(frozen=True)
class OutboxItem:
    """A message to plan; `dedupe_key` makes planning it twice harmless. `meta` is stored beside the message for
    its on-sent hook (the dispatcher's recorder), e.g. which lesson delivery a part belongs to."""

    dedupe_key: str
    chat_id: int
    kind: str
    message: Message
    due_at: datetime
    group_key: str
    seq: int = 0
    not_after: datetime | None = None
    branch_id: int | None = None
    occurrence_id: int | None = None
    meta: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, dedupe_key: str, chat_id: int, kind: str, part: Part, due_at: datetime, group_key: str,
           seq: int = 0, not_after: datetime | None = None, branch_id: int | None = None,
           occurrence_id: int | None = None) -> OutboxItem:
        """An item of a part (a message with its meta)."""
        return cls(dedupe_key, chat_id, kind, part.message, due_at, group_key, seq, not_after, branch_id,
                   occurrence_id, part.meta)

    def payload(self) -> dict[str, Any]:
        """The JSON the outbox row stores: the Bot API call, and the meta beside it."""
        return Part(self.message, self.meta).to_payload()


async def enqueue(session: AsyncSession, items: Sequence[OutboxItem]) -> int:
    """Add the items whose dedupe key is new; the number added. A re-run of the planner adds nothing."""
    rows = [
        {
            "dedupe_key": i.dedupe_key, "chat_id": i.chat_id, "kind": i.kind, "payload": i.payload(),
            "due_at": i.due_at, "not_after": i.not_after, "group_key": i.group_key, "seq": i.seq,
            "branch_id": i.branch_id, "occurrence_id": i.occurrence_id, "status": OutboxStatus.PENDING,
            "attempts": 0, "next_attempt_at": i.due_at,
        }
        for i in items
    ]
    return len(await insert_new(session, OutboxMessage, rows, ["dedupe_key"], OutboxMessage.id))
