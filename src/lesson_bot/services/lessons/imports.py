"""/import: an article (a link, a file, or its text) becomes a lesson draft; kept, it is the branch's own lesson,
seen and scheduled by that branch only, once its quiz is written (docs/importing.md, "In Telegram").

A kept lesson is stored like the library's: a lessons row and a version per content, so deliveries, check-ins and
quizzes work unchanged; its branch_lessons row says whose it is and whether its quiz is written.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.config import Settings
from lesson_bot.content.compose import LessonFields, lesson_text
from lesson_bot.content.importer.errors import ImportFailure
from lesson_bot.content.importer.fetch import FetchLimits, fetch
from lesson_bot.content.model import LessonDoc
from lesson_bot.content.parser import parse_lesson
from lesson_bot.content.review_data import PLACEHOLDERS
from lesson_bot.content.sync import lesson_version
from lesson_bot.db.models import Branch, BranchLesson, Lesson, LessonVersion
from lesson_bot.db.uow import Database
from lesson_bot.domain.messages import Part, Poll
from lesson_bot.domain.permissions import Action, Actor
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from lesson_bot.services.lessons.scope import visible_to
from lesson_bot.services.messages.lessons import lesson_parts

if TYPE_CHECKING:
    from lesson_bot.content.importer.pipeline import Draft

DOCUMENT_MAX_BYTES = 2_000_000  # an article's HTML page or text file; far more is not an article
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
TEXT_SUFFIXES = (".txt", ".text", ".md")
POSITION_MAX = 999
# A secretary's link is fetched by the server: public addresses only, unless the operator allows an intranet.
TELEGRAM_LIMITS = FetchLimits(connect_timeout=10.0, read_timeout=10.0, total_timeout=30.0, public_only=True)


def import_limits(settings: Settings) -> FetchLimits:
    """What /import may fetch under these settings (LESSON_BOT_IMPORT_PRIVATE_HOSTS)."""
    return replace(TELEGRAM_LIMITS, public_only=not settings.import_private_hosts)
_ID_LINE = re.compile(r"^id: *([a-z0-9][a-z0-9-]{2,63}) *$", re.MULTILINE)  # the file name a lesson's id must match


class ImportFailed(ServiceError):
    """The article could not be made into a draft; `reason` and `params` say why (content.importer.errors)."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Article:
    """What the secretary gave: a link, a file's bytes and name, or the article's text."""

    url: str = ""
    data: bytes | None = None
    file_name: str = ""
    text: str = ""

    @property
    def source(self) -> str:
        """What the lesson records it came from."""
        return self.url or self.file_name or "text"


@dataclass(frozen=True)
class DraftPreview:
    """A draft: the lesson file, and its messages as members would see them (the quiz comes once it is kept)."""

    branch_id: int
    branch_title: str
    lesson_id: str
    title: str
    text: str
    source: str
    parts: tuple[Part, ...]
    minutes: int
    flagged: int  # runs of damaged characters flagged in the text: the secretary should retype them


@dataclass(frozen=True)
class BranchLessonView:
    """A branch lesson: its row id, title, branch, and whether its quiz is written (then it may be scheduled)."""

    lesson_id: int
    title: str
    branch_id: int
    branch_title: str
    language: str
    quiz_ready: bool
    questions: int


def _parsed(text: str, lesson_id: str) -> LessonDoc:
    result = parse_lesson(text, Path(f"{lesson_id}.md"), Path("."))
    if result.lesson is None:
        first = result.problems[0] if result.problems else None
        raise ImportFailed("invalid", problem=first.message if first else "", line=first.line if first else 0)
    return result.lesson


def _has_placeholder(quiz: Sequence[Mapping[str, Any]]) -> bool:
    texts = [str(text) for q in quiz for text in (q["question"], q["explanation"], *q["options"])]
    return not quiz or any(mark in text for mark in PLACEHOLDERS for text in texts)


def _fields(doc: LessonDoc) -> LessonFields:
    quiz = tuple({"question": q.question, "options": list(q.options), "correct": q.correct_index,
                  "explanation": q.explanation} for q in doc.quiz)
    return LessonFields(doc.id, doc.title, doc.series, doc.position, doc.language, doc.minutes, doc.summary,
                        doc.source, doc.body_md, doc.tags, quiz)


