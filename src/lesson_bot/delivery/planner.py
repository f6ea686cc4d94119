"""The planner: turns the due occurrences of active schedules into outbox rows, once.

Run on a periodic tick (APScheduler). Each tick looks from the schedule's last planned occurrence up to
`now + lookahead`; occurrences and outbox rows are unique, so a double tick or a restart adds nothing. An
occurrence found after its grace window (the service was down) is recorded as missed, never sent late.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, LessonDelivery, LessonVersion, Occurrence, Schedule, SkipDate
from lesson_bot.db.uow import Database
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import (
    BranchStatus,
    OccurrenceStatus,
    ParticipationMode,
    RecurrenceType,
    ScheduleKind,
    ScheduleStatus,
)
from lesson_bot.domain.messages import missed_window
from lesson_bot.domain.recurrence import Recurrence, RecurrenceError, occurrences
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.messages import lessons as compose
from lesson_bot.services.schedules import broken

log = logging.getLogger(__name__)

DEFAULT_GRACE: Mapping[ScheduleKind, timedelta] = {
    ScheduleKind.LESSON: timedelta(hours=6),  # a lesson may arrive hours late
    ScheduleKind.MEETING: timedelta(minutes=15),
}


@dataclass(frozen=True)
class PlannerConfig:
    lookahead: timedelta = timedelta(seconds=30)
    grace: Mapping[ScheduleKind, timedelta] = field(default_factory=lambda: dict(DEFAULT_GRACE))


@dataclass
class PlanReport:
    planned: int = 0
    rows: int = 0
    missed: list[tuple[int, int, datetime]] = field(default_factory=list)  # (branch id, schedule id, due)
    finished: int = 0


class Planner:
    """Materialises due occurrences into the outbox."""

    def __init__(self, db: Database, clock: Clock, config: PlannerConfig, translator: Translator,
                 admin_chat_id: int | None = None) -> None:
        self._db = db
        self._clock = clock
        self.config = config
        self._translator = translator
        self._admin_chat_id = admin_chat_id  # told of a broken schedule, besides its branch's secretaries

    async def tick(self) -> PlanReport:
        """Plan everything due up to now + lookahead, each schedule in its own transaction."""
        report = PlanReport()
        async with self._db.transaction() as s:
            ids = (await s.execute(
                select(Schedule.id).join(Branch, Branch.id == Schedule.branch_id)
                # Meeting schedules create meetings ahead of time (services/meetings/ticks.py); their notices, reminders
                # and sign-in are planned per meeting there.
                .where(Schedule.status == ScheduleStatus.ACTIVE, Branch.status == BranchStatus.ACTIVE,
                       Schedule.kind == ScheduleKind.LESSON, Schedule.broken_at.is_(None))
            )).scalars().all()
        for schedule_id in ids:
            try:
                await self._plan_or_mark(schedule_id, report)
            except Exception:  # one bad schedule must not stop the others
                log.exception("planning schedule %d failed", schedule_id)
        return report

    async def _plan_or_mark(self, schedule_id: int, report: PlanReport) -> None:
        try:
            async with self._db.transaction() as s:
                await self._plan(s, schedule_id, report)
        except RecurrenceError as exc:  # it cannot be computed, now or ever: marked and reported once, then skipped
            async with self._db.transaction() as s:
                report.rows += await broken.mark(s, schedule_id, exc, self._clock.now(), self._translator,
                                                 self._admin_chat_id)

    async def _plan(self, s: AsyncSession, schedule_id: int, report: PlanReport) -> None:
        schedule = await s.get(Schedule, schedule_id)
        branch = None if schedule is None else await s.get(Branch, schedule.branch_id)
        if schedule is None or branch is None:
            return
        now = self._clock.now()
        skip = frozenset((await s.execute(select(SkipDate.day).where(SkipDate.branch_id == branch.id))).scalars())
        rec = Recurrence(kind=schedule.recurrence, timezone=schedule.timezone, starts_at=schedule.starts_at,
                         rule=schedule.rule, ends_at=schedule.ends_at, max_count=schedule.max_count,
                         skip_dates=skip)
        last, last_seq = (await s.execute(select(func.max(Occurrence.due_at), func.max(Occurrence.seq))
                                          .where(Occurrence.schedule_id == schedule.id))).one()
        grace = self.config.grace.get(schedule.kind, timedelta(minutes=15))
        until = now + self.config.lookahead
        planned_seq = last_seq or 0
        for occ in occurrences(rec, after=last, until=until):
            planned_seq = max(planned_seq, occ.seq)
            version = await compose.lesson_for(s, schedule, occ.seq) if schedule.kind is ScheduleKind.LESSON else None
            if schedule.kind is ScheduleKind.LESSON and version is None:
                schedule.status = ScheduleStatus.FINISHED  # the series has no lesson that far
                report.finished += 1
                return
            not_after = missed_window(occ.due_at, grace)
            status = OccurrenceStatus.MISSED if now > not_after else OccurrenceStatus.PLANNED
            occurrence_id = await _insert_occurrence(s, schedule.id, occ.seq, occ.due_at, status, now,
                                                     None if version is None else version.id)
            if occurrence_id is None:
                continue  # another tick planned it
            report.planned += 1
            if status is OccurrenceStatus.MISSED:
                report.missed.append((branch.id, schedule.id, occ.due_at))
                log.warning("schedule %d: occurrence due %s missed its grace window", schedule.id, occ.due_at)
                continue
            if version is not None:
                delivery_id = await _plan_delivery(s, branch, version, occurrence_id)
                items = []
                button = compose.checkin_label(self._translator.lang(branch.locale))
                parts = compose.lesson_parts(version, delivery_id=delivery_id, button=button,
                                             file_ids=await compose.uploaded_file_ids(s, version))
                for index, part in enumerate(parts):
                    dedupe, group = compose.part_keys(occurrence_id, branch.chat_id, index)
                    items.append(outbox.OutboxItem.of(dedupe, branch.chat_id, "lesson", part, occ.due_at, group,
                                                      index, not_after, branch.id, occurrence_id))
                report.rows += await outbox.enqueue(s, items)
        if _exhausted(rec, planned_seq, until):
            # Nothing is left to plan: leave the active set, or every tick would visit every schedule ever made.
            schedule.status = ScheduleStatus.FINISHED
            report.finished += 1


def _exhausted(rec: Recurrence, planned_seq: int, until: datetime) -> bool:
    """Every occurrence is planned: a one-off's, the last of a count, or all up to the end date."""
    if rec.kind is RecurrenceType.ONCE:
        return planned_seq >= 1
    if rec.max_count is not None and planned_seq >= rec.max_count:
        return True
    return rec.ends_at is not None and until >= rec.ends_at


