"""Membership periods: whether a member was on a branch's roster at a given moment, and coming back after leaving.

A membership runs from `joined_at` (the first join) until `left_at` (while they are away), minus its closed gaps
(`membership_absences`: left, came back). Periods are half-open: a member counts from the instant they join and
not at the instant they leave. A lesson or meeting is a member's iff it happened in one of their periods; every
such question goes through `present_at`, so SQL queries and single checks agree.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.base import UTCDateTime
from lesson_bot.db.models import Membership, MembershipAbsence
from lesson_bot.domain.enums import MembershipStatus


def present_at(at: SQLColumnExpression[datetime | None] | datetime) -> ColumnElement[bool]:
    """SQL: the query's Membership row was on its branch's roster at `at` (a column or a moment)."""
    away = select(MembershipAbsence.id).where(
        MembershipAbsence.membership_id == Membership.id, MembershipAbsence.left_at <= at,
        MembershipAbsence.returned_at > at)
    return and_(Membership.joined_at <= at, or_(Membership.left_at.is_(None), Membership.left_at > at),
                ~away.exists())


async def was_present(s: AsyncSession, membership_id: int, at: datetime) -> bool:
    """Whether this membership covered the moment `at`."""
    found = await s.execute(select(Membership.id).where(Membership.id == membership_id, present_at(at)))
    return found.first() is not None


async def come_back(s: AsyncSession, membership_ids: Collection[int], now: datetime) -> None:
    """Members who had left are active again: their time away becomes a gap, their first join stays."""
    if not membership_ids:
        return
    gone = and_(Membership.id.in_(sorted(membership_ids)), Membership.status == MembershipStatus.LEFT)
    await s.execute(insert(MembershipAbsence).from_select(
        ["membership_id", "left_at", "returned_at"],
        select(Membership.id, Membership.left_at, literal(now, UTCDateTime()))
        .where(gone, Membership.left_at.is_not(None))))
    await s.execute(update(Membership).where(gone).values(status=MembershipStatus.ACTIVE, left_at=None))
