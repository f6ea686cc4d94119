"""The lessons a branch may pick in the scheduling wizards, and what a plan names, checked against that branch."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import BranchLesson, Lesson, LessonVersion
from lesson_bot.services.errors import InvalidInput, NotFound, ServiceError
from lesson_bot.services.lessons.scope import deliverable_to, visible_to
from lesson_bot.services.schedules.views import LessonPlan


async def catalog_rows(s: AsyncSession, branch_id: int) -> Sequence[Row[Lesson, str, bool]]:
    """Every active lesson the branch sees, by series and position: the lesson, its summary, and for the branch's
    own lessons whether their quiz is written (None for the library's: an outer join, whatever the row's type says)."""
    return (await s.execute(
        select(Lesson, LessonVersion.summary, BranchLesson.quiz_ready)
        .outerjoin(LessonVersion, LessonVersion.id == Lesson.current_version_id)
        .outerjoin(BranchLesson, BranchLesson.lesson_id == Lesson.id)
        .where(Lesson.active.is_(True), visible_to(branch_id)).order_by(Lesson.series, Lesson.position)
    )).all()


async def resolve_plan(s: AsyncSession, plan: LessonPlan, branch_id: int) -> tuple[int | None, str]:
    """The lesson (or None for a series) and the name of what `plan` schedules for the branch; an imported lesson
    whose quiz is not written yet is refused."""
    if plan.lesson_slug:
        found = (await s.execute(
            select(Lesson, BranchLesson.quiz_ready).outerjoin(BranchLesson, BranchLesson.lesson_id == Lesson.id)
            .where(Lesson.slug == plan.lesson_slug, Lesson.active.is_(True), visible_to(branch_id)))).first()
        if found is None:
            raise NotFound("lesson", plan.lesson_slug)
        lesson, ready = found
        if ready is False:
            raise InvalidInput("lesson", "quiz_unwritten", value=lesson.title)
        return lesson.id, lesson.title
    if plan.series:
        found_id = (await s.execute(
            select(Lesson.id).where(Lesson.series == plan.series, Lesson.active.is_(True), deliverable_to(branch_id))
            .limit(1))).scalar_one_or_none()
        if found_id is None:
            raise await series_refusal(s, plan.series, branch_id)
        return None, plan.series
    raise InvalidInput("lesson", "missing")


async def series_refusal(s: AsyncSession, series: str, branch_id: int) -> ServiceError:
    """Why a series has nothing the branch may schedule: its lessons are the branch's own imported ones whose quiz
    is not written yet (say which, and /quiz), or there is no such series."""
    unwritten = (await s.execute(
        select(Lesson.title).join(BranchLesson, BranchLesson.lesson_id == Lesson.id)
        .where(Lesson.series == series, Lesson.active.is_(True), BranchLesson.branch_id == branch_id,
               BranchLesson.quiz_ready.is_(False)).order_by(Lesson.position).limit(1))).scalar_one_or_none()
    if unwritten is not None:
        return InvalidInput("lesson", "quiz_unwritten", value=unwritten)
    return NotFound("series", series)
