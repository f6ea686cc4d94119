"""The reads behind /upcoming: a branch's next lesson deliveries and their schedules, its active meeting series and
the meetings already called (services/meetings/repeat.py calls a series' meetings ahead of their start), and the
schedules and series that cannot be computed, shown as broken with the reason (services/schedules/broken.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Lesson, Meeting, Schedule
from lesson_bot.domain.enums import MeetingStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.recurrence import Recurrence, RecurrenceError, describe, occurrences, preview
from lesson_bot.domain.recurrence.clock import resolve_local
from lesson_bot.domain.translation import Translation
from lesson_bot.services import lookup
from lesson_bot.services.schedules.broken import reason_of, reason_text
from lesson_bot.services.schedules.views import (
    Blocked,
    BrokenSchedule,
    CalledMeeting,
    MeetingSeries,
    ScheduleLine,
    SeriesStopped,
    UpcomingLesson,
)


def _walk(schedule: Schedule, skip: frozenset[date]) -> Recurrence | RecurrenceError:
    try:
        return Recurrence(schedule.recurrence, schedule.timezone, schedule.starts_at, schedule.rule,
                          ends_at=schedule.ends_at, max_count=schedule.max_count, skip_dates=skip)
    except RecurrenceError as exc:
        return exc


def recurrence(schedule: Schedule, skip: frozenset[date] = frozenset()) -> Recurrence | None:
    """The schedule's recurrence, or None for one that is broken (marked, or that cannot be walked)."""
    walked = _walk(schedule, skip)
    return walked if isinstance(walked, Recurrence) and schedule.broken_at is None else None


async def broken_schedules(s: AsyncSession, branch_id: int, skip: frozenset[date], t: Translation,
                           types: MeetingTypes) -> list[BrokenSchedule]:
    """The branch's active lesson schedules and meeting series that the planner marked broken or cannot compute
    (not marked yet: its next tick will), each with what is wrong."""
    found: list[BrokenSchedule] = []
    for schedule in await _active(s, branch_id, ScheduleKind.LESSON) + await _active(s, branch_id,
                                                                                      ScheduleKind.MEETING):
        reason = schedule.broken_reason
        if schedule.broken_at is None:
            walked = _walk(schedule, skip)
            if isinstance(walked, Recurrence):
                continue
            reason = reason_of(walked)
        if schedule.kind is ScheduleKind.MEETING:
            template: dict[str, Any] = dict(schedule.meeting_template or {})
            found.append(BrokenSchedule(schedule.id, str(template.get("topic", "")), reason_text(t, reason),
                                        types.get(str(template.get("type", "")))))
        else:
            found.append(BrokenSchedule(schedule.id, (await _titles(s, schedule))[1], reason_text(t, reason)))
    return sorted(found, key=lambda line: line.id)


async def _active(s: AsyncSession, branch_id: int, kind: ScheduleKind) -> list[Schedule]:
    return list((await s.execute(
        select(Schedule).where(Schedule.branch_id == branch_id, Schedule.status == ScheduleStatus.ACTIVE,
                               Schedule.kind == kind).order_by(Schedule.id)
    )).scalars().all())


async def lesson_lines(s: AsyncSession, branch_id: int, skip: frozenset[date], now: datetime, limit: int,
                       t: Translation) -> tuple[list[UpcomingLesson], list[ScheduleLine]]:
    """The next `limit` deliveries of every active lesson schedule (soonest first), and the schedules with
    something still to deliver (soonest first)."""
    lessons: list[UpcomingLesson] = []
    lines: list[ScheduleLine] = []
    for schedule in await _active(s, branch_id, ScheduleKind.LESSON):
        rec = recurrence(schedule, skip)
        if rec is None:
            continue
        titles, what = await _titles(s, schedule)
        single = schedule.lesson_id is not None  # delivers its one lesson at every occurrence
        found = [UpcomingLesson(schedule.id, f.local, titles[0] if single else titles[f.seq - 1])
                 for f in preview(rec, now, limit) if single or f.seq <= len(titles)]
        if found:
            lessons.extend(found)
            lines.append(ScheduleLine(schedule.id, what, describe(rec, t), rec.kind is not RecurrenceType.ONCE,
                                      found[0].local))
    lessons.sort(key=lambda item: (item.local, item.schedule_id))
    lines.sort(key=lambda line: (line.next, line.id))
    return lessons, lines


