"""What the /meeting wizard proposes for a routine meeting: the branch's last meeting of that type (place, host,
recorder, duration, topic) and start times that follow the type's cadence (domain/meeting_slots.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Meeting
from lesson_bot.domain.cadence import span_at
from lesson_bot.domain.enums import MeetingStatus
from lesson_bot.domain.meeting_slots import start_presets
from lesson_bot.domain.meeting_types import MeetingTypeDef
from lesson_bot.services.meetings.cadence import _facts
from lesson_bot.services.meetings.views import roster_attendees


@dataclass(frozen=True)
class Routine:
    """Defaults for the next meeting of a type; `last` is None when the branch never called one."""

    starts: tuple[datetime, ...]  # UTC presets, soonest first
    minutes: int
    last: datetime | None = None  # the last meeting's start (UTC)
    topic: str | None = None
    place: str | None = None
    online_link: str | None = None
    host: int | None = None  # member ids, only while they are on the roster
    recorder: int | None = None


async def routine(s: AsyncSession, branch: Branch, kind: MeetingTypeDef, now: datetime,
                  party_group: str | None = None) -> Routine:
    """The defaults and start presets for the branch's next meeting of `kind` (and 党小组)."""
    mine = select(Meeting).where(Meeting.branch_id == branch.id, Meeting.type == kind.key,
                                 Meeting.status != MeetingStatus.CANCELLED)
    if party_group is not None:
        mine = mine.where(Meeting.party_group == party_group)
    last = (await s.execute(mine.order_by(Meeting.starts_at.desc()).limit(1))).scalar_one_or_none()
    taken = {m.astimezone(ZoneInfo(branch.timezone)).date() for m in (await s.execute(
        select(Meeting.starts_at).where(Meeting.branch_id == branch.id, Meeting.status == MeetingStatus.SCHEDULED,
                                        Meeting.starts_at > now))).scalars()}
    since = now - timedelta(days=400)
    if kind.cadence is not None:
        since = span_at(kind.cadence.period, now, branch.timezone).bounds(branch.timezone)[0]
    facts = (await _facts(s, [branch.id], since)).get(branch.id, [])
    starts = start_presets(kind.key, kind.cadence, branch.timezone, facts, now,
                           last=None if last is None else last.starts_at, taken=taken, party_group=party_group)
    minutes = int(kind.duration.total_seconds() // 60)
    if last is None:
        return Routine(tuple(starts), minutes)
    roster = {a.member_id for a in await roster_attendees(s, branch.id)}
    return Routine(
        tuple(starts), int((last.ends_at - last.starts_at).total_seconds() // 60), last.starts_at, last.topic,
        last.place, last.online_link, last.host_member_id if last.host_member_id in roster else None,
        last.recorder_member_id if last.recorder_member_id in roster else None)
