"""What /report offers a caller: the local day its period picker counts from, and the reports they may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Member, Membership
from lesson_bot.domain.enums import BranchStatus, MembershipStatus
from lesson_bot.domain.permissions import Actor


@dataclass(frozen=True)
class ReportMenu:
    """The caller's report choices. Admins: the organization or any branch; secretaries: their branches; members:
    their own report. (The service checks each report again when it is asked for.)"""

    today: date  # the caller's local day: in their first branch's zone, else the organization's default zone
    organization: bool
    branches: tuple[tuple[int, str], ...]  # (id, title) by title
    member: bool  # on an active roster, so their own report has figures

    @property
    def empty(self) -> bool:
        return not (self.organization or self.branches or self.member)

    @property
    def single(self) -> tuple[str, int] | None:
        """The one report there is to choose, as (scope, key); None when there is a choice (or none)."""
        if self.organization:
            return None
        if self.branches:
            return ("br", self.branches[0][0]) if len(self.branches) == 1 else None
        return ("me", 0) if self.member else None


async def report_menu(s: AsyncSession, actor: Actor, now: datetime, default_zone: str) -> ReportMenu:
    """The menu for `actor` at `now`."""
    own = (await s.execute(
        select(Branch.timezone).select_from(Membership)
        .join(Member, Member.id == Membership.member_id).join(Branch, Branch.id == Membership.branch_id)
        .where(Member.telegram_user_id == actor.telegram_user_id, Membership.status == MembershipStatus.ACTIVE,
               Branch.status == BranchStatus.ACTIVE)
        .order_by(Membership.id))).scalars().all()
    query = select(Branch.id, Branch.title).where(Branch.status == BranchStatus.ACTIVE).order_by(Branch.title,
                                                                                                 Branch.id)
    if not actor.is_admin:
        query = query.where(Branch.id.in_(actor.secretary_of))
    branches = tuple((branch_id, title) for branch_id, title in await s.execute(query))
    zone = own[0] if own else default_zone
    return ReportMenu(now.astimezone(ZoneInfo(zone)).date(), actor.is_admin, branches, bool(own))
