"""The committee's review of meeting records (审阅): an admin sees every record submitted and not yet approved,
approves it or returns it with a comment; the branch's secretaries and the recorder get the comment in private and
may answer it (the answer goes to the reviewers and the admin chat) or correct the record with /record, which
begins the next round. Every step is a row of `record_reviews` (services/meetings/review_log.py) and is audited.

A tap on a record already approved, on an older version of it, or on a return already answered is stale:
`StaleReview` says which, and nothing is done twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Meeting, Member, Membership, RecordReview
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus, ReviewState, Role
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.meetings import review_log, review_notices
from lesson_bot.services.meetings.review_log import RecordLine

COMMENT_MAX = 2000  # characters of a comment or an answer


class StaleReview(Conflict):
    """A review step on a record that moved on: `reason` is approved (already), changed (a newer version or round),
    returned (already returned, waiting for the secretary) or not_returned (nothing to answer)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"review_{reason}")
        self.reason = reason


@dataclass(frozen=True)
class ReviewStep:
    """One step of a record's review history."""

    round: int
    state: ReviewState
    at: datetime
    by: str | None  # who took it (a member's name, else the Telegram id; None: before reviews were kept)
    comment: str | None
    answer: str | None


@dataclass(frozen=True)
class Reviewed:
    """A step taken: where the record now stands, and how many private messages were queued about it."""

    line: RecordLine
    notified: int


def _text(field: str, value: str | None, required: bool = True) -> str | None:
    value = (value or "").strip() or None
    if value is None and required:
        raise InvalidInput(field, "empty")
    if value is not None and len(value) > COMMENT_MAX:
        raise InvalidInput(field, "length", limit=COMMENT_MAX)
    return value


