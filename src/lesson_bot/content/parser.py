"""A lesson file's text in, a LessonDoc or the list of what is wrong with it out. Pure: no file access.

Every problem in the file is reported at once, front matter and body, so an author fixes them in one pass.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from lesson_bot.content.frontmatter import YMap, compose_front_matter, normalize_newlines, split_front_matter
from lesson_bot.content.model import LessonDoc, Problem
from lesson_bot.content.renderer import render_lesson
from lesson_bot.content.rules import OPTIONAL_KEYS, TOP_KEYS, LessonReader

_PLACEHOLDER_TITLE = "?"


@dataclass(frozen=True)
class ParseResult:
    """Exactly one of: a lesson (and no problems), or the problems that kept it from being one."""

    lesson: LessonDoc | None
    problems: tuple[Problem, ...]


def parse_lesson(text: str, path: Path, media_root: Path) -> ParseResult:
    """Parse and check one lesson file's text; `path` is used in messages, `media_root` to place media."""
    text = normalize_newlines(text)
    split = split_front_matter(text, path)
    if isinstance(split, Problem):
        return ParseResult(None, (split,))
    tree, problems = compose_front_matter(split, path)
    if tree is None:
        return ParseResult(None, tuple(problems))
    reader = LessonReader(path, media_root)
    reader.problems.extend(problems)
    lesson = _read(reader, tree, split.body, split.body_line, text, path)
    if reader.problems or lesson is None:
        unique = dict.fromkeys(reader.problems)
        return ParseResult(None, tuple(sorted(unique, key=lambda problem: problem.line)))
    return ParseResult(lesson, ())


def _read(reader: LessonReader, tree: YMap, body: str, body_line: int, text: str, path: Path) -> LessonDoc | None:
    required = [key for key in TOP_KEYS if key not in OPTIONAL_KEYS]
    reader.check_keys(tree, "", TOP_KEYS, required)
    values, lines = tree.values, tree.key_lines

    def line(key: str) -> int:
        return lines.get(key, tree.line)

    lesson_id = reader.lesson_id(values.get("id"), line("id"))
    title = reader.text(values.get("title"), "title", line("title"), 100)
    series = reader.text(values.get("series"), "series", line("series"), 60)
    position = reader.integer(values.get("position"), "position", line("position"), 1, 999)
    language = reader.language(values.get("language"), line("language"))
    minutes = reader.integer(values.get("minutes"), "minutes", line("minutes"), 1, 120)
    summary = reader.text(values.get("summary"), "summary", line("summary"), 200)
    tags = reader.tags(values.get("tags"), line("tags"))
    source = reader.text(values.get("source"), "source", line("source"), 500)
    media = reader.media(values.get("media"), line("media"))
    quiz = reader.quiz(values.get("quiz"), line("quiz"))

    # The body is checked even when the front matter is broken, with stand-ins for the header, so that
    # an author sees every problem in one run.
    messages, issues, visible = render_lesson(
        title or _PLACEHOLDER_TITLE, series or _PLACEHOLDER_TITLE, position or 1, language or "en", body, body_line
    )
    for issue_line, message in issues:
        reader.problem(issue_line, message)
    if visible == 0:
        reader.problem(body_line, "body: the lesson has no text; write it below the front matter's closing '---'")

    if (
        lesson_id is None
        or title is None
        or series is None
        or position is None
        or language is None
        or minutes is None
        or summary is None
        or source is None
    ):
        return None
    return LessonDoc(
        id=lesson_id,
        title=title,
        series=series,
        position=position,
        language=language,
        minutes=minutes,
        summary=summary,
        tags=tags,
        source=source,
        media=media,
        quiz=quiz,
        body_md=body,
        messages=messages,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=path,
        body_line=body_line,
        key_lines=MappingProxyType(dict(lines)),
    )
