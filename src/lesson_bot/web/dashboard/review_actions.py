"""The ReviewActions the dashboard uses: services/meetings/review.py's RecordReviewService for the committee's
审阅 of meeting records. The service checks the role (and audits a refusal) in each use case's transaction; the
role is read here only to leave the review blocks out for those who do not review, without a refusal."""

from __future__ import annotations

from collections.abc import Sequence

from lesson_bot.domain.permissions import Action, decide
from lesson_bot.services.access import AccessControl
from lesson_bot.services.meetings.review import RecordReviewService
from lesson_bot.web.dashboard.deps import PendingRecord, ReviewEntry


class RecordReviews:
    """ReviewActions over RecordReviewService."""

    def __init__(self, reviews: RecordReviewService, access: AccessControl) -> None:
        self._reviews = reviews
        self._access = access

    async def _reviews_records(self, actor_tg: int) -> bool:
        return decide(await self._access.describe(actor_tg), Action.REVIEW_RECORD).allowed

    async def pending(self, actor_tg: int, branch_id: int) -> Sequence[PendingRecord] | None:
        if not await self._reviews_records(actor_tg):
            return None
        return [PendingRecord(line.meeting_id, line.topic, line.starts_at)
                for line in await self._reviews.pending(actor_tg) if line.branch_id == branch_id]

    async def can_review(self, actor_tg: int, meeting_id: int) -> bool:
        if not await self._reviews_records(actor_tg):
            return False
        return any(line.meeting_id == meeting_id for line in await self._reviews.pending(actor_tg))

    async def history(self, actor_tg: int, meeting_id: int) -> Sequence[ReviewEntry]:
        return [ReviewEntry(step.round, str(step.state), step.at, step.by, step.comment, step.answer)
                for step in await self._reviews.history(actor_tg, meeting_id)]

    async def approve(self, actor_tg: int, meeting_id: int) -> None:
        await self._reviews.approve(actor_tg, meeting_id, None)

    async def return_record(self, actor_tg: int, meeting_id: int, reason: str) -> None:
        await self._reviews.return_record(actor_tg, meeting_id, reason)
