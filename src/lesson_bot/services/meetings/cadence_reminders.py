"""Cadence reminders: an engine tick (delivery/ticks.py runs it at most every few minutes) that tells secretaries
about an expected meeting still missing near its period's deadline. A replay is harmless: each message has a dedupe
key (once per branch, type, 党小组, period and secretary).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lesson_bot.db import outbox
from lesson_bot.db.models import Member, Membership
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.cadence import Expectation
from lesson_bot.domain.enums import MembershipStatus, Role
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.messages import Text
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.meetings.cadence import BranchCompliance, CadenceService
from lesson_bot.services.messages.meetings import aside

log = logging.getLogger(__name__)


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
                    text = Text(reminder_text(t, self._types, branch, row), html=False)
                    items.append(OutboxItem(key, user_id, "notice", text, now, key, not_after=row.deadline,
                                            branch_id=branch.branch_id))
            added = await outbox.enqueue(s, items)
        if added:
            log.info("cadence: %d reminders queued", added)
        return added
