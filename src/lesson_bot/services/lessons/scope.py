"""Which lessons a branch sees: the library's, and its own imported ones (branch_lessons), never another branch's."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_
from sqlalchemy.orm import aliased

from lesson_bot.db.models import BranchLesson, Lesson


def visible_to(branch_id: int) -> ColumnElement[bool]:
    """A condition on Lesson: the library's lessons and `branch_id`'s own (written quiz or not)."""
    own = aliased(BranchLesson)  # its own FROM: the outer query may join branch_lessons too
    return ~exists().where(own.lesson_id == Lesson.id, own.branch_id != branch_id)


def deliverable_to(branch_id: int) -> ColumnElement[bool]:
    """A condition on Lesson: what `branch_id` may schedule and receive: the library's lessons and its own whose
    quiz is written (a draft's placeholder quiz never reaches members)."""
    own = aliased(BranchLesson)
    return ~exists().where(own.lesson_id == Lesson.id, or_(own.branch_id != branch_id, own.quiz_ready.is_(False)))
