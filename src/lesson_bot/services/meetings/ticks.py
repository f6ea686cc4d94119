"""The meetings' engine tick (delivery/engine.py calls it): recurring meetings called ahead, reminders when their
moment comes, the 签到 button when the window opens, and the close of the window (absentees marked, the attendance
summary sent). Runs on the leader with the planner.

Each step is recorded in the meeting's settings ("done": ["rem:1440", "open"]) so a tick does not redo it, and
every outbox row has a dedupe key `mt:<meeting>:...`, so a second tick or a second replica adds nothing.
Reminders go to the group and, in private, to expected members I can reach who have neither said 参加 nor had
leave approved or asked (a rejected request is reminded), never to the meeting's host or recorder (taken as
attending unless they ask for leave); they are never sent after the start (not_after).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Meeting, Member, ParticipationEvent, Rsvp
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.attendance import MeetingRules, Status, due_reminders, window
from lesson_bot.domain.enums import (
    BranchStatus,
    LeaveStatus,
    MeetingStatus,
    ParticipationKind,
    ParticipationMode,
    RsvpAnswer,
)
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.messages import missed_window
from lesson_bot.domain.recurrence import RecurrenceError
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.meetings import repeat as meetings_repeat
from lesson_bot.services.meetings.calls import outbox_prefix
from lesson_bot.services.meetings.views import (
    MeetingView,
    expected_attendees,
    meeting_tally,
    meeting_view,
    presumed_attending,
    secretaries,
)
from lesson_bot.services.messages import meetings as texts
from lesson_bot.services.schedules import broken

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=15)  # a reminder later than this (the service was down) is missed, not sent
HORIZON = timedelta(days=31)  # reminders are at most 30 days ahead

# Called in the transaction that closes a meeting's attendance (e.g. 补学 tasks for absentees); returns rows queued.
ClosedHook = Callable[[AsyncSession, int], Awaitable[int]]


class MeetingTicker:
    """One periodic job (Engine tick): everything time-driven about meetings."""

    def __init__(self, db: Database, clock: Clock, translator: Translator, types: MeetingTypes,
                 grace: timedelta = GRACE, on_closed: Sequence[ClosedHook] = (),
                 admin_chat_id: int | None = None) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._types = types
        self._grace = grace
        self._on_closed = list(on_closed)
        self._admin_chat_id = admin_chat_id  # told of a broken series, besides its branch's secretaries

    async def tick(self) -> int:
        """Call the recurring meetings now due, then do what is due for every open meeting; rows queued."""
        now = self._clock.now()
        rows = 0
        async with self._db.transaction() as s:
            schedules = await meetings_repeat.schedule_ids(s)
        for schedule_id in schedules:
            try:
                rows += await self._call_or_mark(schedule_id, now)
            except Exception:  # one bad schedule must not stop the others
                log.exception("meeting schedule %d: calling the next meeting failed", schedule_id)
        async with self._db.transaction() as s:
            ids = (await s.execute(
                select(Meeting.id).where(Meeting.status == MeetingStatus.SCHEDULED,
                                         Meeting.attendance_closed_at.is_(None), Meeting.starts_at <= now + HORIZON)
                .order_by(Meeting.starts_at)
            )).scalars().all()
        for meeting_id in ids:
            try:
                async with self._db.transaction() as s:
                    rows += await self._step(s, meeting_id, now)
            except Exception:  # one bad meeting must not stop the others
                log.exception("meeting %d: tick failed", meeting_id)
        return rows

    async def _call_or_mark(self, schedule_id: int, now: datetime) -> int:
        try:
            async with self._db.transaction() as s:
                return await meetings_repeat.call_due(s, schedule_id, now, self._translator, self._types)
        except RecurrenceError as exc:  # the series cannot be computed, now or ever: marked and reported once
            async with self._db.transaction() as s:
                return await broken.mark(s, schedule_id, exc, now, self._translator, self._admin_chat_id, self._types)

    async def _step(self, s: AsyncSession, meeting_id: int, now: datetime) -> int:
        meeting = await s.get(Meeting, meeting_id, with_for_update=True)
        branch = None if meeting is None else await s.get(Branch, meeting.branch_id)
        if meeting is None or branch is None or meeting.attendance_closed_at is not None:
            return 0
        rules = MeetingRules.from_settings(meeting.settings)
        done = set(meeting.settings.get("done", []))
        view = await meeting_view(s, meeting, branch, self._types)
        active = branch.status is BranchStatus.ACTIVE
        rows = 0
        for minutes, at in due_reminders(now, meeting.starts_at, rules, branch.timezone):
            if f"rem:{minutes}" in done:
                continue
            done.add(f"rem:{minutes}")
            if now > missed_window(at, self._grace, meeting.starts_at):
                # The service was down past the reminder's grace: it is not sent late (DESIGN rule 3).
                log.warning("meeting %d: the reminder %d min before the start was missed", meeting.id, minutes)
            elif active:
                rows += await self._remind(s, meeting, branch, view, minutes, at)
        opens, closes = window(meeting.starts_at, rules)
        if opens <= now < closes and "open" not in done:
            if active:
                t = self._translator.lang(branch.locale)
                key = outbox_prefix(meeting.id) + "open"
                rows += await outbox.enqueue(s, [OutboxItem(key, branch.chat_id, "meeting",
                                                            texts.sign_in_open(t, view, view.local_start + (
                                                                closes - meeting.starts_at)),
                                                            now, key, not_after=closes, branch_id=branch.id)])
            done.add("open")
        if done != set(meeting.settings.get("done", [])):
            meeting.settings = {**meeting.settings, "done": sorted(done)}
        if now >= closes:
            rows += await self._close(s, meeting, branch, rules, closes, now)
        return rows

    async def _remind(self, s: AsyncSession, meeting: Meeting, branch: Branch, view: MeetingView, minutes: int,
                      at: datetime) -> int:
        not_after = missed_window(at, self._grace, meeting.starts_at)
        prefix = f"{outbox_prefix(meeting.id)}rem:{minutes}:"
        t = self._translator.lang(branch.locale)
        group = texts.reminder(t, view, minutes, private=False)
        items = [OutboxItem(prefix + "group", branch.chat_id, "meeting", group, at, prefix + "group",
                            not_after=not_after, branch_id=branch.id)]
        answered = dict((await s.execute(
            select(Rsvp.member_id, Rsvp.leave_status).where(Rsvp.meeting_id == meeting.id)
        )).all())
        named = presumed_attending(meeting)
        for person in await expected_attendees(s, meeting):
            if person.member_id in named:
                continue
            if person.member_id in answered and answered[person.member_id] is not LeaveStatus.REJECTED:
                continue
            member = await s.get(Member, person.member_id)
            if member is None or member.telegram_user_id is None or member.started_bot_at is None \
                    or member.blocked_bot_at is not None:
                continue
            private = self._translator.lang(member.locale or branch.locale)
            items.append(OutboxItem(prefix + str(member.id), member.telegram_user_id, "meeting",
                                    texts.reminder(private, view, minutes, private=True), at, prefix + str(member.id),
                                    not_after=not_after, branch_id=branch.id))
        return await outbox.enqueue(s, items)

    async def _close(self, s: AsyncSession, meeting: Meeting, branch: Branch, rules: MeetingRules, closes: datetime,
                     now: datetime) -> int:
        """The window closed: the expected who neither signed in nor are excused are absent; the summary goes out."""
        result = await meeting_tally(s, meeting)
        leave = dict((await s.execute(
            select(Rsvp.member_id, Rsvp.leave_status).where(Rsvp.meeting_id == meeting.id,
                                                            Rsvp.answer == RsvpAnswer.LEAVE)
        )).all())
        absent = [{
            "dedupe_key": f"mt:absent:{meeting.id}:{line.attendee.member_id}",
            "kind": ParticipationKind.MEETING_ABSENT, "mode": ParticipationMode.ON_TIME, "occurred_at": closes,
            "recorded_at": now, "branch_id": meeting.branch_id, "member_id": line.attendee.member_id,
            "meeting_id": meeting.id,
            "detail": {"leave": str(leave[line.attendee.member_id]) if leave.get(line.attendee.member_id) else None},
        } for line in result.of(Status.ABSENT)]
        await insert_new(s, ParticipationEvent, absent, ["dedupe_key"], ParticipationEvent.id)
        meeting.attendance_closed_at = now
        if result.present or result.guests:
            meeting.status = MeetingStatus.HELD
        view = await meeting_view(s, meeting, branch, self._types)
        targets = await secretaries(s, branch)
        if rules.summary_to_group and branch.status is BranchStatus.ACTIVE:
            targets.append((branch.chat_id, branch.locale))
        items = []
        for chat, locale in targets:
            key = f"{outbox_prefix(meeting.id)}sum:{chat}"
            text = texts.summary_text(self._translator.lang(locale), view, result)
            items.append(OutboxItem(key, chat, "meeting", texts.message(text), now, key, branch_id=branch.id))
        rows = await outbox.enqueue(s, items)
        for hook in self._on_closed:
            rows += await hook(s, meeting.id)
        log.info("meeting %d closed: expected %d, present %d, excused %d, absent %d", meeting.id, result.expected,
                 result.present, result.excused, result.absent)
        return rows
