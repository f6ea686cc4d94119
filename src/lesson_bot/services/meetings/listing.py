"""A branch's meetings for the command line's `meetings list`: upcoming (not started, not cancelled) or past, each
with its id, so that `meetings record ID` and the review commands can be reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Meeting, RecordReview
from lesson_bot.domain.enums import MeetingStatus, ReviewState


@dataclass(frozen=True)
class ListedMeeting:
    """One meeting of a branch, as a line of the list."""

    id: int
    type: str
    topic: str
    starts_at: datetime  # UTC
    status: MeetingStatus
    recorded: bool
    recorded_late: bool
    review: ReviewState | None  # the latest step of the committee's review (None: never submitted for review)


async def branch_meetings(s: AsyncSession, branch_id: int, now: datetime, *, past: bool,
                          limit: int) -> list[ListedMeeting]:
    """Upcoming meetings soonest first, or past ones (started, cancelled or not) newest first."""
    query = select(Meeting).where(Meeting.branch_id == branch_id)
    if past:
        query = query.where(Meeting.starts_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.where(Meeting.starts_at > now, Meeting.status != MeetingStatus.CANCELLED).order_by(
            Meeting.starts_at, Meeting.id)
    meetings = (await s.execute(query.limit(limit))).scalars().all()
    ids = [m.id for m in meetings]
    latest: dict[int, ReviewState] = {}
    if ids:
        last_seq = (select(RecordReview.meeting_id, func.max(RecordReview.seq).label("seq"))
                    .where(RecordReview.meeting_id.in_(ids)).group_by(RecordReview.meeting_id).subquery())
        rows = await s.execute(select(RecordReview.meeting_id, RecordReview.state).join(
            last_seq, (RecordReview.meeting_id == last_seq.c.meeting_id) & (RecordReview.seq == last_seq.c.seq)))
        latest = {meeting_id: state for meeting_id, state in rows.all()}
    return [ListedMeeting(m.id, m.type, m.topic, m.starts_at, m.status, m.recorded_at is not None, m.recorded_late,
                          latest.get(m.id)) for m in meetings]
