"""What /meetings shows a secretary (the upcoming meetings with their 参加 / 请假 figures) and what calling one off
tells people: the group, when it saw the notice, and in private everyone who answered it.

The texts queued here live beside the service because the outbox stores finished Bot API calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Meeting, Member, OutboxMessage, Rsvp
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.enums import BranchStatus, LeaveStatus, OutboxStatus, RsvpAnswer
from lesson_bot.domain.messages import Text
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.meetings.views import MeetingView, presumed_attending
from lesson_bot.services.messages import meetings as texts


@dataclass(frozen=True)
class AgendaLine:
    """One upcoming meeting as /meetings lists it."""

    view: MeetingView
    attending: int  # said 参加, with the host and recorder who did not ask for leave
    on_leave: int  # asked 请假 (approved or pending)
    pending: int  # of which not decided yet
    recurring: bool  # called by a weekly or monthly schedule


@dataclass(frozen=True)
class Agenda:
    """A branch's upcoming meetings, soonest first."""

    branch_id: int
    branch_title: str
    timezone: str
    lines: tuple[AgendaLine, ...]


@dataclass(frozen=True)
class CalledOff:
    """A cancelled meeting and who was told."""

    view: MeetingView
    recurring: bool
    withdrawn: int  # queued messages (notice, reminders, 签到 button) that will not be sent
    told_group: bool
    told_members: int


async def agenda(s: AsyncSession, branch: Branch, meetings: Sequence[Meeting], views: Sequence[MeetingView]
                 ) -> Agenda:
    """The views with their RSVP figures, counted in one query."""
    counts: dict[tuple[int, RsvpAnswer, LeaveStatus | None], int] = {}
    if meetings:
        rows = await s.execute(
            select(Rsvp.meeting_id, Rsvp.answer, Rsvp.leave_status, func.count())
            .where(Rsvp.meeting_id.in_([m.id for m in meetings]))
            .group_by(Rsvp.meeting_id, Rsvp.answer, Rsvp.leave_status))
        counts = {(meeting_id, answer, status): n for meeting_id, answer, status, n in rows.all()}
        answered = {(meeting_id, member_id) for meeting_id, member_id in (await s.execute(
            select(Rsvp.meeting_id, Rsvp.member_id).where(Rsvp.meeting_id.in_([m.id for m in meetings])))).all()}
    else:
        answered = set()

    def named(meeting: Meeting) -> int:
        """The host and recorder who gave no answer: taken as attending."""
        return sum(1 for member in presumed_attending(meeting) if (meeting.id, member) not in answered)

    def count(meeting_id: int, answer: RsvpAnswer, *statuses: LeaveStatus | None) -> int:
        return sum(counts.get((meeting_id, answer, status), 0) for status in statuses)

    return Agenda(branch.id, branch.title, branch.timezone, tuple(
        AgendaLine(view, count(m.id, RsvpAnswer.ATTEND, None) + named(m),
                   count(m.id, RsvpAnswer.LEAVE, LeaveStatus.APPROVED, LeaveStatus.PENDING),
                   count(m.id, RsvpAnswer.LEAVE, LeaveStatus.PENDING), m.schedule_id is not None)
        for m, view in zip(meetings, views, strict=True)))


async def call_off(s: AsyncSession, meeting: Meeting, branch: Branch, view: MeetingView, prefix: str,
                   translator: Translator, now: datetime) -> CalledOff:
    """Withdraw what is queued for the meeting (dedupe keys start with `prefix`) and queue the news: to the group
    when it saw the notice, and in private to every member who answered and can be reached."""
    notice = (await s.execute(select(OutboxMessage.status).where(OutboxMessage.dedupe_key == prefix + "notice"))
              ).scalar()
    seen = notice is not None and notice is not OutboxStatus.PENDING  # a notice still queued was never seen
    withdrawn = (await s.execute(update(OutboxMessage).where(
        OutboxMessage.dedupe_key.like(f"{prefix}%"), OutboxMessage.status == OutboxStatus.PENDING
    ).values(status=OutboxStatus.CANCELLED).returning(OutboxMessage.id))).scalars().all()
    recurring = meeting.schedule_id is not None
    items = []
    group = seen and branch.status is BranchStatus.ACTIVE
    if group:
        items.append(OutboxItem(f"{prefix}off:group", branch.chat_id, "meeting",
                                _called_off(translator.lang(branch.locale), view, recurring, private=False),
                                now, f"{prefix}off:group", branch_id=branch.id))
    answered = (await s.execute(
        select(Member).join(Rsvp, Rsvp.member_id == Member.id).where(
            Rsvp.meeting_id == meeting.id, Member.telegram_user_id.is_not(None), Member.started_bot_at.is_not(None),
            Member.blocked_bot_at.is_(None)).order_by(Member.id)
    )).scalars().all()
    for member in answered:
        assert member.telegram_user_id is not None
        key = f"{prefix}off:{member.id}"
        items.append(OutboxItem(key, member.telegram_user_id, "meeting",
                                _called_off(translator.lang(member.locale or branch.locale), view, recurring,
                                            private=True), now, key, branch_id=branch.id))
    await outbox.enqueue(s, items)
    return CalledOff(view, recurring, len(withdrawn), group, len(answered))


def _called_off(t: Lang, view: MeetingView, recurring: bool, *, private: bool) -> Text:
    lines = [t._("🚫 <b>Meeting called off</b>"), texts.card(t, view)]
    if private:
        lines += ["", t._("You answered this meeting's notice; there is no need to come, and it will not count "
                          "as an absence.")]
    if recurring:
        lines += ["", t._("Only this meeting is called off: the next one of the series will be announced as usual.")]
    return texts.message("\n".join(lines))