class RecordReviewService:
    """/reviewrecords, the answer to a return, and `lesson-bot meetings review`."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes, admin_chat_id: int | None = None) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self._types = types
        self._admin_chat_id = admin_chat_id

    async def pending(self, telegram_user_id: int) -> list[RecordLine]:
        """Every record submitted and not yet approved, across branches, the longest waiting first (admins)."""
        latest = (select(RecordReview.meeting_id, func.max(RecordReview.seq).label("seq"))
                  .group_by(RecordReview.meeting_id).subquery())
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.REVIEW_RECORD)
            rows = (await s.execute(
                select(Meeting, Branch, RecordReview)
                .join(Branch, Branch.id == Meeting.branch_id)
                .join(latest, latest.c.meeting_id == Meeting.id)
                .join(RecordReview, (RecordReview.meeting_id == Meeting.id) & (RecordReview.seq == latest.c.seq))
                .where(Meeting.recorded_at.is_not(None), Meeting.status != MeetingStatus.CANCELLED,
                       RecordReview.state != ReviewState.APPROVED)
                .order_by(Meeting.recorded_at, Meeting.id))).all()
            return [review_log.line(meeting, branch, last) for meeting, branch, last in rows]

    async def _current(self, s: AsyncSession, meeting_id: int) -> tuple[Meeting, Branch, list[RecordReview]]:
        meeting = await s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        history = await review_log.steps(s, meeting_id)
        if meeting.recorded_at is None or not history:
            raise StaleReview("not_submitted")
        branch = await s.get(Branch, meeting.branch_id)
        assert branch is not None
        return meeting, branch, history

    @staticmethod
    def _reviewable(meeting: Meeting, history: list[RecordReview], stamp: int | None) -> None:
        if history[-1].state is ReviewState.APPROVED:
            raise StaleReview("approved")
        if stamp is not None and stamp != review_log.stamp_of(meeting.recorded_at):
            raise StaleReview("changed")

    async def returnable(self, telegram_user_id: int, meeting_id: int, stamp: int) -> RecordLine:
        """Checks a reviewer may return this version now (before asking for the comment)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.REVIEW_RECORD)
            meeting, branch, history = await self._current(s, meeting_id)
            self._reviewable(meeting, history, stamp)
            if history[-1].state is ReviewState.RETURNED:
                raise StaleReview("returned")
            return review_log.line(meeting, branch, history[-1])

    async def approve(self, telegram_user_id: int, meeting_id: int, stamp: int | None,
                      comment: str | None = None) -> Reviewed:
        """通过: the record's version `stamp` (None: as it stands) is approved; secretaries and recorder are told."""
        comment = _text("comment", comment, required=False)
        return await self._step(telegram_user_id, meeting_id, stamp, ReviewState.APPROVED, comment)

    async def return_record(self, telegram_user_id: int, meeting_id: int, comment: str,
                            stamp: int | None = None) -> Reviewed:
        """退回: the record goes back with a comment, which its secretaries and recorder get with an answer button."""
        return await self._step(telegram_user_id, meeting_id, stamp, ReviewState.RETURNED, _text("comment", comment))

    async def _step(self, telegram_user_id: int, meeting_id: int, stamp: int | None, state: ReviewState,
                    comment: str | None) -> Reviewed:
        now = self._clock.now()
        try:
            async with self._db.transaction() as s:
                actor = await self._access.require(s, telegram_user_id, Action.REVIEW_RECORD)
                meeting, branch, history = await self._current(s, meeting_id)
                self._reviewable(meeting, history, stamp)
                if state is ReviewState.RETURNED and history[-1].state is ReviewState.RETURNED:
                    raise StaleReview("returned")
                reviewer = await lookup.by_telegram_id(s, actor.telegram_user_id)
                row = await review_log.append(s, meeting_id, state, round=history[-1].round, at=now, comment=comment,
                                              telegram_user_id=actor.telegram_user_id,
                                              member_id=reviewer.id if reviewer else None)
                self._access.record(s, actor, Action.REVIEW_RECORD, branch.id,
                                    {"meeting_id": meeting_id, "round": row.round, "state": str(state)})
                line = review_log.line(meeting, branch, row)
                items = [review_notices.returned(t, self._types, line, comment or "", row.seq, chat, now)
                         if state is ReviewState.RETURNED else
                         review_notices.approved(t, self._types, line, comment, row.seq, chat, now)
                         for chat, t in await self._branch_people(s, meeting, branch)]
                return Reviewed(line, await outbox.enqueue(s, items))
        except IntegrityError as clash:  # another step on this record committed first
            raise StaleReview("changed") from clash

    async def _branch_people(self, s: AsyncSession, meeting: Meeting, branch: Branch) -> list[tuple[int, Lang]]:
        """The branch's active secretaries and the meeting's recorder who can be messaged in private."""
        secretaries = select(Membership.member_id).where(
            Membership.branch_id == branch.id, Membership.role == Role.SECRETARY,
            Membership.status == MembershipStatus.ACTIVE)
        wanted = or_(Member.id.in_(secretaries), Member.id == meeting.recorder_member_id)
        people = (await s.execute(select(Member).where(wanted, Member.telegram_user_id.is_not(None),
                                                       Member.started_bot_at.is_not(None))
                                  .order_by(Member.id))).scalars().all()
        return [(int(p.telegram_user_id), self._translator.lang(p.locale or branch.locale))
                for p in people if p.telegram_user_id is not None]

    async def _may_answer(self, s: AsyncSession, telegram_user_id: int, meeting_id: int) -> None:
        """The meeting's recorder may; otherwise the role matrix decides (a secretary of the branch; audited)."""
        meeting = await s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        member = await lookup.by_telegram_id(s, telegram_user_id)
        if member is None or member.id != meeting.recorder_member_id:
            await self._access.require(s, telegram_user_id, Action.ANSWER_REVIEW, meeting.branch_id)

    @staticmethod
    def _answerable(history: list[RecordReview], round: int | None) -> RecordReview:
        """The return being answered: the last step, in the round the button was sent for."""
        last = history[-1]
        if round is not None and round != last.round:
            raise StaleReview("changed")
        if last.state is ReviewState.APPROVED:
            raise StaleReview("approved")
        if last.state is not ReviewState.RETURNED:
            raise StaleReview("not_returned")
        return last

    async def answerable(self, telegram_user_id: int, meeting_id: int, round: int) -> RecordLine:
        """Checks the user may answer the return of `round` now (before asking for the answer)."""
        async with self._db.transaction() as s:
            await self._may_answer(s, telegram_user_id, meeting_id)
            meeting, branch, history = await self._current(s, meeting_id)
            return review_log.line(meeting, branch, self._answerable(history, round))

    async def answer(self, telegram_user_id: int, meeting_id: int, text: str, round: int | None = None) -> Reviewed:
        """The secretary's (or recorder's) answer to a return; it goes to the reviewers who returned the record in
        this round and to the admin chat, with buttons to approve or return the record as it now stands."""
        answer = _text("answer", text)
        assert answer is not None
        now = self._clock.now()
        try:
            async with self._db.transaction() as s:
                await self._may_answer(s, telegram_user_id, meeting_id)
                meeting, branch, history = await self._current(s, meeting_id)
                returned = self._answerable(history, round)
                member = await lookup.by_telegram_id(s, telegram_user_id)
                row = await review_log.append(s, meeting_id, ReviewState.ANSWERED, round=returned.round, at=now,
                                              answer=answer, telegram_user_id=telegram_user_id,
                                              member_id=member.id if member else None)
                actor = await self._access.actor(s, telegram_user_id)
                self._access.record(s, actor, Action.ANSWER_REVIEW, branch.id,
                                    {"meeting_id": meeting_id, "round": row.round})
                line = review_log.line(meeting, branch, row)
                who = member.full_name if member is not None else str(telegram_user_id)
                items = await self._to_reviewers(s, history, returned, line, answer, who, row.seq, now)
                return Reviewed(line, await outbox.enqueue(s, items))
        except IntegrityError as clash:
            raise StaleReview("changed") from clash

    async def _to_reviewers(self, s: AsyncSession, history: list[RecordReview], returned: RecordReview,
                            line: RecordLine, answer: str, who: str, seq: int, now: datetime) -> list[OutboxItem]:
        reviewers = [r.telegram_user_id for r in history if r.round == returned.round
                     and r.state is ReviewState.RETURNED and r.telegram_user_id is not None]
        chats = list(dict.fromkeys([*reviewers, *([self._admin_chat_id] if self._admin_chat_id else [])]))
        items = []
        for chat in chats:
            member = await lookup.by_telegram_id(s, chat)
            t = self._translator.lang(member.locale if member is not None else None)
            items.append(review_notices.answered(t, self._types, line, returned.comment, answer, who, seq, chat,
                                                 now))
        return items

    async def history(self, telegram_user_id: int, meeting_id: int) -> list[ReviewStep]:
        """The record's review, oldest step first: for reviewers, the branch's secretaries, host and recorder."""
        async with self._db.transaction() as s:
            meeting = await s.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound("meeting", meeting_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if member is None or member.id not in (meeting.host_member_id, meeting.recorder_member_id):
                await self._access.require(s, telegram_user_id, Action.VIEW_RECORD, meeting.branch_id)
            rows = await review_log.steps(s, meeting_id)
            names = dict((await s.execute(select(Member.id, Member.full_name).where(
                Member.id.in_({r.member_id for r in rows if r.member_id is not None})))).all())
            return [ReviewStep(r.round, r.state, r.at, names.get(r.member_id) if r.member_id is not None else (
                str(r.telegram_user_id) if r.telegram_user_id is not None else None), r.comment, r.answer)
                    for r in rows]
