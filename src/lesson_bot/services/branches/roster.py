"""The roster: who belongs to a branch, learned from the group, from /join and deep links, and from CSV."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Member, Membership
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import BranchStatus, MembershipSource, MembershipStatus, PartyStatus, Role
from lesson_bot.domain.permissions import Action
from lesson_bot.domain.roster_csv import RosterRow, parse_roster
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.membership import come_back
from lesson_bot.services.branches.registration import branch_view, roster_entry
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import InvalidInput, NotFound
from lesson_bot.services.views import BranchView, ImportProblem, ImportReport, Person, RosterEntry, RosterView

SUPPORTED_LOCALES = ("zh-Hans", "en")
ROSTER_NAME_MAX = 64


@dataclass(frozen=True)
class JoinResult:
    branch: BranchView
    newly_joined: bool
    reachable: bool = True  # the bot may message them in private (they started it and did not block it)


@dataclass(frozen=True)
class StartResult:
    first_start: bool
    joined: JoinResult | None
    bad_payload: bool


class RosterService:
    """Use cases about who is on a branch's roster."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl) -> None:
        self._db = db
        self._clock = clock
        self._access = access

    async def seen(self, chat_id: int, person: Person, source: MembershipSource = MembershipSource.MESSAGE) -> bool:
        """Someone wrote in (or joined) a branch's group: make sure they are on its roster. True if that changed."""
        async with self._db.transaction() as s:
            branch = await _active_branch(s, chat_id)
            if branch is None:
                return False
            member = await lookup.upsert_person(s, person)
            await s.flush()
            return await self._ensure_member(s, branch.id, member.id, source)

    async def unreachable_in(self, chat_id: int, telegram_user_id: int) -> BranchView | None:
        """The branch of this group when this person cannot get private messages yet (never started the bot, or
        blocked it): they need its deep link."""
        async with self._db.transaction() as s:
            branch = await _active_branch(s, chat_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if branch is None or (member is not None and _reachable(member)):
                return None
            return await branch_view(s, branch)

    async def left(self, chat_id: int, telegram_user_id: int) -> bool:
        """Someone left the group: marked left on the roster (never deleted). True if that changed."""
        async with self._db.transaction() as s:
            branch = await lookup.branch_by_chat(s, chat_id)
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if branch is None or member is None:
                return False
            membership = await lookup.membership(s, branch.id, member.id)
            if membership is None or membership.status is MembershipStatus.LEFT:
                return False
            membership.status, membership.left_at = MembershipStatus.LEFT, self._clock.now()
            return True

    async def join(self, chat_id: int, person: Person) -> JoinResult:
        """/join in a branch's group."""
        async with self._db.transaction() as s:
            branch = await _active_branch(s, chat_id)
            if branch is None:
                raise NotFound("branch", chat_id)
            return await self._join(s, branch, person)

    async def start(self, person: Person, payload: str | None) -> StartResult:
        """/start in private, perhaps from a branch's deep link: the bot may message this person from now on."""
        async with self._db.transaction() as s:
            member = await lookup.upsert_person(s, person)
            first = member.started_bot_at is None
            if first:
                member.started_bot_at = self._clock.now()
            member.blocked_bot_at = None
            await s.flush()
            if not payload:
                return StartResult(first, None, False)
            branch = (await s.execute(select(Branch).where(Branch.invite_code == payload))).scalar_one_or_none()
            if branch is None or branch.status is not BranchStatus.ACTIVE:
                return StartResult(first, None, True)
            return StartResult(first, await self._join(s, branch, person), False)

    async def blocked(self, telegram_user_id: int) -> None:
        """Telegram said the user blocked the bot: stop counting them as reachable in private."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if member is not None and member.blocked_bot_at is None:
                member.blocked_bot_at = self._clock.now()

    async def set_locale(self, person: Person, locale: str) -> str:
        """/lang: the language the bot speaks to this person."""
        if locale not in SUPPORTED_LOCALES:
            raise InvalidInput("locale", "unsupported", value=locale)
        async with self._db.transaction() as s:
            member = await lookup.upsert_person(s, person)
            member.locale = locale
            return locale

    async def locale_of(self, telegram_user_id: int) -> str | None:
        """The language this person chose with /lang, if any."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, telegram_user_id)
            return None if member is None else member.locale

    async def roster(self, telegram_user_id: int, branch_id: int) -> RosterView:
        """The branch's roster (its secretaries and admins only), secretaries first, then by name."""
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.VIEW_ROSTER, branch_id)
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            rows = await s.execute(
                select(Membership, Member).join(Member, Member.id == Membership.member_id)
                .where(Membership.branch_id == branch_id)
            )
            entries = sorted(
                (roster_entry(m, p) for m, p in rows.all()),
                key=lambda e: (e.status is not MembershipStatus.ACTIVE, e.role is not Role.SECRETARY, e.name),
            )
            return RosterView(await branch_view(s, branch), tuple(entries))

    async def update_member(
        self,
        telegram_user_id: int,
        branch_id: int,
        member_telegram_id: int,
        *,
        name: str | None = None,
        party_status: PartyStatus | None = None,
        party_group: str | None = None,
        is_committee: bool | None = None,
    ) -> RosterEntry:
        """A secretary corrects a roster entry: the name the branch uses, 正式/预备, 党小组, 支委."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.EDIT_MEMBER, branch_id)
            if name is not None and not 0 < len(name.strip()) <= ROSTER_NAME_MAX:
                raise InvalidInput("name", "length", limit=ROSTER_NAME_MAX)
            if party_group is not None and len(party_group) > ROSTER_NAME_MAX:
                raise InvalidInput("party_group", "length", limit=ROSTER_NAME_MAX)
            member = await lookup.by_telegram_id(s, member_telegram_id)
            membership = None if member is None else await lookup.membership(s, branch_id, member.id)
            if member is None or membership is None:
                raise NotFound("member", member_telegram_id)
            changes = {"roster_name": name.strip() if name else None, "party_status": party_status,
                       "party_group": party_group, "is_committee": is_committee}
            changes = {k: v for k, v in changes.items() if v is not None}
            for key, value in changes.items():
                setattr(membership, key, value)
            self._access.record(s, actor, Action.EDIT_MEMBER, branch_id,
                                {"member_id": member.id, **{k: str(v) for k, v in changes.items()}})
            return roster_entry(membership, member)

    async def import_csv(self, telegram_user_id: int, branch_id: int, data: bytes) -> ImportReport:
        """Import a roster CSV: bad rows reported by line, good rows imported; the same file twice changes nothing."""
        added = updated = unchanged = 0
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.IMPORT_ROSTER, branch_id)
            parsed = parse_roster(data)
            problems = [ImportProblem(e.line, e.field, e.problem, e.value) for e in parsed.errors]
            branch = await s.get(Branch, branch_id)
            if branch is None:
                raise NotFound("branch", branch_id)
            title = branch.title
            for row in parsed.rows:
                outcome = await self._import_row(s, branch_id, row, may_demote=actor.is_admin)
                if isinstance(outcome, ImportProblem):
                    problems.append(outcome)
                elif outcome == "added":
                    added += 1
                elif outcome == "updated":
                    updated += 1
                else:
                    unchanged += 1
            self._access.record(s, actor, Action.IMPORT_ROSTER, branch_id,
                                {"added": added, "updated": updated, "problems": len(problems)})
        return ImportReport(title, added, updated, unchanged, tuple(sorted(problems, key=lambda p: (p.line, p.field))))

    async def _import_row(
        self, s: AsyncSession, branch_id: int, row: RosterRow, *, may_demote: bool
    ) -> str | ImportProblem:
        member, _created = await lookup.upsert_handle(
            s, name=row.name, telegram_user_id=row.telegram_user_id, username=row.username
        )
        membership = await lookup.membership(s, branch_id, member.id)
        if membership is None:
            s.add(Membership(
                branch_id=branch_id, member_id=member.id, role=row.role, status=MembershipStatus.ACTIVE,
                party_status=row.party_status, party_group=row.party_group, is_committee=row.is_committee,
                roster_name=row.name, source=MembershipSource.IMPORT, joined_at=self._clock.now(),
            ))
            await s.flush()
            return "added"
        if membership.role is Role.SECRETARY and row.role is Role.MEMBER and not may_demote:
            return ImportProblem(row.line, "role", "only_admin_can_demote", row.name)
        wanted = {"role": row.role, "party_status": row.party_status, "party_group": row.party_group,
                  "is_committee": row.is_committee, "roster_name": row.name}
        changed = {k: v for k, v in wanted.items() if getattr(membership, k) != v}
        for key, value in changed.items():
            setattr(membership, key, value)
        return "updated" if changed else "unchanged"

    async def _join(self, s: AsyncSession, branch: Branch, person: Person) -> JoinResult:
        member = await lookup.upsert_person(s, person)
        await s.flush()
        newly = await self._ensure_member(s, branch.id, member.id, MembershipSource.JOIN)
        return JoinResult(await branch_view(s, branch), newly, _reachable(member))

    async def _ensure_member(self, s: AsyncSession, branch_id: int, member_id: int, source: MembershipSource) -> bool:
        membership = await lookup.membership(s, branch_id, member_id)
        if membership is None:
            s.add(Membership(branch_id=branch_id, member_id=member_id, role=Role.MEMBER,
                             status=MembershipStatus.ACTIVE, source=source, joined_at=self._clock.now()))
            return True
        if membership.status is MembershipStatus.LEFT:
            await come_back(s, [membership.id], self._clock.now())
            return True
        return False


def _reachable(member: Member) -> bool:
    return member.started_bot_at is not None and member.blocked_bot_at is None


async def _active_branch(s: AsyncSession, chat_id: int) -> Branch | None:
    branch = await lookup.branch_by_chat(s, chat_id)
    return branch if branch is not None and branch.status is BranchStatus.ACTIVE else None

