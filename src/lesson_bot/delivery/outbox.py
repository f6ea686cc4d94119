"""The dispatcher's side of the outbox: claiming due rows and recording every row's fate (rows are added by
lesson_bot/db/outbox.py, in the transaction of the use case that causes them).

Parts that share a group key (one occurrence in one chat) are sent in `seq` order: a row is eligible only when
no earlier part of its group is still pending or in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from lesson_bot.db.models import DeliveryLeader, DeliveryLogEntry, OutboxMessage
from lesson_bot.db.outbox import OPEN
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus

_OUTBOX = cast(Table, OutboxMessage.__table__)
# The ledger detail of an attempt whose request left but whose answer never came (Telegram may have delivered it).
AMBIGUOUS = "no answer after the request left, may have arrived: "
_LOG = cast(Table, DeliveryLogEntry.__table__)
# Core statements run with a list of parameters (executemany): one statement per table for a whole batch, and
# none of the ORM's per-row bookkeeping (an ORM update and unit-of-work insert cost twice as much for one row).
_MARK_SENT = update(_OUTBOX).where(_OUTBOX.c.id == bindparam("b_id")).values(
    status=OutboxStatus.SENT, sent_at=bindparam("b_at"), telegram_message_id=bindparam("b_message_id"),
    result=bindparam("b_result"), attempts=_OUTBOX.c.attempts + 1, claimed_by=None, claimed_until=None,
    last_error=None,
)


class Fenced(Exception):
    """Another replica has become the delivery leader since this dispatcher's epoch began: it may not claim or
    settle rows any more (the new leader has released its claims and sends them)."""


async def fence(session: AsyncSession, epoch: int | None) -> None:
    """Raise Fenced unless `epoch` is still the leader's (None: a single process, no election). The row is read
    FOR SHARE, so a new leader's increment waits for this transaction, and everything after it sees the new one."""
    if epoch is None:
        return
    current = (await session.execute(
        select(DeliveryLeader.epoch).where(DeliveryLeader.id == 1).with_for_update(read=True)
    )).scalar_one_or_none()
    if current != epoch:
        raise Fenced(f"leader epoch {epoch} is over (now {current})")


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    not_after: datetime | None
    attempts: int
    branch_id: int | None


@dataclass(frozen=True)
class SentRecord:
    """A send Telegram accepted: which row, when the answer came, and what it returned."""

    row_id: int
    at: datetime
    message_id: int | None
    result: dict[str, Any]


async def eligible(session: AsyncSession, now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending rows that are due, whose earlier parts are done, oldest first."""
    earlier = aliased(OutboxMessage)
    blocked = exists().where(
        earlier.group_key == OutboxMessage.group_key, earlier.seq < OutboxMessage.seq, earlier.status.in_(OPEN)
    )
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now, ~blocked)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars().all())


async def claim(session: AsyncSession, ids: Sequence[int], worker: str, until: datetime,
                epoch: int | None = None) -> set[int]:
    """Take rows for this worker (under its leader epoch); a row another worker took first is not returned (each
    row is claimed once)."""
    if not ids:
        return set()
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CLAIMED, claimed_by=worker, claimed_until=until, claim_epoch=epoch)
        .returning(OutboxMessage.id)
    )
    return set(result.scalars().all())


async def release_all_claims(session: AsyncSession) -> int:
    """At a dispatcher's start (the only one, or the new leader): claims left by a dead run are pending again."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.CLAIMED)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None)
        .returning(OutboxMessage.id)
    )
    return len(result.all())


