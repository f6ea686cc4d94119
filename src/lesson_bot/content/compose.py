"""A lesson file's text from its fields: what a branch lesson (kept from an /import draft) is, as a file.

Every scalar is written as a JSON string, which YAML reads back as the same text (line breaks included), so the
parser sees exactly what the secretary typed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class LessonFields:
    """A lesson's front matter and body, as stored in a lesson version."""

    lesson_id: str
    title: str
    series: str
    position: int
    language: str
    minutes: int
    summary: str
    source: str
    body_md: str
    tags: tuple[str, ...] = ()
    quiz: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)
    """{"question", "options", "correct" (0-based), "explanation"}, as lesson_versions.quiz keeps them."""


def _quiz_lines(quiz: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["quiz:"]
    for question in quiz:
        lines.append(f"  - question: {_text(str(question['question']))}")
        lines.append("    options:")
        lines += [f"      - {_text(str(option))}" for option in question["options"]]
        lines.append(f"    correct: {int(question['correct']) + 1}")
        lines.append(f"    explanation: {_text(str(question['explanation']))}")
    return lines


def lesson_text(lesson: LessonFields) -> str:
    """The lesson file for `lesson` (docs/content-format.md)."""
    front = [
        "---",
        f"id: {lesson.lesson_id}",
        f"title: {_text(lesson.title)}",
        f"series: {_text(lesson.series)}",
        f"position: {lesson.position}",
        f"language: {lesson.language}",
        f"minutes: {lesson.minutes}",
        f"summary: {_text(lesson.summary)}",
    ]
    if lesson.tags:
        front += ["tags:", *(f"  - {_text(tag)}" for tag in lesson.tags)]
    front += [f"source: {_text(lesson.source)}", *_quiz_lines(lesson.quiz), "---"]
    return "\n".join(front) + "\n" + lesson.body_md.rstrip("\n") + "\n"
