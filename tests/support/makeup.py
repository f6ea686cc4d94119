"""补学 fixtures: a branch with the library loaded, lessons delivered to its group, check-ins and answers written
as the participation recorder writes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Lesson, LessonDelivery, ParticipationEvent
from lesson_bot.domain.enums import ParticipationKind, ParticipationMode
from lesson_bot.services import lookup
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.progress import SEC
from tests.support.services import Services

GROUP = -100555


async def setup_branch(services: Services) -> int:
    """The lesson library loaded and a branch registered by its secretary (clock: 2026-12-01 10:00 Beijing)."""
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    return branch.id


async def deliver_to_group(services: Services, branch_id: int, slug: str, at: datetime) -> int:
    """A lesson delivered to the branch's group at `at`, as the planner and the dispatcher record it."""
    async with services.db.transaction() as s:
        branch = await s.get(Branch, branch_id)
        assert branch is not None
        lesson = (await s.execute(select(Lesson).where(Lesson.slug == slug))).scalar_one()
        delivery = LessonDelivery(branch_id=branch_id, lesson_version_id=lesson.current_version_id,
                                  mode=ParticipationMode.ON_TIME, chat_id=branch.chat_id, message_id=1, delivered_at=at)
        s.add(delivery)
        await s.flush()
        return delivery.id


async def session_member_id(s: AsyncSession, person: Person) -> int:
    member = await lookup.by_telegram_id(s, person.telegram_user_id)
    assert member is not None
    return member.id


async def participation_event(services: Services, person: Person, delivery_id: int, kind: ParticipationKind, key: str,
                 at: datetime, **fields: object) -> None:
    async with services.db.transaction() as s:
        delivery = await s.get(LessonDelivery, delivery_id)
        assert delivery is not None
        s.add(ParticipationEvent(dedupe_key=key, kind=kind, mode=delivery.mode, occurred_at=at, recorded_at=at,
                                 branch_id=delivery.branch_id, member_id=await session_member_id(s, person),
                                 lesson_version_id=delivery.lesson_version_id, delivery_id=delivery_id,
                                 detail={}, **fields))


async def checked_in(services: Services, person: Person, delivery_id: int, at: datetime) -> None:
    """The member tapped the delivery's check-in button (as the participation recorder writes it)."""
    await participation_event(services, person, delivery_id, ParticipationKind.LESSON_CHECKIN,
                 f"checkin:{delivery_id}:{person.telegram_user_id}", at)


async def answered(services: Services, person: Person, delivery_id: int, question: int, *, right: bool,
                   at: datetime) -> None:
    """The member answered a quiz question of the delivery (first answer per poll)."""
    await participation_event(services, person, delivery_id, ParticipationKind.QUIZ_ANSWER,
                 f"quiz:{delivery_id}:{question}:{person.telegram_user_id}:{at.isoformat()}", at,
                 question_index=question, option_index=0, correct=right)
