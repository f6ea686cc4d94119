"""Telling a branch's secretaries that a scheduled delivery was missed (it is never sent late)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Member, Membership
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import MembershipStatus, Role
from lesson_bot.domain.messages import Text
from lesson_bot.i18n import Translator


async def secretaries_reachable(session: AsyncSession, branch_id: int) -> list[int]:
    """Telegram ids of the branch's secretaries who started the bot in private and did not block it."""
    ids = (await session.execute(
        select(Member.telegram_user_id).join(Membership, Membership.member_id == Member.id).where(
            Membership.branch_id == branch_id, Membership.role == Role.SECRETARY,
            Membership.status == MembershipStatus.ACTIVE, Member.started_bot_at.is_not(None),
            Member.blocked_bot_at.is_(None), Member.telegram_user_id.is_not(None),
        )
    )).scalars().all()
    return [user_id for user_id in ids if user_id is not None]


async def missed(session: AsyncSession, translator: Translator, branch_id: int, schedule_id: int,
                 due_at: datetime, now: datetime) -> int:
    """Queue a private notice to each reachable secretary; the number queued (planning it twice adds none)."""
    branch = await session.get(Branch, branch_id)
    if branch is None:
        return 0
    t = translator.lang(branch.locale)
    when = due_at.astimezone(ZoneInfo(branch.timezone)).strftime("%Y-%m-%d %H:%M")
    text = t._("⚠️ The delivery planned for {when} in “{title}” was not sent: the service was down past its grace "
               "window, so it was recorded as missed rather than sent late. See /deliveries, and schedule it again "
               "if it is still needed.", when=when, title=branch.title)
    items = [
        OutboxItem(f"missed:{schedule_id}:{due_at.isoformat()}:{user}", user, "notice",
                   Text(text, html=False), now, f"notice:{user}",
                   branch_id=branch_id)
        for user in await secretaries_reachable(session, branch_id)
    ]
    return await outbox.enqueue(session, items)


async def tick_missed(db: Database, translator: Translator, missed_ones: Sequence[tuple[int, int, datetime]],
                      now: datetime) -> int:
    """The planner's missed occurrences (branch, schedule, due), each told in its own transaction; rows queued."""
    rows = 0
    for branch_id, schedule_id, due_at in missed_ones:
        async with db.transaction() as s:
            rows += await missed(s, translator, branch_id, schedule_id, due_at, now)
    return rows
