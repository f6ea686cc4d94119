"""Branch lessons (kept from /import): their branch alone lists, schedules and receives them, and only once their
quiz is written; the quiz is checked as `content check` checks a file; another branch's secretary may not touch it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from lesson_bot.content.compose import LessonFields, lesson_text
from lesson_bot.db.models import Lesson, LessonVersion, OutboxMessage, Schedule
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import InvalidInput, NotFound, Refused
from lesson_bot.services.lessons.imports import BranchLessonView, ImportService
from lesson_bot.services.lessons.quiz_input import read_correct, read_explanation, read_options
from lesson_bot.services.meetings.views import lesson_options
from lesson_bot.services.schedules.plans import LessonPlan
from lesson_bot.services.views import Person
from tests.support.services import Services

SEC_A, SEC_B = Person(101, "李书记", "li"), Person(102, "王书记", "wang")
SERIES = "本支部专题"
PLACEHOLDER_QUIZ = ({"question": "【待填写】问题", "options": ["【待填写】甲", "【待填写】乙"], "correct": 0,
                     "explanation": "【待填写】说明"},)
QUIZ = [{"question": "支部每月开展几次主题党日？", "options": ["一次", "两次", "三次"], "correct": 0,
         "explanation": "每月固定开展一次主题党日。"}]


def _draft(slug: str, title: str) -> str:
    return lesson_text(LessonFields(slug, title, SERIES, 1, "zh-Hans", 1, "摘要。", f"《{title}》（2024年）",
                                    f"{title}的正文。", quiz=PLACEHOLDER_QUIZ))


async def _setup(services: Services) -> tuple[ImportService, int, int, dict[str, BranchLessonView]]:
    """Branch A keeps two lessons (the second gets its quiz), branch B one, all in the same series."""
    imports = ImportService(services.db, services.clock, services.access)
    a = await services.branches.register(SEC_A, -100, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    b = await services.branches.register(SEC_B, -200, "二支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    kept = {
        "a1": await imports.keep(SEC_A.telegram_user_id, a.id, _draft("import-0000000a", "甲课"), "text"),
        "a2": await imports.keep(SEC_A.telegram_user_id, a.id, _draft("import-0000000b", "乙课"), "text"),
        "b1": await imports.keep(SEC_B.telegram_user_id, b.id, _draft("import-0000000a", "丙课"), "text"),
    }
    kept["a2"] = await imports.write_quiz(SEC_A.telegram_user_id, kept["a2"].lesson_id, QUIZ)
    return imports, a.id, b.id, kept


async def test_a_branch_sees_its_own_lessons_and_schedules_only_written_ones(services: Services) -> None:
    """Each branch's catalog lists its own lessons only (marked when the quiz is unwritten); the series it plans and
    the planner delivers holds only its written lessons; another branch's lesson is not found at all."""
    _imports, a, b, kept = await _setup(services)
    assert (kept["a1"].quiz_ready, kept["a2"].quiz_ready, kept["a2"].questions) == (False, True, 1)
    catalog = await services.schedules.catalog(SEC_A.telegram_user_id, a)
    [series] = [s for s in catalog.series if s.name == SERIES]
    assert [(c.title, c.position, c.own, c.quiz_unwritten) for c in series.lessons] == [
        ("甲课", 1, True, True), ("乙课", 2, True, False)]
    other = await services.schedules.catalog(SEC_B.telegram_user_id, b)
    assert [c.title for s in other.series if s.name == SERIES for c in s.lessons] == ["丙课"]
    # Branch B's series holds only its unwritten lesson: planning it names that lesson (and so /quiz), whether
    # previewed or created, instead of saying there is no such series.
    for plan_it in (services.schedules.preview_plan(SEC_B.telegram_user_id, b, SERIES, "每周一 20:00"),
                    services.schedules.create(SEC_B.telegram_user_id, b, LessonPlan(series=SERIES), "每周一 20:00")):
        with pytest.raises(InvalidInput) as series_unwritten:
            await plan_it
        assert (series_unwritten.value.field, series_unwritten.value.problem) == ("lesson", "quiz_unwritten")
        assert series_unwritten.value.params["value"] == "丙课"

    async with services.db.transaction() as s:  # what /meeting offers as the meeting's lesson
        offered = [o.title for o in await lesson_options(s, a, "zh-Hans") if o.series == SERIES]
    assert offered == ["乙课"]
    plan = await services.schedules.preview_plan(SEC_A.telegram_user_id, a, SERIES, "每周一 20:00")
    assert [p.title for p in plan.lessons] == ["乙课"]
    with pytest.raises(InvalidInput) as unwritten:
        await services.schedules.create(SEC_A.telegram_user_id, a, LessonPlan(lesson_slug=f"b{a}.import-0000000a"),
                                        "明天 20:00")
    assert (unwritten.value.field, unwritten.value.problem) == ("lesson", "quiz_unwritten")
    with pytest.raises(NotFound):
        await services.schedules.create(SEC_A.telegram_user_id, a, LessonPlan(lesson_slug=f"b{b}.import-0000000a"),
                                        "明天 20:00")

    view = await services.schedules.create(SEC_A.telegram_user_id, a, LessonPlan(series=SERIES), "每周三 20:00")
    services.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # Wednesday 20:00 in Shanghai
    report = await Planner(services.db, services.clock, PlannerConfig(), Translator()).tick()
    async with services.db.transaction() as s:
        schedule = await s.get(Schedule, view.id)
        sent = (await s.execute(select(OutboxMessage.payload).where(OutboxMessage.chat_id == -100))).scalars().all()
    assert schedule is not None and schedule.kind is ScheduleKind.LESSON and schedule.status is ScheduleStatus.ACTIVE
    assert schedule.recurrence is RecurrenceType.WEEKLY and report.planned == 1
    texts = [str(p) for p in sent]
    assert any("乙课" in t for t in texts) and not any("甲课" in t or "丙课" in t for t in texts)


