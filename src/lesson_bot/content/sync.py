"""Synchronise loaded lessons into the database: upsert by stable id, one version per new content hash.

Nothing is ever deleted: a version stays for as long as deliveries point at it, and a lesson whose file
disappeared is only marked inactive.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.content.loader import content_dir_for
from lesson_bot.content.model import LessonDoc
from lesson_bot.db.models import BranchLesson, Lesson, LessonVersion

SOURCE_PATH_MAX = 255


@dataclass
class SyncReport:
    """Lesson ids by what the sync did to them."""

    added: list[str] = field(default_factory=list)
    """New lessons (with their first version)."""
    changed: list[str] = field(default_factory=list)
    """Known lessons whose content is new: a version was added."""
    restored: list[str] = field(default_factory=list)
    """Known lessons whose content went back to an earlier version: that version is current again."""
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)

    @property
    def versions_added(self) -> int:
        """How many lesson_versions rows this sync wrote."""
        return len(self.added) + len(self.changed)

    def summary(self) -> str:
        """One line for the operator."""
        parts = [
            f"{len(self.added)} new",
            f"{len(self.changed)} changed",
            f"{len(self.restored)} restored",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.deactivated)} deactivated",
            f"{len(self.reactivated)} reactivated",
        ]
        return ", ".join(parts)


def _source_path(lesson: LessonDoc) -> str:
    """The file's path inside its content folder (e.g. lessons/x.md), whatever the working directory."""
    absolute = lesson.path.absolute()
    try:
        relative = absolute.relative_to(content_dir_for(absolute)).as_posix()
    except ValueError:
        relative = absolute.as_posix()
    return relative[-SOURCE_PATH_MAX:]


def lesson_version(lesson: LessonDoc, lesson_row_id: int, source_path: str | None = None) -> LessonVersion:
    """A new version row of `lesson` (its file's path inside the content folder, unless `source_path` says)."""
    media: list[dict[str, Any]] = [
        {"file": m.file, "caption": m.caption, "kind": m.kind, "sha256": m.sha256} for m in lesson.media
    ]
    quiz: list[dict[str, Any]] = [
        {"question": q.question, "options": list(q.options), "correct": q.correct_index, "explanation": q.explanation}
        for q in lesson.quiz
    ]
    return LessonVersion(
        lesson_id=lesson_row_id,
        content_hash=lesson.content_hash,
        title=lesson.title,
        series=lesson.series,
        position=lesson.position,
        language=lesson.language,
        minutes=lesson.minutes,
        summary=lesson.summary,
        tags=list(lesson.tags),
        source=lesson.source,
        body_md=lesson.body_md,
        media=media,
        quiz=quiz,
        source_path=source_path or _source_path(lesson),
    )


async def _add_version(session: AsyncSession, row: Lesson, lesson: LessonDoc) -> None:
    version = lesson_version(lesson, row.id)
    session.add(version)
    await session.flush()
    row.current_version_id = version.id


def _describe(row: Lesson, lesson: LessonDoc) -> None:
    """Keep the lesson row's listing fields in step with the file."""
    row.title = lesson.title
    row.series = lesson.series
    row.position = lesson.position
    row.language = lesson.language


async def sync_library(
    session: AsyncSession,
    lessons: Sequence[LessonDoc],
    *,
    keep: Collection[str] = (),
    deactivate_missing: bool = True,
) -> SyncReport:
    """Upsert `lessons` by id, adding a version per new content hash; mark absent lessons inactive.

    `keep` names lessons whose file still exists but failed its checks: they stay active as they were.
    Pass `deactivate_missing=False` when `lessons` is only part of the library.
    """
    report = SyncReport()
    # Branch lessons (imported in Telegram) are their branch's: the library never updates nor deactivates them.
    library = select(Lesson).where(~exists().where(BranchLesson.lesson_id == Lesson.id))
    rows = {row.slug: row for row in (await session.scalars(library)).all()}
    for lesson in lessons:
        row = rows.get(lesson.id)
        if row is None:
            row = Lesson(slug=lesson.id, active=True)
            _describe(row, lesson)
            session.add(row)
            await session.flush()
            await _add_version(session, row, lesson)
            rows[lesson.id] = row
            report.added.append(lesson.id)
            continue
        _describe(row, lesson)
        known = await session.scalar(
            select(LessonVersion).where(
                LessonVersion.lesson_id == row.id, LessonVersion.content_hash == lesson.content_hash
            )
        )
        if known is None:
            await _add_version(session, row, lesson)
            report.changed.append(lesson.id)
        elif row.current_version_id != known.id:
            row.current_version_id = known.id
            report.restored.append(lesson.id)
        else:
            report.unchanged.append(lesson.id)
        if not row.active:
            row.active = True
            report.reactivated.append(lesson.id)
    if deactivate_missing:
        present = {lesson.id for lesson in lessons} | set(keep)
        for slug, row in sorted(rows.items()):
            if slug not in present and row.active:
                row.active = False
                report.deactivated.append(slug)
    await session.flush()
    return report
