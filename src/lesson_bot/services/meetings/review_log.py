"""The rows of a record's review (审阅) history: read them, append one, and note a submission.

Shared by the review use cases (services/meetings/review.py), the record's submission (records.py: a submission
after a review begins the next round) and the counts (review_counts.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Meeting, RecordReview
from lesson_bot.domain.enums import ReviewState


@dataclass(frozen=True)
class RecordLine:
    """A submitted record where its review stands: what a reviewer's list and the review messages show."""

    meeting_id: int
    branch_id: int
    branch_title: str
    timezone: str
    locale: str
    type: str
    topic: str
    starts_at: datetime
    recorded_at: datetime
    late: bool  # 补录: first submitted later than the grace after the meeting's end
    round: int
    state: ReviewState

    @property
    def stamp(self) -> int:
        """The submitted version (as the record's confirm button has it): a tap on an older one is stale."""
        return stamp_of(self.recorded_at)


def stamp_of(recorded_at: datetime | None) -> int:
    return int(recorded_at.timestamp()) if recorded_at is not None else 0


def line(meeting: Meeting, branch: Branch, last: RecordReview) -> RecordLine:
    assert meeting.recorded_at is not None
    return RecordLine(meeting.id, branch.id, branch.title, branch.timezone, branch.locale, str(meeting.type),
                      meeting.topic, meeting.starts_at, meeting.recorded_at, meeting.recorded_late, last.round,
                      last.state)


async def steps(s: AsyncSession, meeting_id: int) -> list[RecordReview]:
    """The meeting's review history, oldest first."""
    return list((await s.execute(select(RecordReview).where(RecordReview.meeting_id == meeting_id)
                                 .order_by(RecordReview.seq))).scalars().all())


async def of_meetings(s: AsyncSession, meeting_ids: Sequence[int]) -> dict[int, list[RecordReview]]:
    """The review history of each of the meetings (those that have one), oldest first."""
    found: dict[int, list[RecordReview]] = {}
    for start in range(0, len(meeting_ids), 500):
        rows = (await s.execute(select(RecordReview).where(RecordReview.meeting_id.in_(meeting_ids[start:start + 500]))
                                .order_by(RecordReview.meeting_id, RecordReview.seq))).scalars().all()
        for row in rows:
            found.setdefault(row.meeting_id, []).append(row)
    return found


async def append(s: AsyncSession, meeting_id: int, state: ReviewState, *, round: int, at: datetime,
                 telegram_user_id: int | None, member_id: int | None, comment: str | None = None,
                 answer: str | None = None) -> RecordReview:
    """Add the next step. Two steps taken at once on one record get the same `seq`: the second fails to commit."""
    last = (await s.execute(select(func.max(RecordReview.seq)).where(RecordReview.meeting_id == meeting_id)))
    row = RecordReview(meeting_id=meeting_id, seq=(last.scalar_one() or 0) + 1, round=round, state=state,
                       telegram_user_id=telegram_user_id, member_id=member_id, at=at, comment=comment, answer=answer)
    s.add(row)
    await s.flush()
    return row


async def submitted(s: AsyncSession, meeting_id: int, at: datetime, telegram_user_id: int | None,
                    member_id: int | None) -> None:
    """A record was submitted: the first round, or the next one once the current was reviewed (approved, returned
    or answered). An edit while the round still waits for review stays in that round."""
    history = await steps(s, meeting_id)
    if history and history[-1].state is ReviewState.SUBMITTED:
        return
    await append(s, meeting_id, ReviewState.SUBMITTED, round=history[-1].round + 1 if history else 1, at=at,
                 telegram_user_id=telegram_user_id, member_id=member_id)
