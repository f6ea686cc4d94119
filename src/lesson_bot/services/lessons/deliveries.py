"""The delivery ledger for secretaries: what was sent, deferred, retried, failed or missed, per branch."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, DeliveryLogEntry, LessonVersion, Meeting, Occurrence, OutboxMessage, Schedule
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
    what: str = ""  # the lesson's title or the meeting's topic ("" for a message about neither)


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
                select(Occurrence.due_at, Occurrence.id).join(Schedule)
                .where(Schedule.branch_id == branch_id, Occurrence.status == OccurrenceStatus.MISSED,
                       Occurrence.due_at >= since).order_by(Occurrence.due_at.desc())
            )).all()
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
            lessons, meetings = await _names(s, [r.occurrence_id for r in rows] + [o for _, o in missed_occurrences],
                                             [r.dedupe_key for r in rows])
            lines = [LedgerLine(r.due_at, r.kind, str(r.status), r.attempts, r.last_error, r.ambiguous_attempts,
                                _what(r, lessons, meetings)) for r in rows]
            problems = [line for line in lines if line.status in PROBLEMS or line.ambiguous] + [
                LedgerLine(due, "occurrence", str(OutboxStatus.MISSED), 0, None,
                           what=lessons.get(occurrence, "")) for due, occurrence in missed_occurrences
            ]
            problems.sort(key=lambda line: line.due_at, reverse=True)
            return Ledger(await branch_view(s, branch), since, dict(outcomes), waiting,
                          tuple(problems[:limit]), tuple(lines[:limit]), sum(line.ambiguous for line in lines))


_MEETING_KEY = re.compile(r"^mt:(\d+):")


async def _names(s: AsyncSession, occurrence_ids: Sequence[int | None],
                 keys: Sequence[str]) -> tuple[dict[int, str], dict[int, str]]:
    """The lesson title of each occurrence, and the topic of each meeting the dedupe keys name (mt:<id>:...)."""
    wanted = {o for o in occurrence_ids if o is not None}
    lessons: dict[int, str] = {}
    if wanted:
        lessons = {o: title for o, title in (await s.execute(
            select(Occurrence.id, LessonVersion.title).join(LessonVersion,
                                                            LessonVersion.id == Occurrence.lesson_version_id)
            .where(Occurrence.id.in_(wanted)))).all()}
    meeting_ids = {int(m.group(1)) for m in map(_MEETING_KEY.match, keys) if m}
    meetings: dict[int, str] = {}
    if meeting_ids:
        meetings = {m: topic for m, topic in (await s.execute(
            select(Meeting.id, Meeting.topic).where(Meeting.id.in_(meeting_ids)))).all()}
    return lessons, meetings


def _what(row: OutboxMessage, lessons: dict[int, str], meetings: dict[int, str]) -> str:
    if row.occurrence_id is not None:
        return lessons.get(row.occurrence_id, "")
    found = _MEETING_KEY.match(row.dedupe_key)
    return meetings.get(int(found.group(1)), "") if found else ""
