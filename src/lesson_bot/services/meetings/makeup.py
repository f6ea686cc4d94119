"""补学 for a meeting's absentees: each absent or excused member gets a private task, and completes it.

The task (an outbox message, once per meeting and member: `mkmt:task:<meeting>:<chat>`) carries a 党课's lesson
(through the lesson 补学 delivery of services/lessons/makeup.py) or, for any other meeting, its minutes; it is sent once
the attendance is final (the sign-in window closed) and, for a meeting without a lesson, once the minutes are recorded
-- or when a secretary asks for it. The task tells approved leave ("您请假未参加…") from absence ("您未参加…").
"已学习" records a ParticipationEvent makeup_done (mode makeup, dedupe `mkmt:<meeting>:<member>`); the secretary
sees who still owes it once their task was sent, and for the others why it was not (waiting for the minutes, not
reachable in private, about to be sent).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import (
    Branch,
    Lesson,
    LessonDelivery,
    LessonVersion,
    Meeting,
    Member,
    OutboxMessage,
    ParticipationEvent,
)
from lesson_bot.db.uow import Database
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import MeetingStatus, ParticipationKind, ParticipationMode
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, NotFound, ServiceError
from lesson_bot.services.lessons.makeup import MakeupLesson, studied_versions
from lesson_bot.services.meetings import notices as meeting_notices
from lesson_bot.services.meetings.facts import Absentee, RecordView, record_view
from lesson_bot.services.messages import lessons as compose
from lesson_bot.services.views import Person

WINDOW = timedelta(days=30)  # meetings whose tasks the tick still sends
SHOWN = 10


class NotAnAbsentee(ServiceError):
    """A 补学 button of a meeting the member attended or was not expected at."""

    def __init__(self, topic: str) -> None:
        super().__init__(f"no make-up of {topic!r} is due from this member")
        self.topic = topic


@dataclass(frozen=True)
class Completed:
    topic: str
    already: bool  # completed before: nothing new recorded


@dataclass(frozen=True)
class MeetingMakeups:
    """Who still owes the 补学 of one meeting, and who completed it."""

    meeting_id: int
    type: str
    topic: str
    starts_at: datetime
    timezone: str
    open: tuple[Absentee, ...]  # their task was sent and is not completed
    done: tuple[Absentee, ...]
    # owed but no task sent, with why: "minutes" (a meeting without a lesson waits for its minutes), "unreachable"
    # (they never started me in private, or blocked me), "queued" (the engine sends it shortly)
    pending: tuple[tuple[Absentee, str], ...] = ()


def _ready(meeting: Meeting) -> bool:
    """A task can be sent: there is something to study (the lesson, or the minutes)."""
    return meeting.lesson_id is not None or meeting.minutes is not None


class MeetingMakeupService:
    """Make-up tasks for meeting absentees."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self._types = types

    async def _enqueue(self, s: AsyncSession, meeting: Meeting, view: RecordView) -> int:
        now = self._clock.now()
        lesson = await s.get(Lesson, meeting.lesson_id) if meeting.lesson_id is not None else None
        items = []
        for absentee in view.absentees:
            if absentee.made_up is not None:
                continue
            member = await s.get(Member, absentee.person.member_id)
            if member is None or member.telegram_user_id is None or member.started_bot_at is None \
                    or member.blocked_bot_at is not None:
                continue
            t = self._translator.lang(member.locale or view.locale)
            items += meeting_notices.makeup_task(t, self._types, view, member.telegram_user_id, now,
                                                 lesson.title if lesson is not None else None,
                                                 excused=absentee.excused)
        return await outbox.enqueue(s, items)

    async def assign_due(self) -> int:
        """Engine tick: tasks for meetings whose attendance is final and that have something to study."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            meetings = (await s.execute(select(Meeting).where(
                Meeting.attendance_closed_at.is_not(None), Meeting.attendance_closed_at >= now - WINDOW,
                Meeting.status != MeetingStatus.CANCELLED,
                or_(Meeting.lesson_id.is_not(None), Meeting.minutes.is_not(None))))).scalars().all()
            added = 0
            for meeting in meetings:
                added += await self._enqueue(s, meeting, await record_view(s, meeting))
            return added

    async def assign(self, telegram_user_id: int, meeting_id: int) -> int:
        """A secretary sends the tasks now (tasks already sent are not repeated); the messages queued."""
        async with self._db.transaction() as s:
            meeting = await s.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound("meeting", meeting_id)
            branch_id = meeting.branch_id
            actor = await self._access.require(s, telegram_user_id, Action.ASSIGN_MAKEUP, branch_id)
            if not _ready(meeting):
                raise Conflict("no_minutes")
            queued = await self._enqueue(s, meeting, await record_view(s, meeting))
            self._access.record(s, actor, Action.ASSIGN_MAKEUP, branch_id, {"meeting_id": meeting_id, "rows": queued})
            return queued

    async def _absentee(self, s: AsyncSession, person: Person, meeting_id: int) -> tuple[Meeting, Absentee]:
        meeting = await s.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound("meeting", meeting_id)
        member = await lookup.by_telegram_id(s, person.telegram_user_id)
        view = await record_view(s, meeting)
        found = next((a for a in view.absentees if member is not None and a.person.member_id == member.id), None)
        if found is None:
            raise NotAnAbsentee(meeting.topic)
        return meeting, found

    async def complete(self, person: Person, meeting_id: int) -> Completed:
        """“已学习”: the member's make-up of the meeting is recorded (once)."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            meeting, absentee = await self._absentee(s, person, meeting_id)
            added = await insert_new(s, ParticipationEvent, [{
                "dedupe_key": f"mkmt:{meeting_id}:{absentee.person.member_id}", "kind": ParticipationKind.MAKEUP_DONE,
                "mode": ParticipationMode.MAKEUP, "occurred_at": now, "recorded_at": now,
                "branch_id": meeting.branch_id, "member_id": absentee.person.member_id, "meeting_id": meeting_id,
                "lesson_version_id": None, "detail": {"type": str(meeting.type)},
            }], ["dedupe_key"], ParticipationEvent.id)
            return Completed(meeting.topic, already=not added or absentee.made_up is not None)

    async def lesson(self, person: Person, meeting_id: int, button: str) -> MakeupLesson:
        """The 党课's lesson as a private make-up delivery for an absentee, its check-in button labelled `button`
        (sent by the bot and recorded with MakeupService.record_sent, like any 补学 lesson)."""
        async with self._db.transaction() as s:
            meeting, absentee = await self._absentee(s, person, meeting_id)
            lesson = await s.get(Lesson, meeting.lesson_id) if meeting.lesson_id is not None else None
            if lesson is None or lesson.current_version_id is None:
                raise NotFound("lesson", meeting.lesson_id)
            version = await s.get(LessonVersion, lesson.current_version_id)
            assert version is not None
            already = (await studied_versions(s, absentee.person.member_id)).get(version.id)
            delivery = LessonDelivery(branch_id=meeting.branch_id, lesson_version_id=version.id,
                                      member_id=absentee.person.member_id, mode=ParticipationMode.MAKEUP,
                                      chat_id=person.telegram_user_id)
            s.add(delivery)
            await s.flush()
            # studied before: no second check-in button (as in services/lessons/makeup.py)
            parts = compose.lesson_parts(version, delivery_id=delivery.id, button=button, checkin=already is None)
            return MakeupLesson(delivery.id, delivery.chat_id, version.title, already, tuple(parts))

    async def open_makeups(self, telegram_user_id: int, branch_id: int) -> list[MeetingMakeups]:
        """The branch's recent meetings with absentees: who still owes the 补学 and who completed it."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_RECORD, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            meetings = (await s.execute(select(Meeting).where(
                Meeting.branch_id == branch_id, Meeting.starts_at <= now, Meeting.status != MeetingStatus.CANCELLED)
                .order_by(Meeting.starts_at.desc()).limit(SHOWN))).scalars().all()
            result = []
            for meeting in meetings:
                view = await record_view(s, meeting)
                if view.absentees:
                    owed = [a for a in view.absentees if a.made_up is None]
                    why = await _not_sent(s, meeting, owed)
                    result.append(MeetingMakeups(
                        meeting.id, view.type, meeting.topic, meeting.starts_at, branch.timezone,
                        tuple(a for a in owed if a.person.member_id not in why),
                        tuple(a for a in view.absentees if a.made_up is not None),
                        tuple((a, why[a.person.member_id]) for a in owed if a.person.member_id in why)))
            return result


async def _not_sent(s: AsyncSession, meeting: Meeting, owed: list[Absentee]) -> dict[int, str]:
    """The owing members whose task was not sent, by member id, with why (see MeetingMakeups.pending)."""
    if not owed:
        return {}
    sent = set((await s.execute(select(OutboxMessage.chat_id).where(
        OutboxMessage.dedupe_key.like(f"mkmt:task:{meeting.id}:%")))).scalars().all())
    members = {m.id: m for m in (await s.execute(select(Member).where(
        Member.id.in_([a.person.member_id for a in owed])))).scalars().all()}
    why = {}
    for absentee in owed:
        member = members.get(absentee.person.member_id)
        if member is not None and member.telegram_user_id in sent:
            continue
        if not _ready(meeting):
            why[absentee.person.member_id] = "minutes"
        elif member is None or member.telegram_user_id is None or member.started_bot_at is None \
                or member.blocked_bot_at is not None:
            why[absentee.person.member_id] = "unreachable"
        else:
            why[absentee.person.member_id] = "queued"
    return why
