"""Plain values the services return (never ORM rows), and the person references they take."""

from __future__ import annotations

from dataclasses import dataclass

from lesson_bot.domain.enums import BranchStatus, MembershipStatus, PartyStatus, Role


@dataclass(frozen=True)
class Person:
    """A Telegram user as an update shows them."""

    telegram_user_id: int
    full_name: str
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class BranchView:
    id: int
    chat_id: int
    title: str
    timezone: str
    locale: str
    status: BranchStatus
    invite_code: str
    secretaries: tuple[str, ...] = ()
    active_members: int = 0


@dataclass(frozen=True)
class RosterEntry:
    member_id: int
    name: str
    telegram_user_id: int | None
    username: str | None
    role: Role
    party_status: PartyStatus | None
    status: MembershipStatus
    started_bot: bool
    party_group: str | None
    is_committee: bool


@dataclass(frozen=True)
class RosterView:
    branch: BranchView
    entries: tuple[RosterEntry, ...]

    @property
    def active(self) -> tuple[RosterEntry, ...]:
        return tuple(e for e in self.entries if e.status is MembershipStatus.ACTIVE)

    @property
    def not_started(self) -> tuple[RosterEntry, ...]:
        """Active members the bot cannot message in private yet."""
        return tuple(e for e in self.active if not e.started_bot)


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    problem: str
    value: str = ""


@dataclass(frozen=True)
class ImportReport:
    branch_title: str
    added: int
    updated: int
    unchanged: int
    problems: tuple[ImportProblem, ...]