async def test_the_quiz_is_written_by_its_branch_only_and_checked_like_a_file(services: Services) -> None:
    """Another branch's secretary is refused; a quiz with a repeated option or still the draft's placeholder is
    refused; a good quiz is a new version of the lesson, the draft's version kept for the deliveries that used it."""
    imports, _a, _b, kept = await _setup(services)
    with pytest.raises(Refused):
        await imports.write_quiz(SEC_B.telegram_user_id, kept["a1"].lesson_id, QUIZ)
    bad: list[dict[str, Any]] = [{**QUIZ[0], "options": ["一次", "一次"]}]
    with pytest.raises(InvalidInput) as refused:
        await imports.write_quiz(SEC_A.telegram_user_id, kept["a1"].lesson_id, bad)
    assert refused.value.problem == "invalid" and "repeats option 1" in str(refused.value.params["detail"])
    with pytest.raises(InvalidInput) as placeholder:
        await imports.write_quiz(SEC_A.telegram_user_id, kept["a1"].lesson_id, list(PLACEHOLDER_QUIZ))
    assert placeholder.value.problem == "placeholder"
    done = await imports.write_quiz(SEC_A.telegram_user_id, kept["a1"].lesson_id, QUIZ)
    assert (done.quiz_ready, done.questions) == (True, 1)
    async with services.db.transaction() as s:
        lesson = await s.get(Lesson, kept["a1"].lesson_id)
        versions = (await s.execute(select(LessonVersion.id, LessonVersion.quiz)
                                    .where(LessonVersion.lesson_id == kept["a1"].lesson_id)
                                    .order_by(LessonVersion.id))).all()
    assert lesson is not None and len(versions) == 2 and lesson.current_version_id == versions[1].id
    assert versions[1].quiz == QUIZ and versions[0].quiz == list(PLACEHOLDER_QUIZ)


def test_typed_quiz_answers_are_held_to_the_content_rules() -> None:
    """List marks are dropped from options; a repeated option, a far longer correct option and an explanation that
    gives away another question's answer are refused, each naming its problem."""
    assert read_options("A. 一次\n（2）两次\n- 三次\n") == ("一次", "两次", "三次")
    with pytest.raises(InvalidInput) as repeated:
        read_options("一次\n一次")
    assert repeated.value.problem == "repeated"
    with pytest.raises(InvalidInput) as longest:
        read_correct("1", ["坚持全心全意为人民服务的根本宗旨", "一次", "两次"])
    assert longest.value.problem == "longest"
    assert read_correct("B", ["一次", "两次", "三次"]) == 1
    with pytest.raises(InvalidInput) as leak:
        read_explanation("每月一次，不是两次。", {"options": ["三次", "四次"], "correct": 0}, QUIZ)
    assert leak.value.problem == "gives_away"
