"""Meetings (三会一课): calling one (the /meeting wizard's checks and its final step), reading, cancelling.

Public API (the bot, the engine tick and other features use only this and services/meetings_*.py):

    meetings = MeetingService(db, clock, access, translator, types)
    ctx = await meetings.prepare(user_id, branch_id)                 # types, roster, 党小组 (secretary only)
    start = await meetings.parse_start(user_id, branch_id, "明天 19:30")   # UTC; the past is refused
    who = await meetings.find_member(user_id, branch_id, "@li")      # a Choice, or NotFound
    view = await meetings.call(user_id, branch_id, MeetingDraft(...)) # saved; notice queued to the group
    view = await meetings.get(meeting_id); views = await meetings.upcoming(user_id, branch_id)
    agenda = await meetings.agenda(user_id, branch_id)                # /meetings: with 参加 / 请假 figures
    await meetings.cancel(user_id, meeting_id); await meetings.set_reminders(user_id, meeting_id, (1440, 60))

RSVP and 请假: services/meetings/rsvp.py. 签到 and attendance: services/meetings/signin.py. Reads shared with
other features (views, expected people, the tally): services/meetings/views.py. What the engine does over time
(reminders, the 签到 button, closing the window): services/meetings/ticks.py.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Lesson, Meeting, Schedule
from lesson_bot.db.uow import Database
from lesson_bot.domain.attendance import Attendee, leave_deadline
from lesson_bot.domain.enums import BranchStatus, MeetingStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.domain.meeting_types import Expected, MeetingTypeDef, MeetingTypes, type_settings
from lesson_bot.domain.permissions import Action
from lesson_bot.domain.recurrence import resolve_local
from lesson_bot.domain.recurrence.when import OneOff, WhenError, parse_when
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.lessons.scope import deliverable_to
from lesson_bot.services.meetings.agenda import Agenda, CalledOff, agenda, call_off
from lesson_bot.services.meetings.routine import Routine, routine
from lesson_bot.services.meetings.views import (
    Choice,
    LessonOption,
    MeetingView,
    lesson_options,
    load_meeting,
    meeting_view,
    party_groups,
    roster_attendees,
)
from lesson_bot.services.messages import meetings as texts

TOPIC_MAX, PLACE_MAX, LINK_MAX = 200, 200, 500
MIN_MINUTES, MAX_MINUTES = 10, 12 * 60
_LINK_RE = re.compile(r"^(https?://|tg://)\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class MeetingDraft:
    """What the wizard collected."""

    type: str
    topic: str
    starts_at: datetime  # UTC
    minutes: int
    place: str | None = None
    online_link: str | None = None
    host_member_id: int | None = None
    recorder_member_id: int | None = None
    party_group: str | None = None
    reminders: tuple[int, ...] | None = None  # minutes before the start; None: the type's
    with_code: bool = False  # a 6-digit sign-in code, typed in private
    repeat: str | None = None  # "weekly" or "monthly": the same meeting again, each called ahead by the engine
    lesson_id: int | None = None  # a 党课's lesson: what its absentees get as 补学


@dataclass(frozen=True)
class CallContext:
    """What the wizard offers for one branch."""

    branch_id: int
    branch_title: str
    timezone: str
    locale: str
    types: tuple[MeetingTypeDef, ...]
    roster: tuple[Attendee, ...]
    party_groups: tuple[str, ...]


def clean_text(field: str, value: str, limit: int) -> str:
    """Tidied text, or InvalidInput naming the field."""
    value = " ".join(value.split())
    if not value:
        raise InvalidInput(field, "empty")
    if len(value) > limit:
        raise InvalidInput(field, "length", limit=limit)
    return value


def clean_link(value: str) -> str:
    value = value.strip()
    if len(value) > LINK_MAX:
        raise InvalidInput("link", "length", limit=LINK_MAX)
    if not _LINK_RE.match(value):
        raise InvalidInput("link", "not_a_link", value=value)
    return value


class MeetingService:
    """Calling and managing meetings; every change is a secretary's (of that branch) or an admin's."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self.types = types

    async def prepare(self, telegram_user_id: int, branch_id: int) -> CallContext:
        """Before the wizard asks anything: may this user call a meeting here, and with what choices."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            branch = await _active(s, branch_id)
            return CallContext(branch.id, branch.title, branch.timezone, branch.locale, tuple(self.types),
                               tuple(await roster_attendees(s, branch.id)), tuple(await party_groups(s, branch.id)))

    async def parse_start(self, telegram_user_id: int, branch_id: int, text: str) -> datetime:
        """A typed start ("明天 19:30", "2026-12-03 19:30") in the branch's zone, as UTC; not in the past."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            zone = (await _active(s, branch_id)).timezone
        now = self._clock.now()
        local_now = now.astimezone(ZoneInfo(zone))
        try:
            parsed = parse_when(text, local_now)
        except WhenError as exc:
            raise InvalidInput("when", exc.problem, value=text, **exc.params) from None
        if not isinstance(parsed, OneOff):
            raise InvalidInput("when", "not_one_off", value=text)
        starts = resolve_local(parsed.local.replace(tzinfo=None), zone)
        if starts <= now:
            raise InvalidInput("when", "in_the_past", value=text, local=parsed.local.strftime("%Y-%m-%d %H:%M"),
                               now=local_now.strftime("%Y-%m-%d %H:%M"))
        return starts

    async def find_member(self, telegram_user_id: int, branch_id: int, handle: str) -> Choice:
        """An active member of the branch by @username or by the name the roster gives them."""
        wanted = handle.strip().removeprefix("@").lower()
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            roster = await roster_attendees(s, branch_id)
            by_name = [a for a in roster if a.name.lower() == wanted]
            if by_name:
                return Choice(by_name[0].member_id, by_name[0].name)
            member = await lookup.by_username(s, wanted) if wanted else None
            found = [a for a in roster if member is not None and a.member_id == member.id]
            if not found:
                raise NotFound("member", handle.strip())
            return Choice(found[0].member_id, found[0].name)

    async def routine(self, telegram_user_id: int, branch_id: int, type_key: str,
                      party_group: str | None = None) -> Routine:
        """What the branch's last meeting of this type suggests for the next one, and cadence-led start times."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            branch = await _active(s, branch_id)
            return await routine(s, branch, self.types.get(type_key), self._clock.now(), party_group)

    async def lessons(self, telegram_user_id: int, branch_id: int) -> list[LessonOption]:
        """The lessons a 党课 of this branch may be given (the branch's language first)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            return await lesson_options(s, branch_id, (await _active(s, branch_id)).locale)

    async def call(self, telegram_user_id: int, branch_id: int, draft: MeetingDraft) -> MeetingView:
        """Save the meeting and queue its notice to the group (参加 / 请假 buttons); with `repeat`, also the
        schedule that calls the next ones (services/meetings/repeat.py)."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            kind = self._check(draft)
            branch = await _active(s, branch_id)
            roster = {a.member_id for a in await roster_attendees(s, branch_id)}
            for field, member_id in (("host", draft.host_member_id), ("recorder", draft.recorder_member_id)):
                if member_id is not None and member_id not in roster:
                    raise NotFound("member", field)
            if kind.expected is Expected.PARTY_GROUP and not draft.party_group:
                raise InvalidInput("party_group", "missing")
            lesson = None if draft.lesson_id is None else await s.get(Lesson, draft.lesson_id)
            usable = select(Lesson.id).where(Lesson.id == draft.lesson_id, deliverable_to(branch_id))
            if draft.lesson_id is not None and (lesson is None or not lesson.active or await s.scalar(usable) is None):
                raise NotFound("lesson", draft.lesson_id)
            creator = await lookup.by_telegram_id(s, telegram_user_id)
            schedule_id = None
            if draft.repeat is not None:
                schedule_id = await add_schedule(s, branch, draft, None if creator is None else creator.id)
            meeting, view = await insert_meeting(s, branch, kind, draft, self._translator, self.types,
                                                 self._clock.now(), None if creator is None else creator.id,
                                                 schedule_id)
            self._access.record(s, actor, Action.CALL_MEETING, branch.id,
                                {"meeting_id": meeting.id, "type": kind.key, "starts_at": draft.starts_at.isoformat(),
                                 "repeat": draft.repeat})
            return view

    def _check(self, draft: MeetingDraft) -> MeetingTypeDef:
        if draft.type not in self.types:
            raise InvalidInput("type", "unknown", value=draft.type)
        if draft.starts_at <= self._clock.now():
            raise InvalidInput("when", "in_the_past", value=draft.starts_at.isoformat())
        if not MIN_MINUTES <= draft.minutes <= MAX_MINUTES:
            raise InvalidInput("duration", "range", low=MIN_MINUTES, high=MAX_MINUTES)
        return self.types.get(draft.type)

    async def get(self, meeting_id: int) -> MeetingView:
        """A meeting by id (anyone who can see its buttons may read it)."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            return await meeting_view(s, meeting, branch, self.types)

    async def upcoming(self, telegram_user_id: int, branch_id: int, limit: int = 10) -> list[MeetingView]:
        """The branch's meetings not yet closed, soonest first (its secretaries and admins)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            branch = await _active(s, branch_id)
            rows = await _open_meetings(s, branch_id, limit)
            return [await meeting_view(s, m, branch, self.types) for m in rows]

    async def agenda(self, telegram_user_id: int, branch_id: int, limit: int = 10) -> Agenda:
        """/meetings: the upcoming meetings with their 参加 / 请假 figures (its secretaries and admins)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            branch = await _active(s, branch_id)
            rows = await _open_meetings(s, branch_id, limit)
            return await agenda(s, branch, rows, [await meeting_view(s, m, branch, self.types) for m in rows])

    async def cancel(self, telegram_user_id: int, meeting_id: int) -> CalledOff:
        """Call a meeting off: what is queued for it is withdrawn, the group (if it saw the notice) and everyone who
        answered are told. A recurring meeting's schedule goes on."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            branch_id = meeting.branch_id
            actor = await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            if meeting.status is not MeetingStatus.SCHEDULED or meeting.attendance_closed_at is not None:
                raise Conflict("meeting_not_open")
            meeting.status = MeetingStatus.CANCELLED
            view = await meeting_view(s, meeting, branch, self.types)
            called_off = await call_off(s, meeting, branch, view, outbox_prefix(meeting_id), self._translator,
                                        self._clock.now())
            self._access.record(s, actor, Action.CALL_MEETING, branch_id, {"cancelled_meeting": meeting_id})
            return called_off

    async def set_reminders(self, telegram_user_id: int, meeting_id: int, minutes: tuple[int, ...]) -> MeetingView:
        """Change a meeting's reminders (minutes before the start); ones already sent stay sent."""
        if len(minutes) > 5 or any(not 1 <= m <= 30 * 1440 for m in minutes):
            raise InvalidInput("reminders", "range")
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            branch_id = meeting.branch_id
            actor = await self._access.require(s, telegram_user_id, Action.CALL_MEETING, branch_id)
            if meeting.status is not MeetingStatus.SCHEDULED or meeting.attendance_closed_at is not None:
                raise Conflict("meeting_not_open")
            meeting.settings = {**meeting.settings, "reminders": sorted(set(minutes), reverse=True)}
            self._access.record(s, actor, Action.CALL_MEETING, branch_id, {"meeting_id": meeting_id,
                                                                           "reminders": list(minutes)})
            return await meeting_view(s, meeting, branch, self.types)


async def insert_meeting(s: AsyncSession, branch: Branch, kind: MeetingTypeDef, draft: MeetingDraft,
                         translator: Translator, types: MeetingTypes, now: datetime, created_by: int | None,
                         schedule_id: int | None = None) -> tuple[Meeting, MeetingView]:
    """Save one meeting with its type's settings and queue its notice to the group."""
    settings = type_settings(kind)
    if draft.reminders is not None:
        settings["reminders"] = sorted(set(draft.reminders), reverse=True)
    meeting = Meeting(
        branch_id=branch.id, type=kind.key, topic=clean_text("topic", draft.topic, TOPIC_MAX),
        starts_at=draft.starts_at, ends_at=draft.starts_at + timedelta(minutes=draft.minutes),
        place=clean_text("place", draft.place, PLACE_MAX) if draft.place else None,
        online_link=clean_link(draft.online_link) if draft.online_link else None,
        host_member_id=draft.host_member_id, recorder_member_id=draft.recorder_member_id,
        party_group=draft.party_group if kind.expected is Expected.PARTY_GROUP else None,
        status=MeetingStatus.SCHEDULED, settings=settings,
        sign_in_code=f"{secrets.randbelow(10**6):06d}" if draft.with_code else None,
        created_by_member_id=created_by, schedule_id=schedule_id, lesson_id=draft.lesson_id,
    )
    s.add(meeting)
    await s.flush()
    view = await meeting_view(s, meeting, branch, types)
    t = translator.lang(branch.locale)
    key = outbox_prefix(meeting.id) + "notice"
    await outbox.enqueue(s, [outbox.OutboxItem(
        key, branch.chat_id, "meeting", texts.notice(t, view, leave_deadline(view.starts_at, view.rules), now),
        now, key, not_after=meeting.starts_at, branch_id=branch.id)])
    return meeting, view


async def add_schedule(s: AsyncSession, branch: Branch, draft: MeetingDraft, created_by: int | None) -> int:
    """A weekly or monthly schedule at the first meeting's local weekday (or day) and time; its template is the
    draft, and services/meetings/ticks.py calls each next meeting ahead of its start."""
    local = draft.starts_at.astimezone(ZoneInfo(branch.timezone))
    time = f"{local:%H:%M}"
    rule: dict[str, object]
    if draft.repeat == "weekly":
        kind, rule = RecurrenceType.WEEKLY, {"days": [local.weekday()], "time": time}
    elif draft.repeat == "monthly":
        kind, rule = RecurrenceType.MONTHLY, {"day": local.day, "time": time}
    else:
        raise InvalidInput("repeat", "unknown", value=str(draft.repeat))
    template = {k: v for k, v in asdict(draft).items() if k not in ("starts_at", "repeat")}
    schedule = Schedule(branch_id=branch.id, kind=ScheduleKind.MEETING, meeting_template=template,
                        timezone=branch.timezone, recurrence=kind, rule=rule, starts_at=draft.starts_at,
                        status=ScheduleStatus.ACTIVE, created_by_member_id=created_by)
    s.add(schedule)
    await s.flush()
    return schedule.id


def outbox_prefix(meeting_id: int) -> str:
    """Every outbox row about a meeting has a dedupe key starting so (cancelling finds them all)."""
    return f"mt:{meeting_id}:"


async def _open_meetings(s: AsyncSession, branch_id: int, limit: int) -> list[Meeting]:
    return list((await s.execute(
        select(Meeting).where(Meeting.branch_id == branch_id, Meeting.status == MeetingStatus.SCHEDULED,
                              Meeting.attendance_closed_at.is_(None)).order_by(Meeting.starts_at).limit(limit)
    )).scalars().all())


async def _active(s: AsyncSession, branch_id: int) -> Branch:
    branch = await s.get(Branch, branch_id)
    if branch is None:
        raise NotFound("branch", branch_id)
    if branch.status is not BranchStatus.ACTIVE:
        raise InvalidInput("branch", "inactive", value=branch.title)
    return branch