async def _plan_delivery(s: AsyncSession, branch: Branch, version: LessonVersion, occurrence_id: int) -> int:
    """The group's delivery of this occurrence, created now so that the check-in button can name it; its message
    id and time are filled in when the message is sent (services/messages/lesson_sent.py)."""
    row = {"branch_id": branch.id, "lesson_version_id": version.id, "occurrence_id": occurrence_id,
           "mode": ParticipationMode.ON_TIME, "chat_id": branch.chat_id, "member_id": None}
    inserted = await insert_new(s, LessonDelivery, [row], ["occurrence_id", "chat_id"], LessonDelivery.id)
    if inserted:
        return int(inserted[0])
    return int((await s.execute(select(LessonDelivery.id).where(
        LessonDelivery.occurrence_id == occurrence_id, LessonDelivery.chat_id == branch.chat_id))).scalar_one())


async def _insert_occurrence(s: AsyncSession, schedule_id: int, seq: int, due_at: datetime,
                             status: OccurrenceStatus, now: datetime, version_id: int | None) -> int | None:
    row = {"schedule_id": schedule_id, "seq": seq, "due_at": due_at, "status": status, "planned_at": now,
           "lesson_version_id": version_id}
    inserted = await insert_new(s, Occurrence, [row], ["schedule_id", "due_at"], Occurrence.id)
    return inserted[0] if inserted else None
