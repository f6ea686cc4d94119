"""What the meeting services return (plain values, never ORM rows), and the reads they share.

Public for other features (records, 补学, cadence): `meeting_view`, `roster_attendees`, `meeting_tally`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Lesson, Meeting, Member, Membership, Rsvp, SignIn
from lesson_bot.domain.attendance import Attendee, MeetingRules, Tally, expected, tally
from lesson_bot.domain.enums import (
    LeaveStatus,
    MeetingStatus,
    MembershipSource,
    MembershipStatus,
    PartyStatus,
    Role,
    RsvpAnswer,
)
from lesson_bot.domain.meeting_types import MeetingTypeDef, MeetingTypes
from lesson_bot.services import lookup
from lesson_bot.services.branches.membership import come_back, present_at
from lesson_bot.services.errors import NotFound
from lesson_bot.services.lessons.scope import deliverable_to
from lesson_bot.services.views import Person


@dataclass(frozen=True)
class Choice:
    """A roster member offered as host, recorder or attendee."""

    member_id: int
    name: str


@dataclass(frozen=True)
class LessonOption:
    """A lesson a 党课 may be given: the library's, or the branch's own with a written quiz."""

    id: int
    slug: str
    series: str
    title: str


@dataclass(frozen=True)
class MeetingView:
    id: int
    branch_id: int
    branch_title: str
    chat_id: int
    locale: str  # the branch's
    timezone: str
    kind: MeetingTypeDef
    topic: str
    starts_at: datetime  # UTC
    ends_at: datetime
    place: str | None
    online_link: str | None
    host: str | None
    recorder: str | None
    party_group: str | None
    status: MeetingStatus
    rules: MeetingRules
    sign_in_code: str | None
    attendance_closed: bool
    lesson: str | None = None  # the title of a 党课's lesson (its absentees' 补学)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(self.timezone))

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


def display_name(membership: Membership | None, member: Member) -> str:
    return (membership.roster_name if membership is not None and membership.roster_name else None) or member.full_name


async def _name(session: AsyncSession, branch_id: int, member_id: int | None) -> str | None:
    if member_id is None:
        return None
    row = (await session.execute(
        select(Member, Membership).outerjoin(
            Membership, (Membership.member_id == Member.id) & (Membership.branch_id == branch_id)
        ).where(Member.id == member_id)
    )).first()
    return None if row is None else display_name(row[1], row[0])


async def load_meeting(session: AsyncSession, meeting_id: int) -> tuple[Meeting, Branch]:
    """The meeting and its branch, or NotFound."""
    meeting = await session.get(Meeting, meeting_id)
    branch = None if meeting is None else await session.get(Branch, meeting.branch_id)
    if meeting is None or branch is None:
        raise NotFound("meeting", meeting_id)
    return meeting, branch


async def meeting_view(session: AsyncSession, meeting: Meeting, branch: Branch, types: MeetingTypes) -> MeetingView:
    """A meeting as callers see it."""
    lesson = None if meeting.lesson_id is None else await session.get(Lesson, meeting.lesson_id)
    return MeetingView(
        id=meeting.id, branch_id=branch.id, branch_title=branch.title, chat_id=branch.chat_id, locale=branch.locale,
        timezone=branch.timezone, kind=types.get(meeting.type), topic=meeting.topic, starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, place=meeting.place, online_link=meeting.online_link,
        host=await _name(session, branch.id, meeting.host_member_id),
        recorder=await _name(session, branch.id, meeting.recorder_member_id), party_group=meeting.party_group,
        status=meeting.status, rules=MeetingRules.from_settings(meeting.settings), sign_in_code=meeting.sign_in_code,
        attendance_closed=meeting.attendance_closed_at is not None,
        lesson=None if lesson is None else lesson.title,
    )


async def lesson_options(session: AsyncSession, branch_id: int, locale: str) -> list[LessonOption]:
    """The active lessons the branch may use (the library's and its own with a written quiz), the series in
    `locale`'s language first, each series in its order."""
    rows = (await session.execute(
        select(Lesson).where(Lesson.active.is_(True), deliverable_to(branch_id))
        .order_by(Lesson.series, Lesson.position)
    )).scalars().all()
    mine = locale.split("-")[0].lower()
    ordered = sorted(rows, key=lambda lesson: lesson.language.split("-")[0].lower() != mine)  # stable: keeps order
    return [LessonOption(lesson.id, lesson.slug, lesson.series, lesson.title) for lesson in ordered]


async def roster_attendees(session: AsyncSession, branch_id: int, at: datetime | None = None) -> list[Attendee]:
    """The branch's active members, by name; with `at`, those who were on the roster at that moment (a closed
    meeting's figures must not change when someone leaves the branch afterwards)."""
    query = select(Membership, Member).join(Member, Member.id == Membership.member_id).where(
        Membership.branch_id == branch_id)
    query = query.where(Membership.status == MembershipStatus.ACTIVE if at is None else present_at(at))
    rows = (await session.execute(query)).all()
    people = [Attendee(member.id, display_name(membership, member),
                       membership.party_status is PartyStatus.PROBATIONARY, membership.is_committee,
                       membership.party_group) for membership, member in rows]
    return sorted(people, key=lambda a: (a.name, a.member_id))


async def expected_attendees(session: AsyncSession, meeting: Meeting) -> list[Attendee]:
    """Who the meeting expects: from today's roster, or the roster when its attendance closed."""
    rules = MeetingRules.from_settings(meeting.settings)
    roster = await roster_attendees(session, meeting.branch_id, meeting.attendance_closed_at)
    return expected(roster, rules.expected, meeting.party_group)


async def meeting_tally(session: AsyncSession, meeting: Meeting) -> Tally:
    """应到 / 实到 / 请假 / 缺席 of a meeting as it stands (final once attendance_closed_at is set: from then on the
    roster of that moment counts)."""
    roster = await roster_attendees(session, meeting.branch_id, meeting.attendance_closed_at)
    rules = MeetingRules.from_settings(meeting.settings)
    signed = dict((await session.execute(
        select(SignIn.member_id, SignIn.late).where(SignIn.meeting_id == meeting.id)
    )).all())
    rsvps = (await session.execute(select(Rsvp).where(Rsvp.meeting_id == meeting.id))).scalars().all()
    excused = {r.member_id for r in rsvps if r.answer is RsvpAnswer.LEAVE and r.leave_status is LeaveStatus.APPROVED}
    reasons = {r.member_id: r.reason for r in rsvps if r.reason}
    return tally(expected(roster, rules.expected, meeting.party_group), signed, excused, reasons, roster)


def presumed_attending(meeting: Meeting) -> set[int]:
    """The members a meeting names as host or recorder: taken as attending unless they ask for leave, so they are
    neither reminded to answer nor counted as not having answered."""
    return {m for m in (meeting.host_member_id, meeting.recorder_member_id) if m is not None}


async def party_groups(session: AsyncSession, branch_id: int) -> list[str]:
    """The 党小组 names on the branch's roster."""
    rows = await session.execute(
        select(Membership.party_group).where(Membership.branch_id == branch_id,
                                             Membership.status == MembershipStatus.ACTIVE,
                                             Membership.party_group.is_not(None)).group_by(Membership.party_group)
        .order_by(func.min(Membership.id))
    )
    return [g for g in rows.scalars().all() if g]


async def secretaries(s: AsyncSession, branch: Branch) -> list[tuple[int, str]]:
    """(chat id, locale) of the branch's secretaries I can message in private."""
    rows = (await s.execute(
        select(Member.telegram_user_id, Member.locale).join(Membership, Membership.member_id == Member.id).where(
            Membership.branch_id == branch.id, Membership.role == Role.SECRETARY,
            Membership.status == MembershipStatus.ACTIVE, Member.started_bot_at.is_not(None),
            Member.blocked_bot_at.is_(None), Member.telegram_user_id.is_not(None),
        ).order_by(Member.id)
    )).all()
    return [(int(chat), locale or branch.locale) for chat, locale in rows if chat is not None]


async def tapper(s: AsyncSession, branch: Branch, person: Person, chat_id: int | None, now: datetime) -> Member:
    """The member behind a tap; someone tapping in the branch's own group joins its roster."""
    member = await lookup.upsert_person(s, person)
    await s.flush()
    membership = await lookup.membership(s, branch.id, member.id)
    if chat_id == branch.chat_id and (membership is None or membership.status is MembershipStatus.LEFT):
        if membership is None:
            s.add(Membership(branch_id=branch.id, member_id=member.id, role=Role.MEMBER,
                             status=MembershipStatus.ACTIVE, source=MembershipSource.MESSAGE, joined_at=now))
        else:
            await come_back(s, [membership.id], now)
        await s.flush()
    return member
