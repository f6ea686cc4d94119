"""签到: the group button, the code typed in private, offline attendance and 代签 by a secretary, and the
attendance a secretary reads.

    signin = SignInService(db, clock, access, types, translator)
    outcome = await signin.tap(person, meeting_id, chat_id)          # the 签到 button
    outcome = await signin.with_code(person, "123456")               # /signin 123456 or the code as a message
    result = await signin.record(user_id, meeting_id, [member_id], SignInMethod.PROXY)   # secretary
    view = await signin.attendance(user_id, meeting_id)              # 应到/实到/请假/缺席 so far (secretary)
    sent = await signin.remind_missing(user_id, meeting_id)          # a nudge to those not signed in (secretary)

Every sign-in is a SignIn row (once per member: a replay changes nothing) and a meeting_signin participation event
(dedupe `mt:in:<meeting>:<member>`, mode on_time, detail late/method). Taps and codes count only inside the
window (domain/attendance.py); a meeting with a code takes the code, not the bare button. A secretary records
offline attendance or 代签 until the window is closed (then the attendance is final).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Meeting, Member, Membership, ParticipationEvent, SignIn
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.attendance import MeetingRules, Status, Tally, Timing, timing, window
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus, ParticipationKind, ParticipationMode, SignInMethod
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.meetings.calls import outbox_prefix
from lesson_bot.services.meetings.views import MeetingView, load_meeting, meeting_tally, meeting_view, tapper
from lesson_bot.services.messages import meetings as texts
from lesson_bot.services.views import Person


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in did: "on_time", "late", "already", "early", "closed", "need_code" (this meeting takes a
    code: send it in private), "bad_code", "no_meeting" (no window open for this person)."""

    status: str
    meeting: MeetingView | None
    reachable: bool = True  # for need_code: whether I can ask for the code in private


@dataclass(frozen=True)
class Recorded:
    meeting: MeetingView
    recorded: tuple[str, ...]
    already: tuple[str, ...]


@dataclass(frozen=True)
class Reminded:
    """A secretary's reminder to the members not signed in: "sent", or why not ("early", "closed", "none": nobody
    is missing); who was reminded in private and who was mentioned in the group (they never started me)."""

    status: str
    private: tuple[str, ...] = ()
    group: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttendanceView:
    meeting: MeetingView
    tally: Tally
    closed: bool


async def sign_in(s: AsyncSession, meeting: Meeting, member_id: int, at: datetime, now: datetime,
                  method: SignInMethod, *, late: bool, recorded_by: int | None = None,
                  chat_id: int | None = None) -> bool:
    """Record one sign-in and its participation event; False when the member had already signed in."""
    inserted = await insert_new(s, SignIn, [{
        "meeting_id": meeting.id, "member_id": member_id, "signed_at": at, "method": method, "late": late,
        "recorded_by_member_id": recorded_by, "telegram_chat_id": chat_id,
    }], ["meeting_id", "member_id"], SignIn.id)
    if not inserted:
        return False
    await insert_new(s, ParticipationEvent, [{
        "dedupe_key": f"mt:in:{meeting.id}:{member_id}", "kind": ParticipationKind.MEETING_SIGNIN,
        "mode": ParticipationMode.ON_TIME, "occurred_at": at, "recorded_at": now, "branch_id": meeting.branch_id,
        "member_id": member_id, "meeting_id": meeting.id, "detail": {"late": late, "method": str(method)},
    }], ["dedupe_key"], ParticipationEvent.id)
    return True


