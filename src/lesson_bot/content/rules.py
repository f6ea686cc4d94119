"""The lesson-specific front matter rules of docs/content-format.md: id, language, media, quiz.

Rules that need other files (media on disk, ids and positions across the library) live in `loader`.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import cast

from lesson_bot.content.fields import Reader
from lesson_bot.content.frontmatter import YMap, YNode, YSeq
from lesson_bot.content.model import Language, MediaItem, MediaKind, QuizQuestion
from lesson_bot.content.renderer import render_caption
from tgrules.limits import (
    CAPTION_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX,
    QUIZ_EXPLANATION_MAX,
    QUIZ_EXPLANATION_MAX_LINE_FEEDS,
)

TOP_KEYS = ("id", "title", "series", "position", "language", "minutes", "summary", "tags", "source", "media", "quiz")
OPTIONAL_KEYS = frozenset({"tags", "media"})
MEDIA_KEYS = ("file", "caption")
QUIZ_KEYS = ("question", "options", "correct", "explanation")
LANGUAGES = ("zh-Hans", "en")
MEDIA_MAX = 10
QUIZ_MIN, QUIZ_MAX = 1, 5
_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
_PHOTO = frozenset({".jpg", ".jpeg", ".png", ".webp"})
_VIDEO = frozenset({".mp4"})


def media_kind(file: str) -> MediaKind:
    """How Telegram is asked to send a media file, by its extension."""
    suffix = PurePosixPath(file).suffix.lower()
    if suffix in _PHOTO:
        return "photo"
    if suffix in _VIDEO:
        return "video"
    return "document"


def _count_problem(name: str, count: int, low: int, high: int, what: str, *, telegram: bool = False) -> str:
    who = "Telegram allows" if telegram else "a lesson may have"
    fix = f"add {low - count}" if count < low else f"remove {count - high}"
    noun = what if count == 1 else f"{what}s"
    return f"{name}: {count} {noun}, {who} {low}-{high}; {fix}"


class LessonReader(Reader):
    """The lesson-specific rules on top of the typed readers."""

    def __init__(self, path: Path, media_root: Path) -> None:
        super().__init__(path)
        self.media_root = media_root

    def lesson_id(self, node: YNode | None, line: int) -> str | None:
        value = self.text(node, "id", line, 64)
        if value is None:
            return None
        if not _ID.fullmatch(value):
            self.problem(
                line,
                f"id: '{value}' must be 3-64 characters of a-z, 0-9 and '-', starting with a letter or digit, "
                "like 'zunyi-conference'",
            )
            return None
        if self.path.suffix == ".md" and self.path.stem != value:
            self.problem(
                line,
                f"id: '{value}' does not match the file name '{self.path.name}'; "
                f"name the file '{value}.md' (a lesson's id never changes)",
            )
        return value

    def language(self, node: YNode | None, line: int) -> Language | None:
        value = self.text(node, "language", line, 16)
        if value is not None and value not in LANGUAGES:
            self.problem(line, f"language: '{value}' is not supported; use zh-Hans or en")
            return None
        return cast(Language, value) if value is not None else None

    def tags(self, node: YNode | None, line: int) -> tuple[str, ...]:
        items = self.text_list(node, "tags", line, 30) or []
        return tuple(text for text, _ in items if text is not None)

    def media(self, node: YNode | None, line: int) -> tuple[MediaItem, ...]:
        seq = self.sequence(node, "media", line, "of '- file: ...' items")
        if seq is None:
            return ()
        if len(seq.items) > MEDIA_MAX:
            self.problem(line, _count_problem("media", len(seq.items), 0, MEDIA_MAX, "item"))
        out: list[MediaItem] = []
        for number, item in enumerate(seq.items, start=1):
            name = f"media[{number}]"
            entry = self.mapping(item, name, item.line)
            if entry is None:
                continue
            self.check_keys(entry, name, MEDIA_KEYS, ("file",))
            file_line = entry.key_lines.get("file", entry.line)
            file = self.text(entry.values.get("file"), f"{name}.file", file_line, 255)
            caption_line = entry.key_lines.get("caption", entry.line)
            caption = self.text(
                entry.values.get("caption"), f"{name}.caption", caption_line, 10 * CAPTION_MAX, minimum=0
            )
            if file is None:
                continue
            relative = PurePosixPath(file.replace("\\", "/"))
            if relative.is_absolute() or ".." in relative.parts or re.match(r"[A-Za-z]:", file):
                self.problem(
                    file_line,
                    f"{name}.file: '{file}' must be a path inside content/media/, without '..' or a leading '/'",
                )
                continue
            html, issues = render_caption(caption or "", caption_line, f"{name}.caption: ")
            for issue_line, message in issues:
                self.problem(issue_line, message)
            path = self.media_root.joinpath(*relative.parts)
            out.append(MediaItem(file, caption or "", html, media_kind(file), path, file_line))
        return tuple(out)

    def quiz(self, node: YNode | None, line: int) -> tuple[QuizQuestion, ...]:
        seq = self.sequence(node, "quiz", line, "of '- question: ...' items")
        if seq is None:
            return ()
        if not QUIZ_MIN <= len(seq.items) <= QUIZ_MAX:
            self.problem(line, _count_problem("quiz", len(seq.items), QUIZ_MIN, QUIZ_MAX, "question"))
        out: list[QuizQuestion] = []
        for number, item in enumerate(seq.items, start=1):
            entry = self.mapping(item, f"quiz[{number}]", item.line)
            if entry is not None:
                question = self.question(entry, f"quiz[{number}]")
                if question is not None:
                    out.append(question)
        return tuple(out)

    def question(self, entry: YMap, name: str) -> QuizQuestion | None:
        self.check_keys(entry, name, QUIZ_KEYS, QUIZ_KEYS)
        lines = entry.key_lines
        text = self.text(
            entry.values.get("question"),
            f"{name}.question",
            lines.get("question", entry.line),
            POLL_QUESTION_MAX,
            telegram=True,
        )
        options = self.options(entry.values.get("options"), f"{name}.options", lines.get("options", entry.line))
        correct = self.correct(entry, name, options)
        explanation = self.explanation(
            entry.values.get("explanation"), f"{name}.explanation", lines.get("explanation", entry.line)
        )
        if text is None or options is None or correct is None or explanation is None:
            return None
        seq = entry.values.get("options")
        option_lines = tuple(item.line for item in seq.items) if isinstance(seq, YSeq) else ()
        explanation_line = lines.get("explanation", entry.line)
        return QuizQuestion(text, options, correct - 1, explanation, entry.line, option_lines, explanation_line)

    def options(self, node: YNode | None, name: str, line: int) -> tuple[str, ...] | None:
        items = self.text_list(node, name, line, POLL_OPTION_MAX, telegram=True)
        if items is None:
            return None
        ok = True
        if not POLL_OPTIONS_MIN <= len(items) <= POLL_OPTIONS_MAX:
            self.problem(
                line, _count_problem(name, len(items), POLL_OPTIONS_MIN, POLL_OPTIONS_MAX, "option", telegram=True)
            )
            ok = False
        first_seen: dict[str, int] = {}
        for number, (text, item_line) in enumerate(items, start=1):
            if text is None:
                ok = False
            elif text in first_seen:
                self.problem(
                    item_line,
                    f"{name}[{number}]: repeats option {first_seen[text]} ('{text[:40]}'); make every option different",
                )
                ok = False
            else:
                first_seen[text] = number
        return tuple(text for text, _ in items if text is not None) if ok else None

    def correct(self, entry: YMap, name: str, options: tuple[str, ...] | None) -> int | None:
        node = entry.values.get("correct")
        line = entry.key_lines.get("correct", entry.line)
        high = len(options) if options else POLL_OPTIONS_MAX
        value = self.integer(node, f"{name}.correct", line, -(2**31), 2**31)
        if value is None:
            return None
        if not 1 <= value <= high:
            extra = " (the first option is 1)" if value == 0 else ""
            self.problem(
                line, f"{name}.correct: {value} is not an option number{extra}; options count from 1, so use 1-{high}"
            )
            return None
        return value

    def explanation(self, node: YNode | None, name: str, line: int) -> str | None:
        value = self.text(node, name, line, QUIZ_EXPLANATION_MAX, telegram=True)
        if value is not None and value.count("\n") > QUIZ_EXPLANATION_MAX_LINE_FEEDS:
            feeds = value.count("\n")
            self.problem(
                line,
                f"{name}: {feeds} line breaks, Telegram allows at most {QUIZ_EXPLANATION_MAX_LINE_FEEDS}; "
                f"join {feeds - QUIZ_EXPLANATION_MAX_LINE_FEEDS} of the lines",
            )
            return None
        return value
