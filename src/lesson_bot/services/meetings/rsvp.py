"""Answers to a meeting notice: 参加 (attend) and 请假 (leave, asked with a reason, decided by a secretary).

    rsvp = RsvpService(db, clock, access, translator, types)
    outcome = await rsvp.attend(person, meeting_id, chat_id)         # 参加 in the group (or a private reminder)
    ask = await rsvp.ask_leave(person, meeting_id, chat_id)          # 请假 tapped: may they, can I ask in private?
    req = await rsvp.request_leave(person, meeting_id, reason, ask.asked_at)  # the reason typed -> secretaries
    decision = await rsvp.decide(user_id, rsvp_id, approve=True)     # 批准 / 驳回 (secretary) -> the member is told

Rules: 请假 closes `leave_closes` minutes before the start, and counts from the tap: the reason asked after a tap
in time is taken until `domain.attendance.reason_deadline` (30 minutes after the tap, never after the start) even
past the deadline; only expected members may ask; a decided request is
final (a new one cannot replace it); an approved request excuses the member and cancels their pending private
reminders. 参加 is accepted until the start and replaces a pending or rejected request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Meeting, Member, OutboxMessage, Rsvp
from lesson_bot.db.uow import Database
from lesson_bot.domain.attendance import MeetingRules, leave_deadline, reason_deadline
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, OutboxStatus, RsvpAnswer
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, NotFound
from lesson_bot.services.meetings.calls import outbox_prefix
from lesson_bot.services.meetings.views import (
    MeetingView,
    display_name,
    expected_attendees,
    load_meeting,
    meeting_view,
    secretaries,
    tapper,
)
from lesson_bot.services.messages import meetings as texts
from lesson_bot.services.views import Person

REASON_MAX = 500


@dataclass(frozen=True)
class RsvpOutcome:
    """What a tap on 参加 did: "attending", "already", "closed" (started or cancelled)."""

    status: str
    meeting: MeetingView


@dataclass(frozen=True)
class LeaveAsk:
    """Whether a member may ask for leave ("ask", "closed", "not_expected", "decided", "pending") and whether I
    can ask the reason in private (they started me)."""

    status: str
    meeting: MeetingView
    reachable: bool
    leave_status: LeaveStatus | None = None
    asked_at: datetime | None = None  # the tap: the request counts from it
    reason_by: datetime | None = None  # the reason is taken until then (UTC)


@dataclass(frozen=True)
class LeaveRequested:
    rsvp_id: int
    meeting: MeetingView
    secretaries_told: int  # reachable secretaries the request was queued to


@dataclass(frozen=True)
class LeaveDecision:
    meeting: MeetingView
    member: str
    approved: bool


class RsvpService:
    """参加 and 请假 for one meeting at a time."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator,
                 types: MeetingTypes) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator
        self._types = types

    async def attend(self, person: Person, meeting_id: int, chat_id: int | None = None) -> RsvpOutcome:
        """参加: recorded (it replaces a pending or rejected leave request); refused once the meeting started."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            view = await meeting_view(s, meeting, branch, self._types)
            if meeting.status is not MeetingStatus.SCHEDULED or self._clock.now() >= meeting.starts_at:
                return RsvpOutcome("closed", view)
            member = await tapper(s, branch, person, chat_id, self._clock.now())
            rsvp = await _rsvp(s, meeting.id, member.id)
            if rsvp is not None and rsvp.answer is RsvpAnswer.ATTEND:
                return RsvpOutcome("already", view)
            if rsvp is not None and rsvp.leave_status is LeaveStatus.APPROVED:
                return RsvpOutcome("already", view)  # excused: attending anyway needs no answer, just 签到
            if rsvp is None:
                s.add(Rsvp(meeting_id=meeting.id, member_id=member.id, answer=RsvpAnswer.ATTEND,
                           answered_at=self._clock.now()))
            else:
                rsvp.answer, rsvp.leave_status, rsvp.answered_at = RsvpAnswer.ATTEND, None, self._clock.now()
            await _cancel_reminders(s, meeting.id, member.id)
            return RsvpOutcome("attending", view)

    async def ask_leave(self, person: Person, meeting_id: int, chat_id: int | None = None) -> LeaveAsk:
        """请假 tapped: whether the member may ask now, and whether the reason can be asked in private."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            view = await meeting_view(s, meeting, branch, self._types)
            member = await tapper(s, branch, person, chat_id, self._clock.now())
            reachable = member.started_bot_at is not None and member.blocked_bot_at is None
            status = await self._leave_state(s, meeting, member.id)
            rsvp = await _rsvp(s, meeting.id, member.id)
            now = self._clock.now()
            by = reason_deadline(now, meeting.starts_at)
            return LeaveAsk(status, view, reachable, None if rsvp is None else rsvp.leave_status, now, by)

    async def request_leave(self, person: Person, meeting_id: int, reason: str,
                            asked_at: datetime | None = None) -> LeaveRequested:
        """The reason arrived: the request is recorded (pending) and goes to the branch's secretaries. With
        `asked_at` (when 请假 was tapped) it counts from the tap, within the reason's grace."""
        reason = " ".join(reason.split())[:REASON_MAX]
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            member = await lookup.upsert_person(s, person)
            await s.flush()
            status = await self._leave_state(s, meeting, member.id, asked_at)
            if status != "ask" and status != "pending":
                raise Conflict(f"leave_{status}")
            rsvp = await _rsvp(s, meeting.id, member.id)
            now = self._clock.now()
            if rsvp is None:
                rsvp = Rsvp(meeting_id=meeting.id, member_id=member.id, answer=RsvpAnswer.LEAVE, answered_at=now)
                s.add(rsvp)
            rsvp.answer, rsvp.reason, rsvp.leave_status, rsvp.answered_at = (RsvpAnswer.LEAVE, reason,
                                                                             LeaveStatus.PENDING, now)
            await s.flush()
            membership = await lookup.membership(s, branch.id, member.id)
            name = display_name(membership, member)
            view = await meeting_view(s, meeting, branch, self._types)
            items = []
            for chat, locale in await secretaries(s, branch):
                key = f"{outbox_prefix(meeting.id)}leave:{rsvp.id}:{int(now.timestamp())}:{chat}"
                payload = texts.leave_request(self._translator.lang(locale), view, rsvp.id, name, reason)
                items.append(outbox.OutboxItem(key, chat, "meeting", payload, now, key, branch_id=branch.id))
            await outbox.enqueue(s, items)
            return LeaveRequested(rsvp.id, view, len(items))

    async def decide(self, telegram_user_id: int, rsvp_id: int, *, approve: bool) -> LeaveDecision:
        """批准 / 驳回 by a secretary of the meeting's branch; the member is told in private."""
        async with self._db.transaction() as s:
            rsvp = await s.get(Rsvp, rsvp_id)
            if rsvp is None:
                raise NotFound("leave", rsvp_id)
            meeting, branch = await load_meeting(s, rsvp.meeting_id)
            actor = await self._access.require(s, telegram_user_id, Action.DECIDE_LEAVE, meeting.branch_id)
            if rsvp.answer is not RsvpAnswer.LEAVE or rsvp.leave_status is not LeaveStatus.PENDING:
                raise Conflict("leave_decided", status=str(rsvp.leave_status or rsvp.answer))
            if meeting.attendance_closed_at is not None or meeting.status is not MeetingStatus.SCHEDULED:
                raise Conflict("meeting_closed")
            now = self._clock.now()
            decider = await lookup.by_telegram_id(s, telegram_user_id)
            rsvp.leave_status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
            rsvp.decided_by_member_id, rsvp.decided_at = (None if decider is None else decider.id), now
            member = await s.get(Member, rsvp.member_id)
            assert member is not None
            name = display_name(await lookup.membership(s, branch.id, member.id), member)
            by = "—" if decider is None else display_name(await lookup.membership(s, branch.id, decider.id), decider)
            view = await meeting_view(s, meeting, branch, self._types)
            if approve:
                await _cancel_reminders(s, meeting.id, member.id)
            if member.telegram_user_id is not None and member.started_bot_at is not None:
                key = f"{outbox_prefix(meeting.id)}decided:{rsvp.id}"
                t = self._translator.lang(member.locale or branch.locale)
                await outbox.enqueue(s, [outbox.OutboxItem(key, member.telegram_user_id, "meeting",
                                                           texts.leave_decided(t, view, approve, by), now, key,
                                                           branch_id=branch.id)])
            self._access.record(s, actor, Action.DECIDE_LEAVE, branch.id,
                                {"rsvp_id": rsvp.id, "member_id": member.id, "approved": approve})
            return LeaveDecision(view, name, approve)

    async def _leave_state(self, s: AsyncSession, meeting: Meeting, member_id: int,
                           asked_at: datetime | None = None) -> str:
        now = self._clock.now()
        rules = MeetingRules.from_settings(meeting.settings)
        deadline = leave_deadline(meeting.starts_at, rules)
        if asked_at is not None and asked_at <= deadline and now <= reason_deadline(asked_at, meeting.starts_at):
            now = asked_at  # asked in time: the reason is late only past its grace
        if meeting.status is not MeetingStatus.SCHEDULED or now > deadline:
            return "closed"
        if member_id not in {a.member_id for a in await expected_attendees(s, meeting)}:
            return "not_expected"
        rsvp = await _rsvp(s, meeting.id, member_id)
        if rsvp is not None and rsvp.answer is RsvpAnswer.LEAVE:
            return "pending" if rsvp.leave_status is LeaveStatus.PENDING else "decided"
        return "ask"


async def _rsvp(s: AsyncSession, meeting_id: int, member_id: int) -> Rsvp | None:
    return (await s.execute(select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.member_id == member_id))
            ).scalar_one_or_none()


async def _cancel_reminders(s: AsyncSession, meeting_id: int, member_id: int) -> None:
    """Their answer is in: private reminders still queued for them are not sent."""
    await s.execute(update(OutboxMessage).where(
        OutboxMessage.dedupe_key.like(f"{outbox_prefix(meeting_id)}rem:%:{member_id}"),
        OutboxMessage.status == OutboxStatus.PENDING,
    ).values(status=OutboxStatus.CANCELLED))

