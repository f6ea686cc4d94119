"""Lookups shared by the services: branches by chat, memberships, and the member behind a user or a roster line."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Lesson, Member, Membership
from lesson_bot.services.lessons.scope import deliverable_to
from lesson_bot.services.views import Person


async def branch_by_chat(session: AsyncSession, chat_id: int) -> Branch | None:
    """The branch of a chat, whatever its status."""
    return (await session.execute(select(Branch).where(Branch.chat_id == chat_id))).scalar_one_or_none()


async def series_lessons(session: AsyncSession, series: str, branch_id: int) -> list[Lesson]:
    """The active lessons of a series a branch may receive, in delivery order (the k-th is what a series schedule
    sends k-th)."""
    result = await session.execute(
        select(Lesson).where(Lesson.series == series, Lesson.active.is_(True), deliverable_to(branch_id))
        .order_by(Lesson.position)
    )
    return list(result.scalars().all())


async def membership(session: AsyncSession, branch_id: int, member_id: int) -> Membership | None:
    """The member's row on the branch's roster, if any."""
    result = await session.execute(
        select(Membership).where(Membership.branch_id == branch_id, Membership.member_id == member_id)
    )
    return result.scalar_one_or_none()


async def by_telegram_id(session: AsyncSession, telegram_user_id: int) -> Member | None:
    """The member with this Telegram user id, if known."""
    result = await session.execute(select(Member).where(Member.telegram_user_id == telegram_user_id))
    return result.scalar_one_or_none()


async def by_username(session: AsyncSession, username: str) -> Member | None:
    """The member known by this @username (case-insensitive), preferring one not yet tied to an id."""
    result = await session.execute(
        select(Member)
        .where(func.lower(Member.username) == username.lower())
        .order_by(Member.telegram_user_id.is_not(None), Member.id)
    )
    return result.scalars().first()


async def upsert_person(session: AsyncSession, person: Person) -> Member:
    """The member for this Telegram user, created or refreshed; a roster entry known only by @username is
    tied to the user id the first time that user appears."""
    member = await by_telegram_id(session, person.telegram_user_id)
    if member is None and person.username:
        candidate = await by_username(session, person.username)
        if candidate is not None and candidate.telegram_user_id is None:
            member = candidate
            member.telegram_user_id = person.telegram_user_id
    if member is None:
        member = Member(telegram_user_id=person.telegram_user_id, username=person.username, full_name=person.full_name)
        try:
            async with session.begin_nested():
                session.add(member)
        except IntegrityError:
            # Another update for the same user created it first (concurrent updates): use that one.
            existing = await by_telegram_id(session, person.telegram_user_id)
            assert existing is not None
            member = existing
    if member.username != person.username and person.username is not None:
        member.username = person.username
    if person.full_name and member.full_name != person.full_name:
        member.full_name = person.full_name[:128]
    return member


async def upsert_handle(
    session: AsyncSession, *, name: str, telegram_user_id: int | None, username: str | None
) -> tuple[Member, bool]:
    """The member for a roster line (by id or @username), and whether it was created."""
    member = None
    if telegram_user_id is not None:
        member = await by_telegram_id(session, telegram_user_id)
    elif username is not None:
        member = await by_username(session, username)
    if member is not None:
        return member, False
    member = Member(telegram_user_id=telegram_user_id, username=username, full_name=name[:128])
    session.add(member)
    await session.flush()
    return member, True
