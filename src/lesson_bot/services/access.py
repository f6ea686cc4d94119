"""Role checks in the service layer, with every refusal written to the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import AuditEntry, Branch, Member, Membership
from lesson_bot.db.uow import Database, keep_on_rollback
from lesson_bot.domain.enums import AuditOutcome, MembershipStatus, Role
from lesson_bot.domain.permissions import Action, Actor, decide
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Refused


class AccessControl:
    """Builds the Actor for a Telegram user and enforces the permission matrix."""

    def __init__(self, db: Database, clock: Clock, admin_ids: frozenset[int]) -> None:
        self._db = db
        self._clock = clock
        self.admin_ids = admin_ids

    async def actor(self, session: AsyncSession, telegram_user_id: int, *, is_group_admin: bool = False) -> Actor:
        """The user as the rules see them: admin or not, and the branches they are secretary of."""
        rows = await session.execute(
            select(Membership.branch_id)
            .join(Member, Member.id == Membership.member_id)
            .where(
                Member.telegram_user_id == telegram_user_id,
                Membership.role == Role.SECRETARY,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
        return Actor(
            telegram_user_id=telegram_user_id,
            is_admin=telegram_user_id in self.admin_ids,
            secretary_of=frozenset(rows.scalars().all()),
            is_group_admin=is_group_admin,
        )

    async def describe(self, telegram_user_id: int) -> Actor:
        """The user's roles, for showing them only what they may do."""
        async with self._db.transaction() as session:
            return await self.actor(session, telegram_user_id)

    async def require(
        self,
        session: AsyncSession,
        telegram_user_id: int,
        action: Action,
        branch_id: int | None = None,
        *,
        is_group_admin: bool = False,
    ) -> Actor:
        """The actor, if allowed, checked inside the use case's transaction; otherwise Refused is raised and the
        refusal audited so that it outlives the use case's rollback (`keep_on_rollback`)."""
        actor = await self.actor(session, telegram_user_id, is_group_admin=is_group_admin)
        decision = decide(actor, action, branch_id)
        if not decision.allowed:
            detail: dict[str, Any] = {"requires": decision.grant}
            if branch_id is not None and await session.get(Branch, branch_id) is None:
                # The branch named does not exist (e.g. `--branch 999`): the row keeps the id, not the foreign key.
                detail["branch_id"], branch_id = branch_id, None
            refusal = self._fields(actor, action, branch_id, AuditOutcome.REFUSED, detail)
            keep_on_rollback(session, lambda: AuditEntry(**refusal))
            raise Refused(action, decision.grant)
        return actor

    def record(
        self,
        session: AsyncSession,
        actor: Actor,
        action: Action,
        branch_id: int | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Audit an allowed action inside the transaction that performs it."""
        session.add(self._entry(actor, action, branch_id, AuditOutcome.ALLOWED, detail or {}))

    def _entry(
        self, actor: Actor, action: Action, branch_id: int | None, outcome: AuditOutcome, detail: dict[str, Any]
    ) -> AuditEntry:
        return AuditEntry(**self._fields(actor, action, branch_id, outcome, detail))

    def _fields(
        self, actor: Actor, action: Action, branch_id: int | None, outcome: AuditOutcome, detail: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "at": self._clock.now(),
            "actor_telegram_id": actor.telegram_user_id,
            "action": str(action),
            "branch_id": branch_id,
            "outcome": outcome,
            "detail": {"admin": actor.is_admin, **detail},
        }
