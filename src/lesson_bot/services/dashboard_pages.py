"""What the web dashboard reads beyond the other services: who is looking, a branch's meetings, a member's page.

Every id a page names is checked here against the viewer's role, inside the read's transaction (AccessControl
audits a refusal): a branch's meetings for its secretaries and admins; a member's page for that member, the
secretaries of a branch they belong to, and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from lesson_bot.db.models import Branch, Meeting, Member, Membership
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import MeetingStatus, MembershipStatus, Role
from lesson_bot.domain.permissions import Action
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import NotFound
from lesson_bot.services.lessons.progress import BranchRecord, ProgressService

RECENT_MEETINGS = timedelta(days=180)
MEETINGS_LISTED = 20


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the pages need them: what to show in the header and which pages are theirs."""

    telegram_user_id: int
    name: str | None  # None: not known to the bot yet
    member_id: int | None
    is_admin: bool
    secretary_of: frozenset[int]

    @property
    def sees_branches(self) -> bool:
        return self.is_admin or bool(self.secretary_of)


@dataclass(frozen=True)
class MeetingLine:
    id: int
    type: str
    topic: str
    starts_at: datetime
    status: MeetingStatus
    recorded: bool
    confirmed: bool  # the record confirmed by its host and recorder


@dataclass(frozen=True)
class BranchMeetings:
    branch_id: int
    title: str
    timezone: str
    meetings: tuple[MeetingLine, ...]  # newest first

    @property
    def awaiting_confirmation(self) -> tuple[MeetingLine, ...]:
        return tuple(m for m in self.meetings if m.recorded and not m.confirmed)


@dataclass(frozen=True)
class BranchRole:
    branch_id: int
    branch_title: str
    role: Role
    status: MembershipStatus


@dataclass(frozen=True)
class MemberPage:
    member_id: int
    name: str
    username: str | None
    started_bot: bool
    memberships: tuple[BranchRole, ...]  # only the branches the viewer may see
    records: tuple[BranchRecord, ...]  # the member's figures in those branches (/me's)


class DashboardReads:
    """Reads for the dashboard's pages, each checked against the viewer's role."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, progress: ProgressService) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._progress = progress

    async def viewer(self, telegram_user_id: int) -> Viewer:
        """Who is signed in: their name and member id if the bot knows them, and their roles."""
        async with self._db.transaction() as s:
            actor = await self._access.actor(s, telegram_user_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            return Viewer(telegram_user_id, member.full_name if member else None, member.id if member else None,
                          actor.is_admin, actor.secretary_of)

    async def branch_meetings(self, telegram_user_id: int, branch_id: int) -> BranchMeetings:
        """The branch's meetings of the last half year, newest first (its secretaries and admins)."""
        since = self._clock.now() - RECENT_MEETINGS
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_RECORD, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            rows = (await s.execute(
                select(Meeting).where(Meeting.branch_id == branch_id, Meeting.starts_at >= since)
                .order_by(Meeting.starts_at.desc(), Meeting.id.desc()).limit(MEETINGS_LISTED)
            )).scalars().all()
            lines = tuple(MeetingLine(
                m.id, m.type, m.topic, m.starts_at, m.status, m.recorded_at is not None,
                m.recorded_at is not None and (m.host_member_id is None or m.host_confirmed_at is not None)
                and (m.recorder_member_id is None or m.recorder_confirmed_at is not None),
            ) for m in rows)
            return BranchMeetings(branch.id, branch.title, branch.timezone, lines)

    async def member(self, telegram_user_id: int, member_id: int) -> MemberPage:
        """A member's page: their own, or one of a branch the viewer is secretary of (admins: any)."""
        async with self._db.transaction() as s:
            member = await s.get(Member, member_id)
            if member is None:
                raise NotFound("member", member_id)
            rows = (await s.execute(
                select(Membership, Branch).join(Branch, Branch.id == Membership.branch_id)
                .where(Membership.member_id == member_id).order_by(Membership.id)
            )).all()
            actor = await self._access.actor(s, telegram_user_id)
            own = member.telegram_user_id == telegram_user_id
            visible = [(m, b) for m, b in rows if own or actor.is_admin or b.id in actor.secretary_of]
            if not visible and not own:
                # Refused and audited: named after the member's first branch (None when they are in none).
                await self._access.require(s, telegram_user_id, Action.VIEW_PROGRESS, rows[0][1].id if rows else None)
            page = MemberPage(
                member.id, member.full_name, member.username, member.started_bot_at is not None,
                tuple(BranchRole(b.id, b.title, m.role, m.status) for m, b in visible), ())
        if member.telegram_user_id is None:
            return page
        record = await self._progress.me(member.telegram_user_id)
        shown = {m.branch_id for m in page.memberships}
        records = tuple(r for r in record.branches if r.branch_id in shown) if record is not None else ()
        return MemberPage(page.member_id, page.name, page.username, page.started_bot, page.memberships, records)
