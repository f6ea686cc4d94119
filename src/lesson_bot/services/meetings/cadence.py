"""Cadence compliance per branch (the rules are domain/cadence.py): for a secretary their branch, for an admin all.

"Held" (from the meetings' rows): not cancelled, and marked held, or recorded (minutes submitted), or its sign-in
window closed with at least one sign-in. A meeting called but not yet held counts as scheduled until its window
closes; one that closed with nobody signed in and no record counts as not held.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Meeting, Membership, SignIn
from lesson_bot.db.uow import Database
from lesson_bot.domain.cadence import DEFAULT_SOON_DAYS, Expectation, MeetingFact, State, report
from lesson_bot.domain.enums import BranchStatus, MeetingStatus, MembershipStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import NotFound

DEFAULT_PERIODS = 3


@dataclass(frozen=True)
class BranchCompliance:
    branch_id: int
    title: str
    timezone: str
    locale: str
    rows: tuple[Expectation, ...]

    def count(self, state: State) -> int:
        return sum(1 for row in self.rows if row.state is state)


async def _facts(s: AsyncSession, branch_ids: Sequence[int], since: datetime) -> dict[int, list[MeetingFact]]:
    signed = exists().where(SignIn.meeting_id == Meeting.id)
    rows = (await s.execute(
        select(Meeting.branch_id, Meeting.type, Meeting.starts_at, Meeting.party_group, Meeting.status,
               Meeting.recorded_at, Meeting.attendance_closed_at, signed.label("signed"))
        .where(Meeting.branch_id.in_(branch_ids), Meeting.starts_at >= since,
               Meeting.status != MeetingStatus.CANCELLED)
    )).all()
    facts: dict[int, list[MeetingFact]] = {}
    for branch_id, kind, starts_at, group, status, recorded_at, closed_at, has_sign_ins in rows:
        held = status is MeetingStatus.HELD or recorded_at is not None or (closed_at is not None and has_sign_ins)
        facts.setdefault(branch_id, []).append(MeetingFact(str(kind), starts_at, bool(held), group))
    return facts


async def _groups(s: AsyncSession, branch_ids: Sequence[int]) -> dict[int, list[str]]:
    rows = (await s.execute(
        select(Membership.branch_id, Membership.party_group).distinct().where(
            Membership.branch_id.in_(branch_ids), Membership.status == MembershipStatus.ACTIVE,
            Membership.party_group.is_not(None))
    )).all()
    groups: dict[int, list[str]] = {}
    for branch_id, group in rows:
        if group:
            groups.setdefault(branch_id, []).append(group)
    return groups


async def _started(s: AsyncSession, branch_ids: Sequence[int]) -> dict[int, datetime]:
    """When each branch's first member joined (its registration)."""
    return dict((await s.execute(
        select(Membership.branch_id, func.min(Membership.joined_at)).where(Membership.branch_id.in_(branch_ids))
        .group_by(Membership.branch_id)
    )).all())


class CadenceService:
    """Compliance reports and what the reminder tick needs."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, types: MeetingTypes,
                 soon_days: int = DEFAULT_SOON_DAYS) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._types = types
        self.soon_days = soon_days

    @staticmethod
    def _since(now: datetime, periods: int) -> datetime:
        # Enough for the longest period (a year) `periods` back, in any zone.
        return now - timedelta(days=366 * periods + 2)

    async def _compliance(self, s: AsyncSession, branches: Sequence[Branch], periods: int,
                          ahead: bool = False) -> list[BranchCompliance]:
        now = self._clock.now()
        ids = [b.id for b in branches]
        facts = await _facts(s, ids, self._since(now, periods))
        groups = await _groups(s, ids)
        joined = await _started(s, ids)
        cadences = self._types.cadences()
        result = []
        for b in branches:
            # The branch's history begins with its first member or its first meeting: nothing is overdue before.
            since = min([*([joined[b.id]] if b.id in joined else []), *(f.starts_at for f in facts.get(b.id, []))],
                        default=None)
            result.append(BranchCompliance(b.id, b.title, b.timezone, b.locale, tuple(report(
                cadences, b.timezone, facts.get(b.id, []), now, party_groups=groups.get(b.id, []),
                periods_back=periods, soon_days=self.soon_days, ahead=ahead, since=since))))
        return result

    async def branch(self, telegram_user_id: int, branch_id: int, periods: int = DEFAULT_PERIODS) -> BranchCompliance:
        """One branch: each type in its current period and the ones before (secretary of it, or an admin)."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_COMPLIANCE, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            return (await self._compliance(s, [branch], periods))[0]

    async def overview(self, telegram_user_id: int, periods: int = 2) -> list[BranchCompliance]:
        """Every active branch the user may see (an admin: all; a secretary: theirs), by title."""
        async with self._db.transaction() as s:
            actor = await self._access.actor(s, telegram_user_id)
            query = select(Branch).where(Branch.status == BranchStatus.ACTIVE).order_by(Branch.title, Branch.id)
            if not actor.is_admin:
                query = query.where(Branch.id.in_(actor.secretary_of))
            branches = list((await s.execute(query)).scalars().all())
            if not branches and not actor.is_admin:
                await self._access.require(s, telegram_user_id, Action.VIEW_COMPLIANCE, None)  # refused and audited
            return await self._compliance(s, branches, periods)

    async def due_soon(self) -> list[tuple[BranchCompliance, Expectation]]:
        """For the reminder tick: every active branch's current (and next) expectations due soon and still missing.

        A branch registered after an expectation's reminder moment is not reminded of it: it came too late to
        meet that deadline with the usual notice (the report still shows it)."""
        async with self._db.transaction() as s:
            branches = list((await s.execute(select(Branch).where(Branch.status == BranchStatus.ACTIVE))).scalars())
            found = await self._compliance(s, branches, 1, ahead=True)
            started = await _started(s, [b.id for b in branches])
        return [(b, row) for b in found for row in b.rows
                if row.state is State.DUE_SOON and started.get(b.branch_id) is not None
                and row.remind_at >= started[b.branch_id]]
