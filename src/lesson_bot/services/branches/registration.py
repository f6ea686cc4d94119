"""Branches: registering a group, listing, secretaries, and what happens when the bot leaves or the group moves."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Member, Membership
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import BranchStatus, MembershipSource, MembershipStatus, Role
from lesson_bot.domain.permissions import Action
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.membership import come_back
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.views import BranchView, Person, RosterEntry

TITLE_MAX = 128
Target = Person | str | int  # a Telegram user from an update, an @username, or a numeric user id


def new_invite_code() -> str:
    """A deep-link payload (Telegram allows A-Z a-z 0-9 _ -) that cannot be guessed."""
    return "b" + secrets.token_urlsafe(12)


def check_timezone(name: str) -> str:
    """The IANA zone name, or InvalidInput naming the field."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", "unknown_zone", value=name) from None
    return name


def clean_title(title: str) -> str:
    """A branch name with its white space tidied, or InvalidInput naming the field."""
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title", "empty")
    if len(title) > TITLE_MAX:
        raise InvalidInput("title", "too_long", limit=TITLE_MAX, length=len(title))
    return title


async def branch_view(session: AsyncSession, branch: Branch) -> BranchView:
    """The branch as callers see it, with its secretaries' names and active member count."""
    rows = await session.execute(
        select(Membership.role, func.coalesce(Membership.roster_name, Member.full_name))
        .join(Member, Member.id == Membership.member_id)
        .where(Membership.branch_id == branch.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
    )
    people = rows.all()
    return BranchView(
        id=branch.id,
        chat_id=branch.chat_id,
        title=branch.title,
        timezone=branch.timezone,
        locale=branch.locale,
        status=branch.status,
        invite_code=branch.invite_code,
        secretaries=tuple(name for role, name in people if role is Role.SECRETARY),
        active_members=len(people),
    )


def roster_entry(membership: Membership, member: Member) -> RosterEntry:
    return RosterEntry(
        member_id=member.id,
        name=membership.roster_name or member.full_name,
        telegram_user_id=member.telegram_user_id,
        username=member.username,
        role=membership.role,
        party_status=membership.party_status,
        status=membership.status,
        started_bot=member.started_bot_at is not None and member.blocked_bot_at is None,
        party_group=membership.party_group,
        is_committee=membership.is_committee,
    )


class BranchService:
    """Use cases about branches. Every secretary or admin action is checked here, not only in the bot."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl) -> None:
        self._db = db
        self._clock = clock
        self._access = access

    async def by_chat(self, chat_id: int) -> BranchView | None:
        """The branch of a chat, registered or not."""
        async with self._db.transaction() as s:
            branch = await lookup.branch_by_chat(s, chat_id)
            return None if branch is None else await branch_view(s, branch)

    async def register(
        self, person: Person, chat_id: int, title: str, timezone: str, locale: str, *, is_group_admin: bool
    ) -> BranchView:
        """Make the group a branch with the caller as its secretary (a group admin, or a configured admin)."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            actor = await self._access.require(
                s, person.telegram_user_id, Action.REGISTER_BRANCH, is_group_admin=is_group_admin
            )
            title = clean_title(title)
            check_timezone(timezone)
            branch = await lookup.branch_by_chat(s, chat_id)
            if branch is not None and branch.status is BranchStatus.ACTIVE:
                raise Conflict("already_registered", title=branch.title)
            if branch is None:
                branch = Branch(chat_id=chat_id, invite_code=new_invite_code(), title=title, timezone=timezone,
                                locale=locale, status=BranchStatus.ACTIVE)
                s.add(branch)
            else:
                branch.title, branch.timezone, branch.locale = title, timezone, locale
                branch.status = BranchStatus.ACTIVE
            await s.flush()
            member = await lookup.upsert_person(s, person)
            await s.flush()
            await _set_role(s, branch.id, member.id, Role.SECRETARY, MembershipSource.REGISTER, now)
            self._access.record(s, actor, Action.REGISTER_BRANCH, branch.id, {"title": title, "timezone": timezone})
            return await branch_view(s, branch)

    async def check_register(self, person: Person, chat_id: int, *, is_group_admin: bool) -> None:
        """Before the /register wizard starts: refuse now rather than after the questions."""
        async with self._db.transaction() as s:
            await self._access.require(s, person.telegram_user_id, Action.REGISTER_BRANCH,
                                       is_group_admin=is_group_admin)
            branch = await lookup.branch_by_chat(s, chat_id)
            if branch is not None and branch.status is BranchStatus.ACTIVE:
                raise Conflict("already_registered", title=branch.title)

    async def list_for(self, telegram_user_id: int) -> list[BranchView]:
        """Every branch for an admin; a secretary's own branches for a secretary."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.LIST_BRANCHES)
            query = select(Branch).order_by(Branch.status, Branch.title)
            if not actor.is_admin:
                query = query.where(Branch.id.in_(actor.secretary_of))
            branches = (await s.execute(query)).scalars().all()
            return [await branch_view(s, b) for b in branches]

    async def add_secretary(self, telegram_user_id: int, branch_id: int, target: Target) -> RosterEntry:
        """Make someone a secretary of the branch (its secretary or an admin may)."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.ADD_SECRETARY, branch_id)
            await _branch(s, branch_id)
            # Only a person the bot knows: an @username nobody has yet would make whoever takes it later secretary.
            member = await _resolve(s, target, create=False, unknown="appointee")
            membership = await _set_role(s, branch_id, member.id, Role.SECRETARY, MembershipSource.APPOINTED,
                                         self._clock.now())
            self._access.record(s, actor, Action.ADD_SECRETARY, branch_id, {"member_id": member.id})
            return roster_entry(membership, member)

    async def remove_secretary(self, telegram_user_id: int, branch_id: int, target: Target) -> RosterEntry:
        """Make a secretary an ordinary member again (admins only)."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.REMOVE_SECRETARY, branch_id)
            await _branch(s, branch_id)
            member = await _resolve(s, target, create=False)
            membership = await lookup.membership(s, branch_id, member.id)
            if membership is None or membership.role is not Role.SECRETARY:
                raise NotFound("secretary", target if not isinstance(target, Person) else target.full_name)
            membership.role = Role.MEMBER
            self._access.record(s, actor, Action.REMOVE_SECRETARY, branch_id, {"member_id": member.id})
            return roster_entry(membership, member)

    async def bot_removed(self, chat_id: int) -> BranchView | None:
        """The bot was removed from the group: the branch becomes inactive, its history stays."""
        return await self._set_status(chat_id, BranchStatus.INACTIVE)

    async def bot_added(self, chat_id: int) -> BranchView | None:
        """The bot was added back to a group that was a branch: it becomes active again with its history."""
        return await self._set_status(chat_id, BranchStatus.ACTIVE)

    async def _set_status(self, chat_id: int, status: BranchStatus) -> BranchView | None:
        async with self._db.transaction() as s:
            branch = await lookup.branch_by_chat(s, chat_id)
            if branch is None:
                return None
            branch.status = status
            return await branch_view(s, branch)

    async def chat_migrated(self, old_chat_id: int, new_chat_id: int) -> BranchView | None:
        """The group became a supergroup: its branch follows it to the new chat id. Harmless when repeated."""
        async with self._db.transaction() as s:
            branch = await lookup.branch_by_chat(s, old_chat_id)
            if branch is None:
                branch = await lookup.branch_by_chat(s, new_chat_id)
                return None if branch is None else await branch_view(s, branch)
            branch.chat_id = new_chat_id
            branch.migrated_from_chat_id = old_chat_id
            return await branch_view(s, branch)


async def _branch(session: AsyncSession, branch_id: int) -> Branch:
    branch = await session.get(Branch, branch_id)
    if branch is None:
        raise NotFound("branch", branch_id)
    return branch



async def _resolve(session: AsyncSession, target: Target, *, create: bool = True, unknown: str = "member") -> Member:
    if isinstance(target, Person):
        member = await lookup.upsert_person(session, target)
        await session.flush()
        return member
    if isinstance(target, int):
        found = await lookup.by_telegram_id(session, target)
        if found is None and create:
            found, _ = await lookup.upsert_handle(session, name=str(target), telegram_user_id=target, username=None)
    else:
        username = target.removeprefix("@")
        found = await lookup.by_username(session, username)
        if found is None and create:
            found, _ = await lookup.upsert_handle(session, name="@" + username, telegram_user_id=None,
                                                   username=username)
    if found is None:
        raise NotFound(unknown, target)
    return found


async def _set_role(
    session: AsyncSession, branch_id: int, member_id: int, role: Role, source: MembershipSource, now: datetime
) -> Membership:
    membership = await lookup.membership(session, branch_id, member_id)
    if membership is None:
        membership = Membership(branch_id=branch_id, member_id=member_id, role=role, status=MembershipStatus.ACTIVE,
                                source=source, joined_at=now)
        session.add(membership)
    else:
        membership.role = role
        if membership.status is MembershipStatus.LEFT:
            await come_back(session, [membership.id], now)
    await session.flush()
    return membership
