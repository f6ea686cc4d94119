"""A meeting's record as one view: every field of a 三会一课 record, with attendance as the meetings feature
tallies it (services/meetings_views.meeting_tally: 应到 from the roster and the type's rule, 实到 the sign-ins,
请假 approved leave, 缺席 the rest), how each attendee signed in (late, 代签, offline), and who completed their 补学.

Shared by the record (/record), 补学 for absentees and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    LessonVersion,
    Meeting,
    MeetingAttachment,
    Member,
    Membership,
    ParticipationEvent,
    SignIn,
)
from lesson_bot.domain.attendance import Attendee, Status
from lesson_bot.domain.enums import MeetingStatus, ParticipationKind, SignInMethod
from lesson_bot.services.meetings.views import display_name, meeting_tally


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str
    telegram_user_id: int | None
    probationary: bool  # 预备党员 (else counted as 正式)


@dataclass(frozen=True)
class Attendant(Person):
    """Someone who signed in, and how: late, and by which method (代签 and offline are a secretary's)."""

    late: bool = False
    method: SignInMethod = SignInMethod.BUTTON


@dataclass(frozen=True)
class Absentee:
    person: Person
    excused: bool  # approved leave (请假) rather than absent
    reason: str | None  # the leave reason they gave (also kept for a rejected request)
    made_up: datetime | None  # when they completed their 补学, if they did


@dataclass(frozen=True)
class AttachmentView:
    id: int
    kind: str  # photo | document
    file_id: str
    file_name: str | None
    caption: str | None


@dataclass(frozen=True)
class RecordView:
    """Every field of a 三会一课 record."""

    meeting_id: int
    branch_id: int
    branch_title: str
    timezone: str
    locale: str
    type: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    online_link: str | None
    host: Person | None
    recorder: Person | None
    lesson_id: int | None
    cancelled: bool
    attendance_final: bool
    expected: tuple[Person, ...]
    present: tuple[Attendant, ...]
    guests: tuple[Attendant, ...]  # signed in without being expected (列席)
    absentees: tuple[Absentee, ...]
    minutes: str | None
    decisions: str | None
    attachments: tuple[AttachmentView, ...]
    recorded_at: datetime | None
    recorded_late: bool
    host_confirmed_at: datetime | None
    recorder_confirmed_at: datetime | None

    @property
    def confirmed(self) -> bool:
        """Submitted, and confirmed by each of host and recorder the meeting has."""
        return self.recorded_at is not None and (self.host is None or self.host_confirmed_at is not None) and (
            self.recorder is None or self.recorder_confirmed_at is not None)

    @property
    def stamp(self) -> int:
        """Identifies the submitted version: a confirm button for an older version is refused."""
        return int(self.recorded_at.timestamp()) if self.recorded_at is not None else 0


def split(people: tuple[Person, ...]) -> tuple[int, int]:
    """(正式, 预备) counts."""
    probationary = sum(p.probationary for p in people)
    return len(people) - probationary, probationary


async def _members(s: AsyncSession, branch_id: int, member_ids: set[int]) -> dict[int, tuple[str, int | None]]:
    """Display name and Telegram id of each member."""
    if not member_ids:
        return {}
    rows = (await s.execute(
        select(Member, Membership).outerjoin(
            Membership, (Membership.member_id == Member.id) & (Membership.branch_id == branch_id))
        .where(Member.id.in_(member_ids)))).all()
    return {member.id: (display_name(membership, member), member.telegram_user_id) for member, membership in rows}


async def made_up_at(s: AsyncSession, meeting: Meeting) -> dict[int, datetime]:
    """When each member completed the meeting's 补学: “已学习” on the task, or, for a 党课 with a lesson, the
    lesson's check-in after the meeting began (the lesson's own “✅ 已学习” is what the make-up copy asks for)."""
    done = {member_id: at for member_id, at in (await s.execute(
        select(ParticipationEvent.member_id, ParticipationEvent.occurred_at).where(
            ParticipationEvent.meeting_id == meeting.id, ParticipationEvent.kind == ParticipationKind.MAKEUP_DONE)
    )).all()}
    if meeting.lesson_id is not None:
        studied = (await s.execute(
            select(ParticipationEvent.member_id, func.min(ParticipationEvent.occurred_at))
            .join(LessonVersion, LessonVersion.id == ParticipationEvent.lesson_version_id)
            .where(LessonVersion.lesson_id == meeting.lesson_id,
                   ParticipationEvent.kind == ParticipationKind.LESSON_CHECKIN,
                   ParticipationEvent.occurred_at >= meeting.starts_at)
            .group_by(ParticipationEvent.member_id))).all()
        for member_id, at in studied:
            if member_id is not None:
                done[member_id] = min(at, done.get(member_id, at))
    return done


async def record_view(s: AsyncSession, meeting: Meeting) -> RecordView:
    """The whole record of a meeting, as its rows are now (attendance as the meetings feature tallies it)."""
    branch = await s.get(Branch, meeting.branch_id)
    assert branch is not None
    result = await meeting_tally(s, meeting)
    made_up = await made_up_at(s, meeting)
    signed = {member_id: (late, method) for member_id, late, method in (await s.execute(
        select(SignIn.member_id, SignIn.late, SignIn.method).where(SignIn.meeting_id == meeting.id))).all()}
    roles = {m for m in (meeting.host_member_id, meeting.recorder_member_id) if m is not None}
    known = await _members(s, branch.id, {line.attendee.member_id for line in result.lines}
                           | {a.member_id for a in result.guests} | roles)

    def person(a: Attendee) -> Person:
        return Person(a.member_id, a.name, known[a.member_id][1] if a.member_id in known else None, a.probationary)

    def attendant(a: Attendee) -> Attendant:
        late, method = signed.get(a.member_id, (False, SignInMethod.BUTTON))
        p = person(a)
        return Attendant(p.member_id, p.name, p.telegram_user_id, p.probationary, late=late, method=method)

    def role(member_id: int | None) -> Person | None:
        if member_id is None or member_id not in known:
            return None
        line = next((x for x in result.lines if x.attendee.member_id == member_id), None)
        return Person(member_id, *known[member_id], line is not None and line.attendee.probationary)

    absentees = tuple(
        Absentee(person(line.attendee), line.status is Status.EXCUSED, line.reason,
                 made_up.get(line.attendee.member_id))
        for line in result.of(Status.EXCUSED, Status.ABSENT))
    attachments = (await s.execute(select(MeetingAttachment).where(MeetingAttachment.meeting_id == meeting.id)
                                   .order_by(MeetingAttachment.id))).scalars().all()
    return RecordView(
        meeting_id=meeting.id, branch_id=branch.id, branch_title=branch.title, timezone=branch.timezone,
        locale=branch.locale, type=str(meeting.type), topic=meeting.topic, starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, place=meeting.place, online_link=meeting.online_link,
        host=role(meeting.host_member_id), recorder=role(meeting.recorder_member_id),
        lesson_id=meeting.lesson_id, cancelled=meeting.status is MeetingStatus.CANCELLED,
        attendance_final=meeting.attendance_closed_at is not None,
        expected=tuple(person(line.attendee) for line in result.lines),
        present=tuple(attendant(line.attendee) for line in result.of(Status.PRESENT, Status.LATE)),
        guests=tuple(attendant(a) for a in result.guests), absentees=absentees,
        minutes=meeting.minutes, decisions=meeting.decisions,
        attachments=tuple(AttachmentView(a.id, a.kind, a.telegram_file_id, a.file_name, a.caption)
                          for a in attachments),
        recorded_at=meeting.recorded_at, recorded_late=meeting.recorded_late,
        host_confirmed_at=meeting.host_confirmed_at, recorder_confirmed_at=meeting.recorder_confirmed_at,
    )
