"""The record of a meeting (纪要, 决议, attachments): drafted in private, submitted, confirmed by host and recorder.

Who may record: a secretary of the meeting's branch (or an admin), or the meeting's recorder (记录人). A record
submitted later than `grace` after the meeting's end is flagged 补录 (recorded_late) and shows when it was made.
Submitting again (an edit) replaces the minutes and decisions given, keeps the attachments and adds new ones,
and resets both confirmations: host and recorder confirm the version they saw (the button carries its stamp).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Meeting, MeetingAttachment, Member
from lesson_bot.db.uow import Database
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from lesson_bot.services.meetings import notices as meeting_notices
from lesson_bot.services.meetings import review_log
from lesson_bot.services.meetings.facts import RecordView, record_view
from lesson_bot.services.meetings.listing import ListedMeeting, branch_meetings

DEFAULT_GRACE = timedelta(hours=24)
RECENT = timedelta(days=60)
LISTED = 10
MINUTES_MAX = 20_000  # characters; shown split over several messages
ATTACHMENTS_MAX = 20


class NotHostOrRecorder(ServiceError):
    """Only the meeting's host and recorder confirm its record."""

    def __init__(self, topic: str) -> None:
        super().__init__(f"not the host or recorder of {topic!r}")
        self.topic = topic


@dataclass(frozen=True)
class MeetingLine:
    """A meeting one may record, for the picker."""

    meeting_id: int
    branch_title: str
    timezone: str
    type: str
    topic: str
    starts_at: datetime
    recorded: bool


@dataclass(frozen=True)
class NewAttachment:
    kind: str  # photo | document
    file_id: str
    file_name: str | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Confirmation:
    view: RecordView
    roles: tuple[str, ...]  # "host", "recorder": what this tap confirmed


