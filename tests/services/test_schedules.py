"""Scheduling a lesson: typed in the branch's zone, previewed in local time, created, cancelled; bad input named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lesson_bot.db.models import OutboxMessage
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import OutboxStatus
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import InvalidInput, NotFound, Refused
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.schedules.plans import LessonPlan
from lesson_bot.services.schedules.views import time_presets
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.services import Services

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
    assert all((offset := d.utcoffset()) is not None and offset.total_seconds() == 8 * 3600 for d in shown.next)
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
    report = await Planner(services.db, services.clock, PlannerConfig(), Translator()).tick()
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


MEMBER = Person(102, "赵党员", "zhao")


async def test_a_series_preview_names_each_lesson_from_the_start_date(services: Services) -> None:
    """A series every Wednesday 19:30 from 12-14: lesson k falls on the k-th Wednesday from then, in local time."""
    branch_id = await _branch(services)
    shown = await services.schedules.preview_plan(SEC.telegram_user_id, branch_id, "红色足迹", "每周三 19:30",
                                                  starts_on=date(2026, 12, 14))
    assert [(f"{p.local:%m-%d %H:%M}", p.title[:4]) for p in shown.lessons] == [
        ("12-16 19:30", "中共一大"), ("12-23 19:30", "南昌起义"), ("12-30 19:30", "古田会议"),
        ("01-06 19:30", "遵义会议"), ("01-13 19:30", "长征：理")]
    with pytest.raises(InvalidInput) as info:
        await services.schedules.preview_plan(SEC.telegram_user_id, branch_id, "红色足迹", "明天 20:00")
    assert (info.value.field, info.value.problem) == ("when", "not_repeating")
    with pytest.raises(NotFound):
        await services.schedules.preview_plan(SEC.telegram_user_id, branch_id, "没有的系列", "每周三 19:30")


async def test_a_typed_start_date_is_read_in_the_branch_calendar(services: Services) -> None:
    """'下周一' is next week's Monday in Beijing; a past date and a non-date are refused on the 'start' field."""
    branch_id = await _branch(services)
    assert await services.schedules.read_start(SEC.telegram_user_id, branch_id, "下周一") == date(2026, 12, 7)
    assert await services.schedules.read_start(SEC.telegram_user_id, branch_id, "2026-12-01") == date(2026, 12, 1)
    for text, problem in [("2026-11-30", "in_the_past"), ("每周一", "not_a_date"), ("明天 20:00", "not_a_date")]:
        with pytest.raises(InvalidInput) as info:
            await services.schedules.read_start(SEC.telegram_user_id, branch_id, text)
        assert (info.value.field, info.value.problem) == ("start", problem)


async def test_the_catalog_marks_what_the_branch_has_scheduled_and_had_delivered(services: Services) -> None:
    """After a one-off lesson is delivered and a series is planned, the catalog marks them for this branch."""
    branch_id = await _branch(services)
    view = await services.schedules.create(SEC.telegram_user_id, branch_id,
                                           LessonPlan(lesson_slug="discipline-eight-rules"), "明天 20:00")
    await services.schedules.create(SEC.telegram_user_id, branch_id, LessonPlan(series="红色足迹"), "每周五 20:00")
    services.clock.set(view.next[0].astimezone(UTC))
    await Planner(services.db, services.clock, PlannerConfig(), Translator()).tick()
    catalog = await services.schedules.catalog(SEC.telegram_user_id, branch_id)
    assert catalog.series[-1].name == "Getting started"  # the branch's language first
    marks = {lesson.slug: (lesson.scheduled, lesson.delivered) for s in catalog.series for lesson in s.lessons}
    assert marks["discipline-eight-rules"] == (False, True)
    assert marks["red-zunyi-conference"] == (True, False)
    assert marks["org-life-party-dues"] == (False, False)


async def test_upcoming_merges_schedules_in_local_time(services: Services) -> None:
    """The next deliveries across a one-off and a series, in order, titled; a past one-off is not listed."""
    branch_id = await _branch(services)
    once = await services.schedules.create(SEC.telegram_user_id, branch_id,
                                           LessonPlan(lesson_slug="red-long-march"), "今晚 20:00")
    series = await services.schedules.create(SEC.telegram_user_id, branch_id, LessonPlan(series="纪律与作风"),
                                             "每周一 20:00")
    view = await services.schedules.upcoming(SEC.telegram_user_id, branch_id, limit=3)
    assert [(f"{u.local:%m-%d %H:%M}", u.schedule_id) for u in view.lessons] == [
        ("12-01 20:00", once.id), ("12-07 20:00", series.id), ("12-14 20:00", series.id)]
    assert [u.title for u in view.lessons][1:] == ["中央八项规定", "党的六项纪律"]
    assert [(line.id, line.recurring) for line in view.schedules] == [(once.id, False), (series.id, True)]
    services.clock.set(datetime(2026, 12, 1, 13, 0, tzinfo=UTC))  # 21:00 in Beijing: tonight's is past
    later = await services.schedules.upcoming(SEC.telegram_user_id, branch_id, limit=10)
    assert [line.id for line in later.schedules] == [series.id]
    assert len(later.lessons) == 6  # the series has six lessons, then it is done


@pytest.mark.parametrize("who", [MEMBER, Person(103, "陌生人")])
async def test_only_the_branch_secretary_may_see_or_plan_schedules(services: Services, who: Person) -> None:
    """A member of the branch and a stranger are refused every scheduling use case."""
    branch_id = await _branch(services)
    await services.roster.join(-100, MEMBER)
    uid, schedules = who.telegram_user_id, services.schedules
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: schedules.catalog(uid, branch_id),
        lambda: schedules.upcoming(uid, branch_id),
        lambda: schedules.time_presets(uid, branch_id),
        lambda: schedules.read_start(uid, branch_id, "2026-12-14"),
        lambda: schedules.preview_plan(uid, branch_id, "红色足迹", "每周一 20:00"),
        lambda: schedules.create(uid, branch_id, LessonPlan(series="红色足迹"), "每周一 20:00"),
    ]
    for call in calls:
        with pytest.raises(Refused):
            await call()


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # Tuesday morning: tonight, tomorrow, this Saturday, weekly.
        (datetime(2026, 12, 1, 10, 0), ["12-01 20:00", "12-02 20:00", "12-05 09:00", "weekly"]),
        # Tuesday 20:00: tonight is gone.
        (datetime(2026, 12, 1, 20, 0), ["12-02 20:00", "12-05 09:00", "weekly"]),
        # Saturday 09:30: this Saturday's morning is gone, so next Saturday.
        (datetime(2026, 12, 5, 9, 30), ["12-05 20:00", "12-06 20:00", "12-12 09:00", "weekly"]),
    ],
)
def test_time_presets_are_never_in_the_past(local: datetime, expected: list[str]) -> None:
    """The preset buttons follow the branch's local clock."""
    presets = time_presets(local.replace(tzinfo=ZoneInfo("Asia/Shanghai")))
    assert [f"{p.local:%m-%d %H:%M}" if p.local else p.code for p in presets] == expected
