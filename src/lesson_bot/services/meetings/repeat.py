"""Recurring meetings: a weekly or monthly meeting schedule (Schedule.kind meeting, its template the wizard's
draft) calls each next meeting NOTICE_LEAD ahead of its start, so its notice, reminders and 签到 follow as for a
one-off. Run from the meetings' engine tick (services/meetings/ticks.py); a meeting is never called for a start already
past (the service was down), and the schedule's skip dates (holidays) are honoured.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Meeting, Schedule, SkipDate
from lesson_bot.domain.enums import BranchStatus, ScheduleKind, ScheduleStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.recurrence import Recurrence, occurrences
from lesson_bot.i18n import Translator
from lesson_bot.services.meetings.calls import MeetingDraft, insert_meeting

log = logging.getLogger(__name__)
NOTICE_LEAD = timedelta(days=6)  # under a week: a weekly meeting's next notice follows its previous meeting


async def schedule_ids(s: AsyncSession) -> list[int]:
    """The active meeting schedules of active branches, except those marked broken."""
    return list((await s.execute(
        select(Schedule.id).join(Branch, Branch.id == Schedule.branch_id).where(
            Schedule.kind == ScheduleKind.MEETING, Schedule.status == ScheduleStatus.ACTIVE,
            Schedule.broken_at.is_(None), Branch.status == BranchStatus.ACTIVE)
    )).scalars().all())


async def call_due(s: AsyncSession, schedule_id: int, now: datetime, translator: Translator,
                   types: MeetingTypes) -> int:
    """Call the schedule's meetings starting within the lead that are not called yet; how many were called."""
    schedule = await s.get(Schedule, schedule_id)
    branch = None if schedule is None else await s.get(Branch, schedule.branch_id)
    if schedule is None or branch is None or not schedule.meeting_template:
        return 0
    last = (await s.execute(select(func.max(Meeting.starts_at)).where(Meeting.schedule_id == schedule.id))
            ).scalar_one_or_none()
    skip = frozenset((await s.execute(select(SkipDate.day).where(SkipDate.branch_id == branch.id))).scalars())
    rec = Recurrence(kind=schedule.recurrence, timezone=schedule.timezone, starts_at=schedule.starts_at,
                     rule=schedule.rule, ends_at=schedule.ends_at, max_count=schedule.max_count, skip_dates=skip)
    template = dict(schedule.meeting_template)
    called = 0
    for occurrence in occurrences(rec, after=last, until=now + NOTICE_LEAD):
        if occurrence.due_at <= now:
            log.warning("meeting schedule %d: the meeting of %s was not called in time", schedule.id,
                        occurrence.due_at)
            continue
        reminders = template.get("reminders")
        draft = MeetingDraft(**{**template, "starts_at": occurrence.due_at,
                                "reminders": None if reminders is None else tuple(reminders)})
        await insert_meeting(s, branch, types.get(draft.type), draft, translator, types, now,
                             schedule.created_by_member_id, schedule.id)
        called += 1
    return called