async def recover_expired(session: AsyncSession, now: datetime) -> int:
    """Rows claimed by a worker that died (its lease ran out) are pending again."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.CLAIMED, OutboxMessage.claimed_until < now)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None)
        .returning(OutboxMessage.id)
    )
    return len(result.all())


def _log(session: AsyncSession, row_id: int, at: datetime, outcome: DeliveryOutcome, detail: str | None,
         worker: str) -> None:
    session.add(DeliveryLogEntry(outbox_id=row_id, at=at, outcome=outcome, detail=detail, worker=worker))


async def mark_sent(session: AsyncSession, row_id: int, at: datetime, message_id: int | None,
                    result: dict[str, Any], worker: str) -> None:
    """One row sent (and its ledger entry)."""
    await mark_sent_many(session, [SentRecord(row_id, at, message_id, result)], worker)


async def mark_sent_many(session: AsyncSession, records: Sequence[SentRecord], worker: str) -> None:
    """Rows sent, with their ledger entries: two statements whatever the number of rows."""
    if not records:
        return
    await session.execute(_MARK_SENT, [
        {"b_id": r.row_id, "b_at": r.at, "b_message_id": r.message_id, "b_result": r.result} for r in records
    ])
    await session.execute(insert(_LOG), [
        {"outbox_id": r.row_id, "at": r.at, "outcome": DeliveryOutcome.SENT, "detail": None, "worker": worker}
        for r in records
    ])


async def mark_again(session: AsyncSession, row_id: int, at: datetime, retry_at: datetime,
                     outcome: DeliveryOutcome, reason: str, worker: str, *, count_attempt: bool = True,
                     ambiguous: bool = False) -> None:
    """Back to pending, to be tried at retry_at: deferred (429) or retried (5xx, network; `ambiguous` if the answer
    never came after the request left)."""
    values: dict[str, Any] = {"status": OutboxStatus.PENDING, "next_attempt_at": retry_at, "last_error": reason,
                              "claimed_by": None, "claimed_until": None}
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    if ambiguous:
        values["ambiguous_attempts"] = OutboxMessage.ambiguous_attempts + 1
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    _log(session, row_id, at, outcome, reason, worker)


async def mark_final(session: AsyncSession, row_id: int, at: datetime, status: OutboxStatus,
                     outcome: DeliveryOutcome, reason: str, worker: str, *, ambiguous: bool = False) -> None:
    """Failed or missed for good."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status=status, last_error=reason, claimed_by=None, claimed_until=None,
            attempts=OutboxMessage.attempts + 1, ambiguous_attempts=OutboxMessage.ambiguous_attempts + int(ambiguous),
        )
    )
    _log(session, row_id, at, outcome, reason, worker)


async def close_chat(session: AsyncSession, chat_id: int, at: datetime, reason: str, worker: str) -> int:
    """Everything still open for a chat that is gone fails with the reason."""
    ids = (await session.execute(
        select(OutboxMessage.id).where(OutboxMessage.chat_id == chat_id, OutboxMessage.status.in_(OPEN))
    )).scalars().all()
    for row_id in ids:
        await mark_final(session, row_id, at, OutboxStatus.FAILED, DeliveryOutcome.FAILED, reason, worker)
    return len(ids)


@dataclass(frozen=True)
class MovedChat:
    """What a group's upgrade did to its open rows: sends moved to the new id, edits of old messages closed."""

    moved: dict[int, dict[str, Any]]  # row id -> its payload, as it will be sent in the new chat
    closed: list[int]


def acts_on_message(payload: dict[str, Any]) -> bool:
    """Whether the payload edits, deletes, pins or stops a message already in its chat, rather than sending one."""
    params = payload.get("params") or {}
    sends = str(payload.get("method", "")).startswith(("send", "forward", "copy"))
    return not sends and ("message_id" in params or "message_ids" in params)


def _without_reply(payload: dict[str, Any], old_chat_id: int) -> dict[str, Any] | None:
    """The payload with its reply to a message of the old group dropped (None: it has no such reply)."""
    params = dict(payload.get("params") or {})
    reply = params.get("reply_parameters")
    old_reply = isinstance(reply, dict) and reply.get("chat_id") in (None, old_chat_id)
    if "reply_to_message_id" not in params and not old_reply:
        return None
    params.pop("reply_to_message_id", None)
    params.pop("allow_sending_without_reply", None)
    if old_reply:
        params.pop("reply_parameters")
    return {**payload, "params": params}


async def move_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int, at: datetime, worker: str,
                    current: int | None = None) -> MovedChat:
    """A group became a supergroup, which numbers its messages afresh: pending sends (and `current`, the row that
    met the move) go to the new id, without their replies to old messages; edits, deletions and pins of a message
    the old group holds are closed, as the same id in the new chat is another message. A row in flight elsewhere
    meets the move itself."""
    mine = OutboxMessage.status == OutboxStatus.PENDING
    if current is not None:
        mine = mine | (OutboxMessage.id == current)
    rows = (await session.execute(select(OutboxMessage.id, OutboxMessage.payload).where(
        OutboxMessage.chat_id == old_chat_id, OutboxMessage.status.in_(OPEN), mine))).all()
    moved: dict[int, dict[str, Any]] = {}
    closed: list[int] = []
    reason = f"the message stayed in the old group {old_chat_id}; the supergroup {new_chat_id} cannot change it"
    for row_id, payload in rows:
        if acts_on_message(payload):
            await mark_final(session, row_id, at, OutboxStatus.CANCELLED, DeliveryOutcome.MIGRATED, reason, worker)
            closed.append(row_id)
            continue
        changed = _without_reply(payload, old_chat_id)
        if changed is not None:
            await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(payload=changed))
        moved[row_id] = payload if changed is None else changed
    if moved:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(list(moved))).values(chat_id=new_chat_id))
    return MovedChat(moved, closed)


async def next_due(session: AsyncSession) -> datetime | None:
    """When the next pending row becomes due (the dispatcher sleeps until then when idle)."""
    return (await session.execute(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
    )).scalar_one_or_none()


def lease(now: datetime, seconds: float) -> datetime:
    return now + timedelta(seconds=seconds)


