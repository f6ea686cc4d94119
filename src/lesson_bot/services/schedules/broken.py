"""A schedule the planner cannot compute (a rule corrupted in the database, a zone gone from the zone data): marked
once, reported once to its branch's secretaries in private and to the admin chat, then skipped by the planner and
shown as broken in /upcoming.

A broken schedule stays broken until it is cancelled (a meeting series: stopped). Nothing edits a schedule in place,
so its cause does not go away by itself; the report tells the secretary to cancel it and schedule again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Lesson, Schedule
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.enums import ScheduleKind, ScheduleStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.messages import Text
from lesson_bot.domain.recurrence import RecurrenceError
from lesson_bot.domain.translation import Translation
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.meetings.views import secretaries

log = logging.getLogger(__name__)


def reason_of(error: RecurrenceError) -> dict[str, Any]:
    """The error as the data kept in Schedule.broken_reason."""
    return {"field": error.field, "problem": error.problem, "params": {k: str(v) for k, v in error.params.items()}}


def reason_text(t: Translation, reason: Mapping[str, Any] | None) -> str:
    """What is wrong with a broken schedule, in words (no final full stop)."""
    reason = reason or {}
    field, problem = str(reason.get("field", "")), str(reason.get("problem", ""))
    value = str(dict(reason.get("params") or {}).get("value", ""))
    if problem == "timezone_unknown":
        return t._("its time zone “{zone}” is not known (any more)", zone=value)
    if field == "starts_at" or field == "ends_at":
        return t._("its start or end time in the database is damaged ({problem})", problem=problem)
    return t._("its repeat rule in the database is damaged ({field}: {problem})", field=field, problem=problem)


async def mark(s: AsyncSession, schedule_id: int, error: RecurrenceError, now: datetime, translator: Translator,
               admin_chat_id: int | None, types: MeetingTypes | None = None) -> int:
    """Mark an active schedule broken and queue its reports, once: a replay, a later tick or another replica finds
    it marked and adds nothing. The rows queued."""
    marked = (await s.execute(
        update(Schedule).where(Schedule.id == schedule_id, Schedule.status == ScheduleStatus.ACTIVE,
                               Schedule.broken_at.is_(None))
        .values(broken_at=now, broken_reason=reason_of(error)).returning(Schedule.id))).first()
    schedule = None if marked is None else await s.get(Schedule, schedule_id)
    branch = None if schedule is None else await s.get(Branch, schedule.branch_id)
    if schedule is None or branch is None:
        return 0
    log.warning("schedule %d cannot be computed (%s): marked broken, reported to its secretaries", schedule_id, error)
    targets = await secretaries(s, branch)
    if admin_chat_id is not None:
        targets.append((admin_chat_id, translator.default_locale))
    items = []
    for chat, locale in targets:
        text = await report(s, translator.lang(locale), schedule, branch, types)
        key = f"broken:{schedule.id}:{chat}"
        items.append(OutboxItem(key, chat, "notice", Text(text), now, f"notice:{chat}", branch_id=branch.id))
    return await outbox.enqueue(s, items)


async def report(s: AsyncSession, t: Lang, schedule: Schedule, branch: Branch, types: MeetingTypes | None) -> str:
    """The message that tells a secretary which schedule broke, what is wrong and what to do."""
    reason = escape(reason_text(t, schedule.broken_reason))
    if schedule.kind is ScheduleKind.MEETING:
        template: dict[str, Any] = dict(schedule.meeting_template or {})
        kind = str(template.get("type", ""))
        return t._("⚠️ Meeting series #{id} ({type} “{topic}”) of “{branch}” cannot call its next meeting: {reason}. "
                   "No further meeting will be called from it; meetings already called stay. Stop it in /upcoming "
                   "and set the series up again with /meeting.", id=schedule.id,
                   type=escape(kind if types is None else types.get(kind).name(t.locale)),
                   topic=escape(str(template.get("topic", ""))), branch=escape(branch.title), reason=reason)
    return t._("⚠️ Schedule #{id} ({what}) of “{branch}” cannot be delivered: {reason}. Nothing more will be sent "
               "from it. Cancel it in /upcoming and schedule it again.", id=schedule.id,
               what=escape(await schedule_name(s, schedule)), branch=escape(branch.title), reason=reason)


async def schedule_name(s: AsyncSession, schedule: Schedule) -> str:
    """A lesson schedule's name: its one lesson's title, or its series."""
    if schedule.lesson_id is not None:
        lesson = await s.get(Lesson, schedule.lesson_id)
        return lesson.title if lesson is not None else "?"
    return schedule.series or ""