def _version_fields(slug: str, version: LessonVersion) -> LessonFields:
    return LessonFields(slug, version.title, version.series, version.position, version.language, version.minutes,
                        version.summary, version.source, version.body_md, tuple(version.tags), tuple(version.quiz))


async def _draft(article: Article, limits: FetchLimits) -> Draft:
    """The importer's draft of `article`; its extraction runs in a thread, away from the bot's event loop."""
    # trafilatura and lxml: imported by the first /import, not at start-up.
    from lesson_bot.content.importer.pipeline import ImportOptions, import_bytes, import_text

    options = ImportOptions(limits=limits)
    if article.url:
        page = await fetch(article.url, limits)
        return await asyncio.to_thread(import_bytes, page.data, html=page.is_html, charset=page.charset,
                                       url=page.url, options=options)
    if article.data is not None:
        suffix = PurePosixPath(article.file_name.lower()).suffix
        if suffix not in HTML_SUFFIXES + TEXT_SUFFIXES:
            raise ImportFailed("file_type", name=article.file_name)
        if len(article.data) > DOCUMENT_MAX_BYTES:
            raise ImportFailed("too_big", limit=DOCUMENT_MAX_BYTES)
        return await asyncio.to_thread(import_bytes, article.data, html=suffix in HTML_SUFFIXES, options=options,
                                       origin=article.file_name)
    return await asyncio.to_thread(import_text, article.text, options=options)


