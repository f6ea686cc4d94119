"""Scheduling a lesson: typed in the branch's zone, previewed in local time, created, cancelled; bad input named."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lesson_bot.db.models import OutboxMessage
from lesson_bot.delivery.planner import Planner
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.services.errors import InvalidInput, NotFound
from lesson_bot.services.library import LibraryService
from lesson_bot.services.schedules import LessonPlan
from lesson_bot.services.views import Person
from tests.conftest import REPO_ROOT
from tests.services.conftest import Services

SEC = Person(101, "李书记", "li")


async def _branch(services: Services) -> int:
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    branch = await services.branches.register(SEC, -100, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    return branch.id


async def test_a_weekly_slot_previews_in_local_time(services: Services) -> None:
    """'每周一 20:00' previews the next Mondays at 20:00 Beijing time (the clock stands at Tue 2026-12-01 10:00)."""
    branch_id = await _branch(services)
    shown = await services.schedules.preview(SEC.telegram_user_id, branch_id, "每周一 20:00")
    assert [d.strftime("%m-%d %H:%M %a") for d in shown.next[:2]] == ["12-07 20:00 Mon", "12-14 20:00 Mon"]
    assert all(d.utcoffset() is not None and d.utcoffset().total_seconds() == 8 * 3600 for d in shown.next)
    assert "20:00" in shown.description


async def test_a_series_scheduled_is_planned_and_cancelling_stops_what_is_queued(services: Services) -> None:
    """A one-off lesson tomorrow evening: the planner queues it when due; cancelling withdraws its queued parts."""
    branch_id = await _branch(services)
    view = await services.schedules.create(
        SEC.telegram_user_id, branch_id, LessonPlan(lesson_slug="red-zunyi-conference"), "明天 20:00"
    )
    assert view.what == "遵义会议：生死攸关的转折点"
    assert view.next[0].strftime("%Y-%m-%d %H:%M") == "2026-12-02 20:00"
    services.clock.set(view.next[0].astimezone(services.clock.now().tzinfo))
    report = await Planner(services.db, services.clock).tick()
    assert report.rows == 4
    assert await services.schedules.cancel(SEC.telegram_user_id, view.id) == 4
    async with services.db.transaction() as s:
        statuses = set((await s.execute(select(OutboxMessage.status))).scalars().all())
    assert statuses == {OutboxStatus.CANCELLED}


@pytest.mark.parametrize(
    ("when", "problem"), [("2026-11-30 19:30", "in_the_past"), ("whenever", None), ("每周八 20:00", None)]
)
async def test_bad_times_are_refused_naming_the_field(services: Services, when: str, problem: str | None) -> None:
    """A time in the past or text that is not a time is refused on the 'when' field, and nothing is scheduled."""
    branch_id = await _branch(services)
    with pytest.raises(InvalidInput) as info:
        await services.schedules.create(SEC.telegram_user_id, branch_id, LessonPlan(series="红色足迹"), when)
    assert info.value.field.startswith("when")
    if problem:
        assert info.value.problem == problem


async def test_an_unknown_lesson_is_not_found(services: Services) -> None:
    """Scheduling a lesson id that is not in the library says so."""
    branch_id = await _branch(services)
    with pytest.raises(NotFound):
        await services.schedules.create(
            SEC.telegram_user_id, branch_id, LessonPlan(lesson_slug="no-such-lesson"), "每周一 20:00"
        )