async def meeting_series(s: AsyncSession, branch_id: int, skip: frozenset[date], now: datetime, t: Translation,
                         types: MeetingTypes) -> list[MeetingSeries]:
    """The active meeting series that will call another meeting, soonest first, each with that meeting's start."""
    schedules = await _active(s, branch_id, ScheduleKind.MEETING)
    if not schedules:
        return []
    rows = await s.execute(
        select(Meeting.schedule_id, func.max(Meeting.starts_at))
        .where(Meeting.schedule_id.in_([schedule.id for schedule in schedules])).group_by(Meeting.schedule_id))
    last = {schedule_id: latest for schedule_id, latest in rows.all() if schedule_id is not None}
    found: list[MeetingSeries] = []
    for schedule in schedules:
        rec = recurrence(schedule, skip)
        if rec is None:
            continue
        called = last.get(schedule.id)
        # The series calls the occurrences after its last meeting (meetings_repeat.call_due): that is the next.
        upcoming = preview(rec, now if called is None else max(now, called), 1)
        if upcoming:
            template: dict[str, Any] = dict(schedule.meeting_template or {})
            found.append(MeetingSeries(schedule.id, types.get(str(template.get("type", ""))),
                                       str(template.get("topic", "")), describe(rec, t), upcoming[0].local))
    found.sort(key=lambda line: (line.next, line.id))
    return found


async def called_meetings(s: AsyncSession, branch_id: int, now: datetime, timezone: str, types: MeetingTypes,
                          limit: int) -> tuple[list[CalledMeeting], int]:
    """The branch's next `limit` meetings called and not started (soonest first), and how many more there are."""
    rows = (await s.execute(
        select(Meeting).where(Meeting.branch_id == branch_id, Meeting.status == MeetingStatus.SCHEDULED,
                              Meeting.starts_at > now).order_by(Meeting.starts_at, Meeting.id)
    )).scalars().all()
    zone = ZoneInfo(timezone)
    shown = [CalledMeeting(m.id, types.get(m.type), m.topic, m.starts_at.astimezone(zone), m.schedule_id)
             for m in rows[:limit]]
    return shown, max(0, len(rows) - limit)


async def stopped_series(s: AsyncSession, schedule: Schedule, now: datetime, t: Translation,
                         types: MeetingTypes) -> SeriesStopped:
    """A series just stopped, with how many meetings it called that have not started and are not called off."""
    called = (await s.execute(
        select(func.count()).select_from(Meeting).where(Meeting.schedule_id == schedule.id,
                                                         Meeting.status == MeetingStatus.SCHEDULED,
                                                         Meeting.starts_at > now)
    )).scalar_one()
    rec = recurrence(schedule)
    template: dict[str, Any] = dict(schedule.meeting_template or {})
    return SeriesStopped(schedule.id, types.get(str(template.get("type", ""))),
                         "" if rec is None else describe(rec, t), int(called))


async def _titles(s: AsyncSession, schedule: Schedule) -> tuple[list[str], str]:
    """The titles a schedule delivers (its one lesson, or its series in order), and its name."""
    if schedule.lesson_id is not None:
        lesson = await s.get(Lesson, schedule.lesson_id)
        title = lesson.title if lesson is not None else "?"
        return [title], title
    lessons = await lookup.series_lessons(s, schedule.series or "", schedule.branch_id)
    return [lesson.title for lesson in lessons], schedule.series or ""


async def fired_on(s: AsyncSession, branch_id: int, skip: frozenset[date], day: date,
                   timezone: str) -> list[Blocked]:
    """What the branch's active recurring lesson schedules and meeting series would send on the local `day`
    (a skipped day stops them), in order of time."""
    first = resolve_local(datetime.combine(day, time()), timezone)
    last = resolve_local(datetime.combine(day + timedelta(days=1), time()), timezone)
    found: list[Blocked] = []
    for schedule in await _active(s, branch_id, ScheduleKind.LESSON) + await _active(s, branch_id,
                                                                                      ScheduleKind.MEETING):
        rec = recurrence(schedule, skip - {day})
        if rec is None or rec.kind is RecurrenceType.ONCE:
            continue
        for firing in occurrences(rec, after=first - timedelta(microseconds=1), until=last - timedelta(microseconds=1)):
            if schedule.kind is ScheduleKind.MEETING:
                what = str(dict(schedule.meeting_template or {}).get("topic", ""))
            else:
                titles, name = await _titles(s, schedule)
                what = titles[0] if schedule.lesson_id is not None else (
                    titles[firing.seq - 1] if firing.seq <= len(titles) else name)
            found.append(Blocked(schedule.id, firing.local, what, schedule.kind is ScheduleKind.MEETING))
    return sorted(found, key=lambda b: (b.local, b.schedule_id))