class MeetingRecordService:
    """/record and the record's confirmations and views."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes, grace: timedelta = DEFAULT_GRACE) -> None:
        self._types = types
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self.grace = grace  # after the meeting's end, a first record is 补录

    async def _meeting(self, s: AsyncSession, meeting_id: int) -> Meeting:
        meeting = await s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        return meeting

    async def _allowed(self, s: AsyncSession, telegram_user_id: int, meeting_id: int, action: Action,
                       *roles: str) -> Meeting:
        """The meeting, if the user is its host/recorder (as `roles` allows); otherwise the role matrix decides (and
        audits)."""
        meeting = await self._meeting(s, meeting_id)
        member = await lookup.by_telegram_id(s, telegram_user_id)
        ids = {getattr(meeting, f"{role}_member_id") for role in roles}
        if member is None or member.id not in ids:
            await self._access.require(s, telegram_user_id, action, meeting.branch_id)
        return meeting

    async def recordable(self, telegram_user_id: int) -> list[MeetingLine]:
        """Recent meetings (already started, not cancelled) the user may record, newest first."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            actor = await self._access.actor(s, telegram_user_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            query = select(Meeting).where(Meeting.starts_at <= now, Meeting.starts_at >= now - RECENT,
                                          Meeting.status != "cancelled")
            if not actor.is_admin:
                mine: list[ColumnElement[bool]] = [Meeting.branch_id.in_(actor.secretary_of)]
                if member is not None:
                    mine.append(Meeting.recorder_member_id == member.id)
                query = query.where(or_(*mine))
            meetings = (await s.execute(query.order_by(Meeting.starts_at.desc()).limit(LISTED))).scalars().all()
            lines = []
            for meeting in meetings:
                view = await record_view(s, meeting)
                lines.append(MeetingLine(meeting.id, view.branch_title, view.timezone, view.type, meeting.topic,
                                         meeting.starts_at, meeting.recorded_at is not None))
            return lines

    async def listing(self, telegram_user_id: int, branch_id: int, *, past: bool,
                      limit: int = 20) -> tuple[str, str, list[ListedMeeting]]:
        """A branch's upcoming (or past) meetings with their ids and record state, for its secretaries and admins:
        (branch title, its timezone, the meetings)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            return branch.title, branch.timezone, await branch_meetings(s, branch_id, self._clock.now(), past=past,
                                                                        limit=limit)

    async def view(self, telegram_user_id: int, meeting_id: int) -> RecordView:
        """The record as it stands: for the branch's secretaries and admins, and the meeting's host and recorder."""
        async with self._db.transaction() as s:
            meeting = await self._allowed(s, telegram_user_id, meeting_id, Action.VIEW_RECORD, "host", "recorder")
            return await record_view(s, meeting)

    async def begin(self, telegram_user_id: int, meeting_id: int) -> RecordView:
        """Checks the user may record this meeting; the record as it stands (to draft on top of)."""
        async with self._db.transaction() as s:
            meeting = await self._allowed(s, telegram_user_id, meeting_id, Action.RECORD_MINUTES, "recorder")
            if str(meeting.status) == "cancelled":
                raise Conflict("meeting_cancelled")
            return await record_view(s, meeting)

    async def submit(self, telegram_user_id: int, meeting_id: int, *, minutes: str | None, decisions: str | None,
                     attachments: tuple[NewAttachment, ...] = ()) -> RecordView:
        """Save the record (None keeps what was there); host and recorder are asked to confirm it."""
        minutes = minutes.strip() if minutes else None
        decisions = decisions.strip() if decisions else None
        now = self._clock.now()
        async with self._db.transaction() as s:
            meeting = await self._allowed(s, telegram_user_id, meeting_id, Action.RECORD_MINUTES, "recorder")
            for field, value in (("minutes", minutes), ("decisions", decisions)):
                if value is not None and len(value) > MINUTES_MAX:
                    raise InvalidInput(field, "length", limit=MINUTES_MAX)
            if str(meeting.status) == "cancelled":
                raise Conflict("meeting_cancelled")
            if (minutes or meeting.minutes) is None:
                raise InvalidInput("minutes", "empty")
            count = len((await s.execute(select(MeetingAttachment.id).where(
                MeetingAttachment.meeting_id == meeting_id))).all())
            if count + len(attachments) > ATTACHMENTS_MAX:
                raise InvalidInput("attachments", "too_many", limit=ATTACHMENTS_MAX)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            first = meeting.recorded_at is None
            meeting.minutes = minutes or meeting.minutes
            meeting.decisions = decisions or meeting.decisions
            meeting.recorded_at = now
            if first:
                meeting.recorded_late = now > meeting.ends_at + self.grace
            meeting.host_confirmed_at = meeting.recorder_confirmed_at = None
            for item in attachments:
                s.add(MeetingAttachment(meeting_id=meeting_id, kind=item.kind, telegram_file_id=item.file_id,
                                        file_name=item.file_name, caption=item.caption,
                                        added_by_member_id=member.id if member else None, added_at=now))
            await s.flush()
            await review_log.submitted(s, meeting_id, now, telegram_user_id, member.id if member else None)
            actor = await self._access.actor(s, telegram_user_id)
            self._access.record(s, actor, Action.RECORD_MINUTES, meeting.branch_id,
                                {"meeting_id": meeting_id, "late": meeting.recorded_late, "edit": not first})
            view = await record_view(s, meeting)
            await self._ask_confirmations(s, view, now)
            return view

    async def _ask_confirmations(self, s: AsyncSession, view: RecordView, now: datetime) -> None:
        asks: dict[int, list[str]] = {}
        for role, who in (("host", view.host), ("recorder", view.recorder)):
            if who is not None and who.telegram_user_id is not None:
                asks.setdefault(who.member_id, []).append(role)
        items = []
        for member_id, roles in asks.items():
            member = await s.get(Member, member_id)
            if member is None or member.telegram_user_id is None or member.started_bot_at is None:
                continue
            t = self._translator.lang(member.locale or view.locale)
            items += meeting_notices.confirm_request(t, self._types, view, member.telegram_user_id, tuple(roles),
                                                     now)
        await outbox.enqueue(s, items)

    async def confirm(self, telegram_user_id: int, meeting_id: int, stamp: int) -> Confirmation:
        """The host or the recorder confirms the submitted record (the version the button was sent for)."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            meeting = await self._meeting(s, meeting_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            roles = tuple(role for role in ("host", "recorder")
                          if member is not None and getattr(meeting, f"{role}_member_id") == member.id)
            if not roles:
                raise NotHostOrRecorder(meeting.topic)
            if meeting.recorded_at is None or int(meeting.recorded_at.timestamp()) != stamp:
                raise Conflict("record_changed")
            for role in roles:
                if getattr(meeting, f"{role}_confirmed_at") is None:
                    setattr(meeting, f"{role}_confirmed_at", now)
            await s.flush()
            return Confirmation(await record_view(s, meeting), roles)
