"""Branches (a Telegram group as a 党支部), members, memberships (and their gaps) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.enums import AuditOutcome, BranchStatus, MembershipSource, MembershipStatus, PartyStatus, Role


class Branch(Base):
    """A party branch: one Telegram group or supergroup."""

    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    status: Mapped[BranchStatus] = mapped_column(str_enum(BranchStatus, "branch_status"))
    migrated_from_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    # Secret part of the deep link t.me/<bot>?start=<invite_code> that ties a member to this branch.
    invite_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )

    memberships: Mapped[list[Membership]] = relationship(back_populates="branch")


class Member(Base):
    """A person; known by Telegram user id, or only by @username until they first appear."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    full_name: Mapped[str] = mapped_column(String(128))
    locale: Mapped[str | None] = mapped_column(String(16))
    started_bot_at: Mapped[datetime | None]  # can be messaged in private from then on
    blocked_bot_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())

    memberships: Mapped[list[Membership]] = relationship(back_populates="member")


class Membership(Base):
    """A member's place in a branch: role, party status and whether they are still there."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("branch_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    status: Mapped[MembershipStatus] = mapped_column(str_enum(MembershipStatus, "membership_status"))
    party_status: Mapped[PartyStatus | None] = mapped_column(str_enum(PartyStatus, "party_status"))
    is_committee: Mapped[bool] = mapped_column(default=False)  # 支委 member: expected at 支委会
    party_group: Mapped[str | None] = mapped_column(String(64))  # 党小组
    roster_name: Mapped[str | None] = mapped_column(String(64))  # the name the branch's roster gives them
    source: Mapped[MembershipSource] = mapped_column(str_enum(MembershipSource, "membership_source"))
    joined_at: Mapped[datetime]
    left_at: Mapped[datetime | None]

    branch: Mapped[Branch] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship(back_populates="memberships")


class MembershipAbsence(Base):
    """A closed gap in a membership: the member left the branch at `left_at` and came back at `returned_at`
    (`joined_at` stays their first join, so what happened before the gap still counts)."""

    __tablename__ = "membership_absences"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    left_at: Mapped[datetime]
    returned_at: Mapped[datetime]


class AuditEntry(Base):
    """One secretary or admin action, allowed or refused. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_branch_at", "branch_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime]
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    action: Mapped[str] = mapped_column(String(64))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    outcome: Mapped[AuditOutcome] = mapped_column(str_enum(AuditOutcome, "audit_outcome"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Dialog(Base):
    """A multi-step wizard in progress for one user in one chat; in the database so that a restart or another
    replica picks it up where it was."""

    __tablename__ = "dialogs"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime]