class ImportService:
    """Use cases of /import; each is the secretary's of the branch concerned (or an admin's)."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, limits: FetchLimits | None = None) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._limits = limits or TELEGRAM_LIMITS

    async def _branch(self, s: AsyncSession, telegram_user_id: int, branch_id: int) -> tuple[Actor, Branch]:
        actor = await self._access.require(s, telegram_user_id, Action.IMPORT_LESSON, branch_id)
        branch = await s.get(Branch, branch_id)
        if branch is None:
            raise NotFound("branch", branch_id)
        return actor, branch

    async def check(self, telegram_user_id: int, branch_id: int) -> str:
        """May this person import lessons for the branch? Its title when so; Refused when not."""
        async with self._db.transaction() as s:
            return (await self._branch(s, telegram_user_id, branch_id))[1].title

    async def draft(self, telegram_user_id: int, branch_id: int, article: Article) -> DraftPreview:
        """The lesson draft of `article` and its preview; ImportFailed says what went wrong with the article."""
        title = await self.check(telegram_user_id, branch_id)  # refused before anything is fetched
        try:
            made = await _draft(article, self._limits)
        except ImportFailure as exc:
            raise ImportFailed(exc.reason, **exc.params) from None
        doc = _parsed(made.text, made.lesson_id)
        version = lesson_version(doc, 0, article.source)
        parts = tuple(part for part in lesson_parts(version) if not isinstance(part.message, Poll))
        flagged = sum(1 for finding in made.findings if finding.action == "flagged")
        return DraftPreview(branch_id, title, doc.id, doc.title, made.text, article.source, parts, doc.minutes, flagged)

    async def keep(self, telegram_user_id: int, branch_id: int, text: str, source: str) -> BranchLessonView:
        """Store the draft `text` as the branch's own lesson, last in its series; its quiz still to be written."""
        async with self._db.transaction() as s:
            actor, branch = await self._branch(s, telegram_user_id, branch_id)
            found = _ID_LINE.search(text)
            doc = _parsed(text, found.group(1) if found else "draft")
            known = await s.scalar(select(Lesson.title).join(BranchLesson, BranchLesson.lesson_id == Lesson.id)
                                   .where(BranchLesson.branch_id == branch_id, BranchLesson.slug == doc.id))
            if known is not None:
                raise Conflict("lesson_imported", title=known)
            last = await s.scalar(select(func.max(Lesson.position)).where(
                Lesson.series == doc.series, Lesson.active.is_(True), visible_to(branch_id)))
            fields = replace(_fields(doc), position=min(POSITION_MAX, (last or 0) + 1))
            doc = _parsed(lesson_text(fields), doc.id)
            row = Lesson(slug=f"b{branch_id}.{doc.id}", series=doc.series, position=doc.position, title=doc.title,
                         language=doc.language, active=True)
            s.add(row)
            await s.flush()
            version = lesson_version(doc, row.id, f"branch/{branch_id}/{doc.id}.md")
            s.add(version)
            await s.flush()
            row.current_version_id = version.id
            member = await lookup.by_telegram_id(s, telegram_user_id)
            ready = not _has_placeholder(version.quiz)
            s.add(BranchLesson(lesson_id=row.id, branch_id=branch_id, slug=doc.id, source=source[:2000],
                               imported_by_member_id=member.id if member else None, quiz_ready=ready,
                               imported_at=self._clock.now()))
            self._access.record(s, actor, Action.IMPORT_LESSON, branch_id, {"lesson": row.slug, "source": source})
            return BranchLessonView(row.id, doc.title, branch_id, branch.title, doc.language, ready,
                                    0 if not ready else len(version.quiz))

    async def unwritten(self, telegram_user_id: int) -> list[BranchLessonView]:
        """The imported lessons of the person's branches (every branch's, for an admin) whose quiz is not written."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.LIST_BRANCHES)
            query = (select(Lesson, Branch).join(BranchLesson, BranchLesson.lesson_id == Lesson.id)
                     .join(Branch, Branch.id == BranchLesson.branch_id)
                     .where(BranchLesson.quiz_ready.is_(False), Lesson.active.is_(True))
                     .order_by(BranchLesson.imported_at, Lesson.id))
            if not actor.is_admin:
                query = query.where(BranchLesson.branch_id.in_(actor.secretary_of))
            rows = (await s.execute(query)).all()
            return [BranchLessonView(lesson.id, lesson.title, branch.id, branch.title, lesson.language, False, 0)
                    for lesson, branch in rows]

    async def lesson(self, telegram_user_id: int, lesson_id: int) -> BranchLessonView:
        """A branch lesson, for its branch's secretary."""
        async with self._db.transaction() as s:
            _actor, row, own, branch, version = await self._own(s, telegram_user_id, lesson_id)
            return BranchLessonView(row.id, row.title, branch.id, branch.title, row.language, own.quiz_ready,
                                    len(version.quiz) if own.quiz_ready else 0)

    async def _own(self, s: AsyncSession, telegram_user_id: int, lesson_id: int
                   ) -> tuple[Actor, Lesson, BranchLesson, Branch, LessonVersion]:
        own = await s.get(BranchLesson, lesson_id)
        row = await s.get(Lesson, lesson_id)
        if own is None or row is None or row.current_version_id is None:
            raise NotFound("lesson", lesson_id)  # a library lesson is read-only: no quiz is written here
        actor, branch = await self._branch(s, telegram_user_id, own.branch_id)
        version = await s.get(LessonVersion, row.current_version_id)
        assert version is not None
        return actor, row, own, branch, version

    async def write_quiz(self, telegram_user_id: int, lesson_id: int,
                         quiz: Sequence[Mapping[str, Any]]) -> BranchLessonView:
        """Replace the branch lesson's quiz (a new version, checked as `content check` checks a file); with a
        complete quiz the lesson may be scheduled."""
        if not quiz:
            raise InvalidInput("quiz", "empty")
        if _has_placeholder(quiz):  # a written quiz stays written: a schedule never meets a placeholder again
            raise InvalidInput("quiz", "placeholder")
        async with self._db.transaction() as s:
            actor, row, own, branch, version = await self._own(s, telegram_user_id, lesson_id)
            fields = replace(_version_fields(own.slug, version), quiz=tuple(dict(q) for q in quiz))
            text = lesson_text(fields)
            result = parse_lesson(text, Path(f"{own.slug}.md"), Path("."))
            from lesson_bot.content.review import check_quiz  # opencc's tables: not at start-up

            problems = list(result.problems) if result.lesson is None else check_quiz(result.lesson)
            if result.lesson is None or problems:
                raise InvalidInput("quiz", "invalid", detail=problems[0].message if problems else "")
            doc = result.lesson
            known = await s.scalar(select(LessonVersion).where(LessonVersion.lesson_id == row.id,
                                                               LessonVersion.content_hash == doc.content_hash))
            if known is None:
                known = lesson_version(doc, row.id, version.source_path)
                s.add(known)
                await s.flush()
            row.current_version_id = known.id
            own.quiz_ready = True
            self._access.record(s, actor, Action.IMPORT_LESSON, branch.id, {"lesson": row.slug, "quiz": len(quiz)})
            return BranchLessonView(row.id, row.title, branch.id, branch.title, row.language, own.quiz_ready,
                                    len(known.quiz))
