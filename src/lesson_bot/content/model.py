"""What a lesson file becomes once parsed, and the shape of every problem found on the way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

MediaKind = Literal["photo", "video", "document"]
Language = Literal["zh-Hans", "en"]


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a lesson file, at the line an author should look at (1-based)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class MediaItem:
    """A picture, video or document sent with the lesson; `path` is where the file is on disk."""

    file: str
    caption: str
    caption_html: str
    kind: MediaKind
    path: Path
    line: int
    sha256: str = ""
    """Hex digest of the media file, filled in by the loader once the file is read."""


@dataclass(frozen=True)
class QuizQuestion:
    """One native Telegram quiz poll; `correct_index` counts from 0 as the Bot API does."""

    question: str
    options: tuple[str, ...]
    correct_index: int
    explanation: str
    line: int
    option_lines: tuple[int, ...] = ()
    """File line of each option, in order (empty when unknown)."""
    explanation_line: int = 0
    """File line of the explanation (0 when unknown)."""


@dataclass(frozen=True)
class LessonDoc:
    """A valid lesson: its metadata, quiz, media, Markdown body and the Telegram messages it renders to."""

    id: str
    title: str
    series: str
    position: int
    language: Language
    minutes: int
    summary: str
    tags: tuple[str, ...]
    source: str
    media: tuple[MediaItem, ...]
    quiz: tuple[QuizQuestion, ...]
    body_md: str
    messages: tuple[str, ...]
    """The body rendered to Telegram HTML, split into sendable messages; the first carries the title."""
    content_hash: str
    """sha256 hex of the file's bytes and of its media files' bytes (see content.loader.content_hash)."""
    path: Path
    body_line: int
    """The file line where the body starts."""
    key_lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """File line of each front matter key, e.g. key_lines["position"]."""

    def line_of(self, key: str) -> int:
        """The file line of a front matter key, or 1 when the key is absent."""
        return self.key_lines.get(key, 1)