class SignInService:
    """签到 and the attendance record of a meeting."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, types: MeetingTypes,
                 translator: Translator | None = None) -> None:
        self._db = db
        self._translator = translator or Translator()
        self._clock = clock
        self._access = access
        self._types = types

    async def tap(self, person: Person, meeting_id: int, chat_id: int | None = None) -> SignInOutcome:
        """The 签到 button."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            view = await meeting_view(s, meeting, branch, self._types)
            member = await tapper(s, branch, person, chat_id, self._clock.now())
            if meeting.sign_in_code:
                done = await _signed(s, meeting.id, member.id)
                status = "already" if done else self._when(meeting) or "need_code"
                return SignInOutcome(status, view, member.started_bot_at is not None and member.blocked_bot_at is None)
            return SignInOutcome(await self._sign(s, meeting, member.id, SignInMethod.BUTTON, chat_id), view)

    async def with_code(self, person: Person, code: str, meeting_id: int | None = None) -> SignInOutcome:
        """A code typed in private: signs in to the member's meeting whose window is open and whose code it is."""
        code = code.strip()
        async with self._db.transaction() as s:
            member = await lookup.upsert_person(s, person)
            await s.flush()
            query = (select(Meeting, Branch).join(Branch, Branch.id == Meeting.branch_id)
                     .join(Membership, Membership.branch_id == Meeting.branch_id)
                     .where(Membership.member_id == member.id, Membership.status == MembershipStatus.ACTIVE,
                            Meeting.status == MeetingStatus.SCHEDULED, Meeting.sign_in_code.is_not(None),
                            Meeting.attendance_closed_at.is_(None)))
            if meeting_id is not None:
                query = query.where(Meeting.id == meeting_id)
            candidates = (await s.execute(query.order_by(Meeting.starts_at))).all()
            open_now = [(m, b) for m, b in candidates if self._when(m) is None]
            if not open_now:
                if meeting_id is not None and candidates:
                    m, b = candidates[0]
                    return SignInOutcome(self._when(m) or "closed", await meeting_view(s, m, b, self._types))
                return SignInOutcome("no_meeting", None)
            for meeting, branch in open_now:
                if meeting.sign_in_code == code:
                    status = await self._sign(s, meeting, member.id, SignInMethod.CODE, None)
                    return SignInOutcome(status, await meeting_view(s, meeting, branch, self._types))
            meeting, branch = open_now[0]
            return SignInOutcome("bad_code", await meeting_view(s, meeting, branch, self._types))

    async def record(self, telegram_user_id: int, meeting_id: int, member_ids: Sequence[int],
                     method: SignInMethod) -> Recorded:
        """Offline attendance or 代签 by a secretary, marked with the method and who recorded it."""
        if method not in (SignInMethod.OFFLINE, SignInMethod.PROXY):
            raise InvalidInput("method", "unknown", value=str(method))
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            actor = await self._access.require(s, telegram_user_id, Action.RECORD_ATTENDANCE, meeting.branch_id)
            if meeting.attendance_closed_at is not None or meeting.status is MeetingStatus.CANCELLED:
                raise Conflict("attendance_closed")
            recorder = await lookup.by_telegram_id(s, telegram_user_id)
            now = self._clock.now()
            names = {line.attendee.member_id: line.attendee.name for line in (await meeting_tally(s, meeting)).lines}
            recorded: list[str] = []
            already: list[str] = []
            for member_id in dict.fromkeys(member_ids):
                membership = await lookup.membership(s, branch.id, member_id)
                if membership is None or membership.status is not MembershipStatus.ACTIVE:
                    raise NotFound("member", member_id)
                member = await s.get(Member, member_id)
                name = names.get(member_id) or membership.roster_name or (member.full_name if member else "?")
                done = await sign_in(s, meeting, member_id, now, now, method, late=False,
                                     recorded_by=None if recorder is None else recorder.id)
                (recorded if done else already).append(name)
            self._access.record(s, actor, Action.RECORD_ATTENDANCE, branch.id,
                                {"meeting_id": meeting.id, "method": str(method), "members": list(member_ids)})
            view = await meeting_view(s, meeting, branch, self._types)
            return Recorded(view, tuple(recorded), tuple(already))

    async def attendance(self, telegram_user_id: int, meeting_id: int) -> AttendanceView:
        """The meeting's attendance as it stands (final once the window closed)."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            await self._access.require(s, telegram_user_id, Action.RECORD_ATTENDANCE, meeting.branch_id)
            return AttendanceView(await meeting_view(s, meeting, branch, self._types), await meeting_tally(s, meeting),
                                  meeting.attendance_closed_at is not None)

    async def remind_missing(self, telegram_user_id: int, meeting_id: int) -> Reminded:
        """While the window is open, remind everyone expected who has neither signed in nor approved leave: in
        private (with the 签到 button) those I can reach, the others mentioned in one group message. Audited."""
        async with self._db.transaction() as s:
            meeting, branch = await load_meeting(s, meeting_id)
            actor = await self._access.require(s, telegram_user_id, Action.RECORD_ATTENDANCE, meeting.branch_id)
            refused = self._when(meeting)
            if refused is not None:
                return Reminded(refused)
            missing = [line.attendee for line in (await meeting_tally(s, meeting)).of(Status.ABSENT)]
            if not missing:
                return Reminded("none")
            now = self._clock.now()
            view = await meeting_view(s, meeting, branch, self._types)
            closes = view.local_start + (window(meeting.starts_at, view.rules)[1] - meeting.starts_at)
            stamp = f"{outbox_prefix(meeting.id)}nudge:{int(now.timestamp()) // 60}:"  # a double tap adds nothing
            items, private, group = [], [], []
            for person in missing:
                member = await s.get(Member, person.member_id)
                if member is not None and member.telegram_user_id is not None and member.started_bot_at is not None \
                        and member.blocked_bot_at is None:
                    t = self._translator.lang(member.locale or branch.locale)
                    items.append(OutboxItem(stamp + str(member.id), member.telegram_user_id, "meeting",
                                            texts.sign_in_nudge(t, view, closes), now, stamp + str(member.id),
                                            not_after=window(meeting.starts_at, view.rules)[1], branch_id=branch.id))
                    private.append(person.name)
                else:
                    group.append((person.name, None if member is None else member.telegram_user_id))
            if group:
                t = self._translator.lang(branch.locale)
                items.append(OutboxItem(stamp + "group", branch.chat_id, "meeting",
                                        texts.sign_in_mentions(t, view, closes, group), now, stamp + "group",
                                        not_after=window(meeting.starts_at, view.rules)[1], branch_id=branch.id))
            await outbox.enqueue(s, items)
            self._access.record(s, actor, Action.RECORD_ATTENDANCE, branch.id, {
                "meeting_id": meeting.id, "method": "remind", "members": [p.member_id for p in missing]})
            return Reminded("sent", tuple(private), tuple(name for name, _uid in group))

    def _when(self, meeting: Meeting) -> str | None:
        """None while the window is open; otherwise why not ("early", "closed")."""
        if meeting.status is not MeetingStatus.SCHEDULED or meeting.attendance_closed_at is not None:
            return "closed"
        found = timing(self._clock.now(), meeting.starts_at, MeetingRules.from_settings(meeting.settings))
        return str(found) if found in (Timing.EARLY, Timing.CLOSED) else None

    async def _sign(self, s: AsyncSession, meeting: Meeting, member_id: int, method: SignInMethod,
                    chat_id: int | None) -> str:
        refused = self._when(meeting)
        if refused is not None:
            return refused
        now = self._clock.now()
        late = timing(now, meeting.starts_at, MeetingRules.from_settings(meeting.settings)) is Timing.LATE
        done = await sign_in(s, meeting, member_id, now, now, method, late=late, chat_id=chat_id)
        if not done:
            return "already"
        return "late" if late else "on_time"


async def _signed(s: AsyncSession, meeting_id: int, member_id: int) -> bool:
    found = await s.execute(select(SignIn.id).where(SignIn.meeting_id == meeting_id, SignIn.member_id == member_id))
    return found.scalar_one_or_none() is not None
