"""The delivery ledger for secretaries: what was sent, deferred, retried, failed or missed, per branch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lesson_bot.db.models import Branch, DeliveryLogEntry, Occurrence, OutboxMessage, Schedule
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import DeliveryOutcome, OccurrenceStatus, OutboxStatus
from lesson_bot.domain.permissions import Action
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import branch_view
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import NotFound
from lesson_bot.services.views import BranchView

PROBLEMS = (OutboxStatus.FAILED, OutboxStatus.MISSED)


@dataclass(frozen=True)
class LedgerLine:
    due_at: datetime
    kind: str
    status: str  # an OutboxStatus, or "missed" for an occurrence that was never queued
    attempts: int
    detail: str | None
    ambiguous: int = 0  # attempts whose answer never came after the request left: each may have arrived


@dataclass(frozen=True)
class Ledger:
    branch: BranchView
    since: datetime
    outcomes: dict[str, int]  # sent, deferred, retried, failed, missed, migrated: events in the period
    waiting: int  # rows still pending or in flight
    problems: tuple[LedgerLine, ...]  # failed, missed and possibly duplicated, newest first
    recent: tuple[LedgerLine, ...]  # the latest rows, newest first
    ambiguous: int = 0  # sends of the period's rows that got no answer after leaving (possible duplicates)


class DeliveryService:
    """Reads the outbox and its log for a branch's secretaries."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl) -> None:
        self._db = db
        self._clock = clock
        self._access = access

    async def ledger(self, telegram_user_id: int, branch_id: int, *, days: int = 7, limit: int = 10) -> Ledger:
        """The branch's deliveries over the last `days` days."""
        since = self._clock.now() - timedelta(days=days)
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_DELIVERIES, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            outcomes: Counter[str] = Counter()
            counted = await s.execute(
                select(DeliveryLogEntry.outcome, func.count()).join(OutboxMessage)
                .where(OutboxMessage.branch_id == branch_id, DeliveryLogEntry.at >= since)
                .group_by(DeliveryLogEntry.outcome)
            )
            for outcome, count in counted.all():
                outcomes[str(outcome)] += count
            missed_occurrences = (await s.execute(
                select(Occurrence.due_at).join(Schedule)
                .where(Schedule.branch_id == branch_id, Occurrence.status == OccurrenceStatus.MISSED,
                       Occurrence.due_at >= since).order_by(Occurrence.due_at.desc())
            )).scalars().all()
            outcomes[str(DeliveryOutcome.MISSED)] += len(missed_occurrences)
            waiting = (await s.execute(
                select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.branch_id == branch_id,
                    OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.CLAIMED)))
            )).scalar_one()
            rows = (await s.execute(
                select(OutboxMessage).where(OutboxMessage.branch_id == branch_id, OutboxMessage.due_at >= since)
                .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
            )).scalars().all()
            lines = [LedgerLine(r.due_at, r.kind, str(r.status), r.attempts, r.last_error, r.ambiguous_attempts)
                     for r in rows]
            problems = [line for line in lines if line.status in PROBLEMS or line.ambiguous] + [
                LedgerLine(due, "occurrence", str(OutboxStatus.MISSED), 0, None) for due in missed_occurrences
            ]
            problems.sort(key=lambda line: line.due_at, reverse=True)
            return Ledger(await branch_view(s, branch), since, dict(outcomes), waiting,
                          tuple(problems[:limit]), tuple(lines[:limit]), sum(line.ambiguous for line in lines))
