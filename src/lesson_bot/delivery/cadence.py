"""Engine ticks of the meeting routine: cadence reminders before a period ends, and 补学 tasks for absentees.

Both look at many meetings, so they run at most every `interval` (the engine ticks every few seconds); a replay is
harmless either way: each message has a dedupe key (cadence: once per branch, type, 党小组 and period and
secretary; 补学: once per meeting and member).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lesson_bot.db.models import Member, Membership
from lesson_bot.db.uow import Database
from lesson_bot.delivery import outbox
from lesson_bot.delivery.meetings_texts import aside
from lesson_bot.delivery.outbox import OutboxItem
from lesson_bot.domain.cadence import Expectation
from lesson_bot.domain.enums import MembershipStatus, Role
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.meetings.cadence import BranchCompliance, CadenceService
from lesson_bot.services.meetings.makeup import MeetingMakeupService

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = timedelta(minutes=10)


class Every:
    """Runs a job at most once per interval of the service clock (the first call always runs)."""

    def __init__(self, job: Callable[[], Awaitable[int]], clock: Clock, interval: timedelta = DEFAULT_INTERVAL) -> None:
        self._job = job
        self._clock = clock
        self._interval = interval
        self._last: datetime | None = None

    async def __call__(self) -> int:
        now = self._clock.now()
        if self._last is not None and now - self._last < self._interval:
            return 0
        self._last = now
        return await self._job()


def reminder_text(t: Lang, types: MeetingTypes, branch: BranchCompliance, row: Expectation) -> str:
    zone = ZoneInfo(branch.timezone)
    deadline = (row.deadline - timedelta(seconds=1)).astimezone(zone)
    kind = types.get(row.type).name(t.locale)
    kind = aside(t, kind, row.party_group)
    return t._("⏰ “{title}” has not held its {type} for {period} yet ({held} of {expected}). The deadline is {day}: "
               "call it with /meeting, or see /cadence.", title=branch.title, type=kind, period=row.span.label,
               held=row.held, expected=row.expected, day=f"{deadline:%Y-%m-%d}")


class CadenceReminders:
    """Tells each branch's reachable secretaries, in private, about an expected meeting still missing near its
    deadline."""

    def __init__(self, db: Database, clock: Clock, translator: Translator, cadence: CadenceService,
                 types: MeetingTypes) -> None:
        self._db = db
        self._clock = clock
        self._translator = translator
        self._cadence = cadence
        self._types = types

    async def __call__(self) -> int:
        """Queue the reminders now due; the number of messages queued."""
        due = await self._cadence.due_soon()
        if not due:
            return 0
        now = self._clock.now()
        async with self._db.transaction() as s:
            items = []
            for branch, row in due:
                secretaries = (await s.execute(
                    select(Member.telegram_user_id, Member.locale).join(Membership, Membership.member_id == Member.id)
                    .where(Membership.branch_id == branch.branch_id, Membership.role == Role.SECRETARY,
                           Membership.status == MembershipStatus.ACTIVE, Member.started_bot_at.is_not(None),
                           Member.blocked_bot_at.is_(None), Member.telegram_user_id.is_not(None))
                )).all()
                for user_id, locale in secretaries:
                    assert user_id is not None
                    t = self._translator.lang(locale or branch.locale)
                    key = f"cad:{branch.branch_id}:{row.type}:{row.party_group or '-'}:{row.span.label}:{user_id}"
                    items.append(OutboxItem(key, user_id, "notice", {"method": "sendMessage", "params": {
                        "text": reminder_text(t, self._types, branch, row)}}, now, key,
                        not_after=row.deadline, branch_id=branch.branch_id))
            added = await outbox.enqueue(s, items)
        if added:
            log.info("cadence: %d reminders queued", added)
        return added


def ticks(db: Database, clock: Clock, translator: Translator, cadence: CadenceService,
          makeup: MeetingMakeupService, types: MeetingTypes,
          interval: timedelta = DEFAULT_INTERVAL) -> list[Callable[[], Awaitable[int]]]:
    """The engine jobs of records, 补学 and cadence."""
    return [Every(CadenceReminders(db, clock, translator, cadence, types), clock, interval),
            Every(makeup.assign_due, clock, interval)]
