"""Schedules for a branch: typed in the branch's zone, previewed before they are confirmed, listed, cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Lesson, Occurrence, OutboxMessage, Schedule, SkipDate
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import BranchStatus, OutboxStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.domain.permissions import Action
from lesson_bot.domain.recurrence import Occurrence as Firing
from lesson_bot.domain.recurrence import Recurrence, RecurrenceError, describe, preview, resolve_local
from lesson_bot.domain.when import OneOff, WhenError, parse_when
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import InvalidInput, NotFound

PREVIEW_COUNT = 5


@dataclass(frozen=True)
class LessonPlan:
    """What a lesson schedule delivers: one lesson (by its stable id) or a whole series in order."""

    lesson_slug: str | None = None
    series: str | None = None


@dataclass(frozen=True)
class SchedulePreview:
    description: str
    next: tuple[datetime, ...]  # local times, in the branch's zone


@dataclass(frozen=True)
class ScheduleView:
    id: int
    what: str
    description: str
    status: ScheduleStatus
    next: tuple[datetime, ...]


class ScheduleService:
    """Use cases about schedules; every one is a secretary's (of that branch) or an admin's."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl) -> None:
        self._db = db
        self._clock = clock
        self._access = access

    def _recurrence(self, branch: Branch, when: str, skip: frozenset[date], *, max_count: int | None,
                          ends_at: datetime | None) -> Recurrence:
        now = self._clock.now()
        zone = ZoneInfo(branch.timezone)
        try:
            parsed = parse_when(when, now.astimezone(zone))
        except WhenError as exc:
            raise InvalidInput("when", exc.problem, value=when, **exc.params) from None
        try:
            if isinstance(parsed, OneOff):
                starts = resolve_local(parsed.local.replace(tzinfo=None), branch.timezone)
                if starts <= now:
                    raise InvalidInput("when", "in_the_past", value=when)
                return Recurrence(RecurrenceType.ONCE, branch.timezone, starts, {}, skip_dates=skip)
            return Recurrence(parsed.kind, branch.timezone, now, parsed.rule, ends_at=ends_at, max_count=max_count,
                              skip_dates=skip)
        except RecurrenceError as exc:
            raise InvalidInput(f"when.{exc.field}", exc.problem, value=when, **exc.params) from None

    async def _branch(self, branch_id: int) -> tuple[Branch, frozenset[date]]:
        async with self._db.transaction() as s:
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            skip = frozenset((await s.execute(select(SkipDate.day).where(SkipDate.branch_id == branch_id))).scalars())
            return branch, skip

    async def preview(self, telegram_user_id: int, branch_id: int, when: str, *, locale: str = "zh-Hans",
                      max_count: int | None = None, ends_at: datetime | None = None) -> SchedulePreview:
        """The next occurrences of what was typed ("每周一 20:00", "2026-12-01 19:30"), in the branch's time."""
        await self._access.require(telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
        branch, skip = await self._branch(branch_id)
        rec = self._recurrence(branch, when, skip, max_count=max_count, ends_at=ends_at)
        firings = preview(rec, self._clock.now(), PREVIEW_COUNT)
        return SchedulePreview(describe(rec, locale), tuple(f.local for f in firings))

    async def create(self, telegram_user_id: int, branch_id: int, plan: LessonPlan, when: str, *,
                     max_count: int | None = None, ends_at: datetime | None = None) -> ScheduleView:
        """Schedule a lesson or a series; the planner delivers it from then on."""
        actor = await self._access.require(telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
        branch, skip = await self._branch(branch_id)
        if branch.status is not BranchStatus.ACTIVE:
            raise InvalidInput("branch", "inactive", value=branch.title)
        rec = self._recurrence(branch, when, skip, max_count=max_count, ends_at=ends_at)
        async with self._db.transaction() as s:
            lesson_id, what = await _resolve_plan(s, plan)
            schedule = Schedule(branch_id=branch_id, kind=ScheduleKind.LESSON, lesson_id=lesson_id,
                                series=plan.series, timezone=branch.timezone, recurrence=rec.kind, rule=dict(rec.rule),
                                starts_at=rec.starts_at, ends_at=ends_at, max_count=max_count,
                                status=ScheduleStatus.ACTIVE)
            s.add(schedule)
            await s.flush()
            self._access.record(s, actor, Action.MANAGE_SCHEDULES, branch_id,
                                {"schedule_id": schedule.id, "what": what, "when": when})
            firings: list[Firing] = preview(rec, self._clock.now(), PREVIEW_COUNT)
            return ScheduleView(schedule.id, what, describe(rec, branch.locale), schedule.status,
                                tuple(f.local for f in firings))

    async def cancel(self, telegram_user_id: int, schedule_id: int) -> int:
        """Stop a schedule; whatever it queued and is not sent yet is cancelled too. The rows cancelled."""
        async with self._db.transaction() as s:
            schedule = await s.get(Schedule, schedule_id)
            if schedule is None:
                raise NotFound("schedule", schedule_id)
            branch_id = schedule.branch_id
        actor = await self._access.require(telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
        async with self._db.transaction() as s:
            schedule = await s.get(Schedule, schedule_id)
            assert schedule is not None
            schedule.status = ScheduleStatus.CANCELLED
            occurrence_ids = select(Occurrence.id).where(Occurrence.schedule_id == schedule_id).scalar_subquery()
            result = await s.execute(
                update(OutboxMessage)
                .where(OutboxMessage.occurrence_id.in_(occurrence_ids), OutboxMessage.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED).returning(OutboxMessage.id)
            )
            cancelled = len(result.all())
            self._access.record(s, actor, Action.MANAGE_SCHEDULES, branch_id,
                                {"cancelled_schedule": schedule_id, "rows": cancelled})
            return cancelled

    async def skip_date(self, telegram_user_id: int, branch_id: int, day: date, reason: str | None = None) -> None:
        """A holiday: the branch's recurring schedules do not fire on this local date."""
        actor = await self._access.require(telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
        async with self._db.transaction() as s:
            exists = (await s.execute(select(SkipDate.id).where(SkipDate.branch_id == branch_id,
                                                                 SkipDate.day == day))).scalar_one_or_none()
            if exists is None:
                s.add(SkipDate(branch_id=branch_id, day=day, reason=reason))
                self._access.record(s, actor, Action.MANAGE_SCHEDULES, branch_id, {"skip_date": day.isoformat()})


async def _resolve_plan(s: AsyncSession, plan: LessonPlan) -> tuple[int | None, str]:
    if plan.lesson_slug:
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == plan.lesson_slug,
                                                       Lesson.active.is_(True)))).scalar_one_or_none()
        if lesson is None:
            raise NotFound("lesson", plan.lesson_slug)
        return lesson.id, lesson.title
    if plan.series:
        found = (await s.execute(select(Lesson.id).where(Lesson.series == plan.series, Lesson.active.is_(True))
                                 .limit(1))).scalar_one_or_none()
        if found is None:
            raise NotFound("series", plan.series)
        return None, plan.series
    raise InvalidInput("lesson", "missing")
