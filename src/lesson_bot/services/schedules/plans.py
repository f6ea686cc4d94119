"""Schedules for a branch: typed in the branch's zone, previewed before they are confirmed, listed, cancelled."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, LessonVersion, Occurrence, OutboxMessage, Schedule, SkipDate
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import (
    BranchStatus,
    OccurrenceStatus,
    OutboxStatus,
    RecurrenceType,
    ScheduleKind,
    ScheduleStatus,
)
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action, Actor
from lesson_bot.domain.recurrence import Occurrence as Firing
from lesson_bot.domain.recurrence import Recurrence, RecurrenceError, describe, preview, resolve_local
from lesson_bot.domain.recurrence.when import OneOff, WhenError, parse_when
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.schedules import choices
from lesson_bot.services.schedules import upcoming as reads
from lesson_bot.services.schedules.upcoming import called_meetings, lesson_lines, meeting_series, stopped_series
from lesson_bot.services.schedules.views import (
    Catalog,
    LessonChoice,
    LessonPlan,
    PlannedLesson,
    PlanPreview,
    SchedulePreview,
    ScheduleView,
    SeriesChoice,
    SeriesStopped,
    SkippedDay,
    TimePreset,
    Upcoming,
    slot_presets,
    time_presets,
    usual_slot,
)

__all__ = ["LessonPlan", "SchedulePreview", "ScheduleService", "ScheduleView"]

log = logging.getLogger(__name__)
PREVIEW_COUNT = 5


class ScheduleService:
    """Use cases about schedules; every one is a secretary's (of that branch) or an admin's."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self.types = types  # names the types of meeting series

    def _describe(self, rec: Recurrence, locale: str) -> str:
        return describe(rec, self._translator.lang(locale))

    def _recurrence(self, branch: Branch, when: str, skip: frozenset[date], *, max_count: int | None,
                    ends_at: datetime | None, starts_on: date | None = None) -> Recurrence:
        now = self._clock.now()
        zone = ZoneInfo(branch.timezone)
        try:
            parsed = parse_when(when, now.astimezone(zone))
        except WhenError as exc:
            raise InvalidInput("when", exc.problem, **{**exc.params, "value": when}) from None
        try:
            if isinstance(parsed, OneOff):
                starts = resolve_local(parsed.local.replace(tzinfo=None), branch.timezone)
                if starts <= now:
                    raise InvalidInput("when", "in_the_past", value=when, local=f"{parsed.local:%Y-%m-%d %H:%M}",
                                       now=f"{now.astimezone(zone):%Y-%m-%d %H:%M}")
                return Recurrence(RecurrenceType.ONCE, branch.timezone, starts, {}, skip_dates=skip)
            starts = now
            if starts_on is not None:
                starts = max(now, resolve_local(datetime.combine(starts_on, time()), branch.timezone))
            return Recurrence(parsed.kind, branch.timezone, starts, parsed.rule, ends_at=ends_at, max_count=max_count,
                              skip_dates=skip)
        except RecurrenceError as exc:
            raise InvalidInput(f"when.{exc.field}", exc.problem, **{**exc.params, "value": when}) from None

    async def _branch(self, s: AsyncSession, telegram_user_id: int, branch_id: int
                      ) -> tuple[Actor, Branch, frozenset[date]]:
        """The check every use case here starts with, then the branch and its skipped dates."""
        actor = await self._access.require(s, telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
        branch = await s.get(Branch, branch_id)
        if branch is None:
            raise NotFound("branch", branch_id)
        skip = frozenset((await s.execute(select(SkipDate.day).where(SkipDate.branch_id == branch_id))).scalars())
        return actor, branch, skip

    async def preview(self, telegram_user_id: int, branch_id: int, when: str, *, locale: str = "zh-Hans",
                      max_count: int | None = None, ends_at: datetime | None = None,
                      starts_on: date | None = None) -> SchedulePreview:
        """The next occurrences of what was typed ("每周一 20:00", "2026-12-01 19:30"), in the branch's time."""
        async with self._db.transaction() as s:
            _actor, branch, skip = await self._branch(s, telegram_user_id, branch_id)
        rec = self._recurrence(branch, when, skip, max_count=max_count, ends_at=ends_at, starts_on=starts_on)
        firings = preview(rec, self._clock.now(), PREVIEW_COUNT)
        return SchedulePreview(self._describe(rec, locale), tuple(f.local for f in firings))

    async def preview_plan(self, telegram_user_id: int, branch_id: int, series: str, when: str, *,
                           starts_on: date | None = None, locale: str = "zh-Hans") -> PlanPreview:
        """A whole series at a repeating time: which lesson falls on which local date."""
        async with self._db.transaction() as s:
            _actor, branch, skip = await self._branch(s, telegram_user_id, branch_id)
            rec = self._recurrence(branch, when, skip, max_count=None, ends_at=None, starts_on=starts_on)
            if rec.kind is RecurrenceType.ONCE:
                # A one-off moment would deliver the first lesson and leave the rest of the series unscheduled.
                raise InvalidInput("when", "not_repeating", value=when)
            lessons = await lookup.series_lessons(s, series, branch_id)
            if not lessons:
                raise await choices.series_refusal(s, series, branch_id)
        firings = preview(rec, self._clock.now(), len(lessons))
        return PlanPreview(series, self._describe(rec, locale),
                           tuple(PlannedLesson(f.local, lessons[f.seq - 1].title) for f in firings))

    async def create(self, telegram_user_id: int, branch_id: int, plan: LessonPlan, when: str, *,
                     max_count: int | None = None, ends_at: datetime | None = None,
                     starts_on: date | None = None, locale: str | None = None) -> ScheduleView:
        """Schedule a lesson or a series; the planner delivers it from then on (described in `locale`)."""
        async with self._db.transaction() as s:
            actor, branch, skip = await self._branch(s, telegram_user_id, branch_id)
            if branch.status is not BranchStatus.ACTIVE:
                raise InvalidInput("branch", "inactive", value=branch.title)
            rec = self._recurrence(branch, when, skip, max_count=max_count, ends_at=ends_at, starts_on=starts_on)
            lesson_id, what = await choices.resolve_plan(s, plan, branch_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            schedule = Schedule(branch_id=branch_id, kind=ScheduleKind.LESSON, lesson_id=lesson_id,
                                series=plan.series, timezone=branch.timezone, recurrence=rec.kind, rule=dict(rec.rule),
                                starts_at=rec.starts_at, ends_at=ends_at, max_count=max_count,
                                status=ScheduleStatus.ACTIVE, created_by_member_id=member.id if member else None)
            s.add(schedule)
            await s.flush()
            self._access.record(s, actor, Action.MANAGE_SCHEDULES, branch_id,
                                {"schedule_id": schedule.id, "what": what, "when": when})
            firings: list[Firing] = preview(rec, self._clock.now(), PREVIEW_COUNT)
            return ScheduleView(schedule.id, what, self._describe(rec, locale or branch.locale), schedule.status,
                                tuple(f.local for f in firings))

    async def time_presets(self, telegram_user_id: int, branch_id: int) -> tuple[TimePreset, ...]:
        """Times to offer as buttons, computed in the branch's zone (none in the past)."""
        async with self._db.transaction() as s:
            _actor, branch, _skip = await self._branch(s, telegram_user_id, branch_id)
            moments = await _lesson_moments(s, branch_id)
        zone = ZoneInfo(branch.timezone)
        local = [m.astimezone(zone) for m in moments]
        return time_presets(self._clock.now().astimezone(zone), usual_slot(local), local)

    async def slot_presets(self, telegram_user_id: int, branch_id: int) -> tuple[TimePreset, ...]:
        """Weekly slots to offer for a whole series, the branch's usual one first."""
        async with self._db.transaction() as s:
            _actor, branch, _skip = await self._branch(s, telegram_user_id, branch_id)
            moments = await _lesson_moments(s, branch_id)
        return slot_presets(usual_slot([m.astimezone(ZoneInfo(branch.timezone)) for m in moments]))

    async def read_start(self, telegram_user_id: int, branch_id: int, text: str) -> date:
        """A start date typed in the branch's calendar ("2026-12-14", "下周一", "Dec 14"); today or later."""
        async with self._db.transaction() as s:
            _actor, branch, _skip = await self._branch(s, telegram_user_id, branch_id)
        today = self._clock.now().astimezone(ZoneInfo(branch.timezone))
        try:
            # The time parser knows every date form; a fixed time of day turns a date into a moment it can read.
            parsed = parse_when(f"{text.strip()} 00:00", today)
        except WhenError:
            parsed = None
        if not isinstance(parsed, OneOff):
            raise InvalidInput("start", "not_a_date", value=text)
        if parsed.local.date() < today.date():
            raise InvalidInput("start", "in_the_past", value=text, today=f"{today:%Y-%m-%d}")
        return parsed.local.date()

    async def catalog(self, telegram_user_id: int, branch_id: int) -> Catalog:
        """Every active lesson by series, marked when this branch has it scheduled or delivered already."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            _actor, branch, _skip = await self._branch(s, telegram_user_id, branch_id)
            rows = await choices.catalog_rows(s, branch_id)
            active = (await s.execute(
                select(Schedule.lesson_id, Schedule.series).where(
                    Schedule.branch_id == branch_id, Schedule.status == ScheduleStatus.ACTIVE,
                    Schedule.kind == ScheduleKind.LESSON,
                    or_(Schedule.recurrence != RecurrenceType.ONCE, Schedule.starts_at > now))
            )).all()
            delivered = set((await s.execute(
                select(LessonVersion.lesson_id).join(Occurrence, Occurrence.lesson_version_id == LessonVersion.id)
                .join(Schedule, Schedule.id == Occurrence.schedule_id)
                .where(Schedule.branch_id == branch_id, Occurrence.status == OccurrenceStatus.PLANNED,
                       Occurrence.due_at <= now)
            )).scalars())
        scheduled_ids = {row.lesson_id for row in active if row.lesson_id is not None}
        scheduled_series = {row.series for row in active if row.series is not None}
        by_series: dict[str, list[LessonChoice]] = {}
        language: dict[str, str] = {}
        for lesson, summary, ready in rows:
            language.setdefault(lesson.series, lesson.language)
            by_series.setdefault(lesson.series, []).append(LessonChoice(
                lesson.id, lesson.slug, lesson.position, lesson.title, summary or "",
                scheduled=lesson.id in scheduled_ids or lesson.series in scheduled_series,
                delivered=lesson.id in delivered, own=ready is not None, quiz_unwritten=ready is False))
        mine = branch.locale.split("-")[0].lower()
        order = sorted(by_series, key=lambda name: (language[name].split("-")[0].lower() != mine, name))
        return Catalog(branch.title, branch.timezone,
                       tuple(SeriesChoice(name, tuple(by_series[name])) for name in order))

    async def upcoming(self, telegram_user_id: int, branch_id: int, *, limit: int = 10,
                       locale: str = "zh-Hans") -> Upcoming:
        """The branch's next lesson deliveries and their schedules, its active meeting series and the meetings
        called but not started, each part at most `limit` long; and its schedules and series that are broken."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            _actor, branch, skip = await self._branch(s, telegram_user_id, branch_id)
            t = self._translator.lang(locale)
            lessons, lines = await lesson_lines(s, branch_id, skip, now, limit, t)
            series = await meeting_series(s, branch_id, skip, now, t, self.types)
            meetings, more_meetings = await called_meetings(s, branch_id, now, branch.timezone, self.types, limit)
            broken = await reads.broken_schedules(s, branch_id, skip, t, self.types)
        return Upcoming(branch.title, branch.timezone, tuple(lessons[:limit]), tuple(lines[:limit]),
                        tuple(meetings), tuple(series[:limit]), more_schedules=max(0, len(lines) - limit),
                        more_meetings=more_meetings, more_series=max(0, len(series) - limit), broken=tuple(broken))

    async def cancel(self, telegram_user_id: int, schedule_id: int, branch_id: int | None = None) -> int:
        """Stop a schedule (of `branch_id`, when given); whatever it queued and is not sent yet is cancelled too.
        The rows cancelled. Conflict("schedule_cancelled") when it was cancelled already."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.MANAGE_SCHEDULES,
                                               await self._branch_of(s, schedule_id, branch_id=branch_id))
            # As in stop_meetings: a second (stale) confirm changes and audits nothing.
            cancelled = (await s.execute(
                update(Schedule).where(Schedule.id == schedule_id, Schedule.status != ScheduleStatus.CANCELLED)
                .values(status=ScheduleStatus.CANCELLED).returning(Schedule.id))).first()
            if cancelled is None:
                raise Conflict("schedule_cancelled", id=schedule_id)
            schedule = await s.get(Schedule, schedule_id)
            assert schedule is not None
            return await self._withdraw(s, actor, schedule)

    async def stop_meetings(self, telegram_user_id: int, schedule_id: int, *, branch_id: int | None = None,
                            locale: str = "zh-Hans") -> SeriesStopped:
        """End a meeting series: it calls no further meeting. The meetings it already called stay (each has its
        own cancel in /meetings). Conflict("series_stopped") when the series is no longer active."""
        async with self._db.transaction() as s:
            branch_id = await self._branch_of(s, schedule_id, ScheduleKind.MEETING, branch_id=branch_id)
            actor = await self._access.require(s, telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
            # Only the tap that finds it active stops it: a second (stale) tap changes and audits nothing.
            stopped = (await s.execute(
                update(Schedule).where(Schedule.id == schedule_id, Schedule.status == ScheduleStatus.ACTIVE)
                .values(status=ScheduleStatus.CANCELLED).returning(Schedule.id))).first()
            if stopped is None:
                raise Conflict("series_stopped", id=schedule_id)
            schedule = await s.get(Schedule, schedule_id)
            assert schedule is not None
            await self._withdraw(s, actor, schedule)
            return await stopped_series(s, schedule, self._clock.now(), self._translator.lang(locale), self.types)

    async def _branch_of(self, s: AsyncSession, schedule_id: int, kind: ScheduleKind | None = None, *,
                         branch_id: int | None = None) -> int:
        """The schedule's branch; NotFound when there is no such schedule (of that kind, of that branch)."""
        schedule = await s.get(Schedule, schedule_id)
        if (schedule is None or (kind is not None and schedule.kind is not kind)
                or (branch_id is not None and schedule.branch_id != branch_id)):
            raise NotFound("schedule", schedule_id)
        return schedule.branch_id

    async def _withdraw(self, s: AsyncSession, actor: Actor, schedule: Schedule) -> int:
        """Cancel what the schedule queued and is not sent yet, and audit the cancel; the rows cancelled."""
        occurrence_ids = select(Occurrence.id).where(Occurrence.schedule_id == schedule.id).scalar_subquery()
        result = await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.occurrence_id.in_(occurrence_ids), OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED).returning(OutboxMessage.id)
        )
        cancelled = len(result.all())
        self._access.record(s, actor, Action.MANAGE_SCHEDULES, schedule.branch_id,
                            {"cancelled_schedule": schedule.id, "rows": cancelled})
        return cancelled

    async def skip_date(self, telegram_user_id: int, branch_id: int, day: date,
                        reason: str | None = None) -> SkippedDay:
        """A holiday: the branch's recurring schedules do not fire on this local date. Says whether the day was
        set already and what it holds back."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            skips = frozenset((await s.execute(select(SkipDate.day).where(SkipDate.branch_id == branch_id)))
                              .scalars().all())
            blocked = await reads.fired_on(s, branch_id, skips, day, branch.timezone)
            if day not in skips:
                s.add(SkipDate(branch_id=branch_id, day=day, reason=reason))
                self._access.record(s, actor, Action.MANAGE_SCHEDULES, branch_id, {"skip_date": day.isoformat()})
            return SkippedDay(day, day in skips, tuple(blocked))


async def _lesson_moments(s: AsyncSession, branch_id: int, limit: int = 50) -> list[datetime]:
    """When the branch's latest lessons were (or are) due, newest first: each occurrence, and each one-off
    schedule the planner has not reached yet."""
    due = (await s.execute(
        select(Occurrence.due_at).join(Schedule, Schedule.id == Occurrence.schedule_id)
        .where(Schedule.branch_id == branch_id, Schedule.kind == ScheduleKind.LESSON)
        .order_by(Occurrence.due_at.desc()).limit(limit))).scalars().all()
    pending = (await s.execute(
        select(Schedule.starts_at).where(
            Schedule.branch_id == branch_id, Schedule.kind == ScheduleKind.LESSON,
            Schedule.recurrence == RecurrenceType.ONCE, Schedule.status == ScheduleStatus.ACTIVE,
            Schedule.id.not_in(select(Occurrence.schedule_id)))
        .limit(limit))).scalars().all()
    return sorted([*due, *pending], reverse=True)
