"""Load a lesson file or a whole library folder: read, parse, check media on disk and the cross-file rules.

A broken lesson never stops the others: every problem becomes a Problem, never an exception.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lesson_bot.content.model import LessonDoc, MediaItem, Problem
from lesson_bot.content.parser import ParseResult, parse_lesson

LESSONS_FOLDER = "lessons"
MEDIA_FOLDER = "media"


@dataclass
class LibraryLoad:
    """The lessons that passed every check, and every problem found, in file order."""

    lessons: list[LessonDoc] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def series(self) -> set[str]:
        """The distinct series among the valid lessons."""
        return {lesson.series for lesson in self.lessons}


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it, else as given."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def content_dir_for(path: Path) -> Path:
    """The content folder of a lesson path: the parent of the nearest `lessons` folder, else PATH's parent."""
    absolute = path.absolute()
    candidates = [absolute, *absolute.parents] if absolute.is_dir() else list(absolute.parents)
    for folder in candidates:
        if folder.name == LESSONS_FOLDER:
            return folder.parent
    return absolute.parent


def content_hash(file_bytes: bytes, media: Sequence[tuple[str, bytes]]) -> str:
    """sha256 hex over the lesson file and each media file's (name, sha256), so a new picture is a new version."""
    digest = hashlib.sha256(file_bytes)
    for name, media_digest in media:
        digest.update(b"\0media\0" + name.encode("utf-8") + b"\0" + media_digest)
    return digest.hexdigest()


def lesson_files(path: Path) -> list[Path]:
    """The lesson files under `path` (every *.md, recursively, sorted), or `path` itself if it is a file."""
    if path.is_dir():
        return sorted((p for p in path.rglob("*.md") if p.is_file()), key=lambda p: p.as_posix())
    return [path]


def _decode(data: bytes, path: Path) -> str | Problem:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Problem(
            path, line, f"the file is not UTF-8 (byte {exc.start} is 0x{data[exc.start]:02x}); save it as UTF-8"
        )


def load_lesson_file(path: Path, media_root: Path) -> ParseResult:
    """Read one lesson file, check it and its media files; problems instead of exceptions."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ParseResult(None, (Problem(path, 1, f"cannot read the file: {exc.strerror or exc}"),))
    text = _decode(data, path)
    if isinstance(text, Problem):
        return ParseResult(None, (text,))
    result = parse_lesson(text, path, media_root)
    if result.lesson is None:
        return result
    problems: list[Problem] = []
    digests: list[tuple[str, bytes]] = []
    media: list[MediaItem] = []
    for number, item in enumerate(result.lesson.media, start=1):
        if not item.path.is_file():
            problems.append(
                Problem(
                    path,
                    item.line,
                    f"media[{number}].file: {display_path(item.path)} does not exist; "
                    f"add the file to {display_path(media_root)}/ or fix the name",
                )
            )
            continue
        try:
            with item.path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").digest()
            digests.append((item.file, digest))
            media.append(replace(item, sha256=digest.hex()))
        except OSError as exc:
            problems.append(
                Problem(path, item.line, f"media[{number}].file: cannot read {item.file}: {exc.strerror or exc}")
            )
    if problems:
        return ParseResult(None, tuple(problems))
    lesson = replace(result.lesson, media=tuple(media), content_hash=content_hash(data, digests))
    return ParseResult(lesson, ())


def _cross_file_checks(lessons: list[LessonDoc]) -> tuple[list[LessonDoc], list[Problem]]:
    """Drop the later of two lessons sharing an id, or a place in a series, with a problem naming the first."""
    by_id: dict[str, LessonDoc] = {}
    by_place: dict[tuple[str, int], LessonDoc] = {}
    kept: list[LessonDoc] = []
    problems: list[Problem] = []
    for lesson in lessons:
        first = by_id.get(lesson.id)
        if first is not None:
            problems.append(
                Problem(
                    lesson.path,
                    lesson.line_of("id"),
                    f"id '{lesson.id}' is already used by {display_path(first.path)}:{first.line_of('id')}",
                )
            )
            continue
        other = by_place.get((lesson.series, lesson.position))
        if other is not None:
            problems.append(
                Problem(
                    lesson.path,
                    lesson.line_of("position"),
                    f"position {lesson.position} in series '{lesson.series}' is already used by "
                    f"{display_path(other.path)}:{other.line_of('position')} ('{other.id}'); "
                    "give each lesson of a series its own position",
                )
            )
            continue
        by_id[lesson.id] = lesson
        by_place[(lesson.series, lesson.position)] = lesson
        kept.append(lesson)
    return kept, problems


def load_library(path: Path) -> LibraryLoad:
    """Load a lesson file or every lesson under a folder; media are looked up in <content dir>/media."""
    if not path.exists():
        return LibraryLoad(
            problems=[Problem(path, 1, "no such file or folder; give a lesson file or the lessons folder")]
        )
    media_root = content_dir_for(path) / MEDIA_FOLDER
    load = LibraryLoad(files=lesson_files(path))
    parsed: list[LessonDoc] = []
    for file in load.files:
        result = load_lesson_file(file, media_root)
        load.problems.extend(result.problems)
        if result.lesson is not None:
            parsed.append(result.lesson)
    load.lessons, duplicates = _cross_file_checks(parsed)
    load.problems.extend(duplicates)
    order = {file: index for index, file in enumerate(load.files)}
    load.problems.sort(key=lambda problem: (order.get(problem.path, len(order)), problem.line))
    return load
