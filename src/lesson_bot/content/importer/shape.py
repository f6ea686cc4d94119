"""Shape a cleaned article into a lesson draft in the content format (docs/content-format.md).

The body is cut to a micro-lesson's length (docs/writing-lessons.md: 500-1,200 Chinese characters): the lead
paragraph and each section's first paragraph are kept word for word under their headings while they fit,
then the best-connected other paragraphs; the rest is summarised as a few of its own sentences (extractive:
the sentences sharing the most words or character pairs with the whole article). The quiz is a placeholder
that `lesson-bot content check` reports until a person writes the questions.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

import yaml

from lesson_bot.content.review_data import PLACEHOLDERS

LIMIT = {"zh-Hans": 1200, "en": 2400}  # characters: a longer article is cut (writing-lessons.md: 500-1,200)
BUDGET = {"zh-Hans": 900, "en": 1800}  # characters of paragraphs kept from a cut article; the points come on top
POINTS_MAX = 5
POINT_LENGTH = (10, 160)
READING_SPEED = {"zh-Hans": 300, "en": 200}  # characters (zh) or words (en) a minute
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_BOLD_LINE = re.compile(r"\*\*[^*]{1,30}\*\*")
_EMPHASIS = re.compile(r"\*\*|__|~~|`")
_SENTENCES = {"zh-Hans": re.compile(r"(?<=[。！？；!?])"), "en": re.compile(r"(?<=[.!?;])\s+")}
_YAML_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:]*$")
_STOPWORDS = frozenset(("that", "this", "with", "from", "have", "were", "been", "which", "their", "there", "they",
                        "will", "would", "about", "into", "also", "more", "than", "when", "what", "where", "these",
                        "those", "such", "other", "some", "only", "over", "said"))


@dataclass(frozen=True)
class Texts:
    """The words a draft adds in its language: default series, headings, quiz placeholders."""

    series: str
    excerpt: str
    points: str
    mark: str
    question: str
    options: tuple[str, ...]
    explanation: str


TEXTS = {
    "zh-Hans": Texts("导入草稿", "原文摘录", "其他要点", PLACEHOLDERS[0], "根据本课要点提出问题",
                     ("正确选项", "干扰选项一", "干扰选项二"), "说明正确选项为什么对"),
    "en": Texts("Imported drafts", "From the article", "More points", PLACEHOLDERS[1] + " ",
                "a question on the lesson's key point", ("the correct option", "a wrong option",
                                                         "another wrong option"), "why the correct option is right"),
}


@dataclass(frozen=True)
class Meta:
    """What the front matter says about the article and the draft."""

    lesson_id: str
    title: str
    series: str
    language: str
    publisher: str = ""
    date: str = ""
    url: str = ""
    description: str = ""


@dataclass(frozen=True)
class Shaped:
    """The draft's text and what was kept: paragraphs word for word, points as sentences."""

    text: str
    kept: tuple[str, ...]
    points: tuple[str, ...]
    paragraphs: int
    minutes: int


def language_of(lines: list[str]) -> str:
    """zh-Hans when at least a fifth of the letters are Chinese characters, else en."""
    text = "".join(lines)
    letters = sum(1 for char in text if char.isalpha())
    return "zh-Hans" if letters and len(_CJK.findall(text)) * 5 >= letters else "en"


def _terms(text: str, language: str) -> list[str]:
    if language == "zh-Hans":
        chars = _CJK.findall(text)
        return [a + b for a, b in itertools.pairwise(chars)]
    return [word for word in (w.lower() for w in _WORD.findall(text)) if word not in _STOPWORDS]


def _score(text: str, weights: Counter[str], language: str) -> float:
    terms = set(_terms(text, language))
    return sum(weights[term] for term in terms) / math.sqrt(len(terms) or 1)


def is_heading(line: str) -> bool:
    """A Markdown heading, or a short line in bold alone (**一、时间安排**), as official documents head sections."""
    return line.startswith("#") or (_BOLD_LINE.fullmatch(line) is not None and "。" not in line)


def _sections(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        if is_heading(line):
            sections.append((line, []))
        else:
            sections[-1][1].append(line)
    return [section for section in sections if section[0] is not None or section[1]]


def _size(text: str) -> int:
    return len(_EMPHASIS.sub("", text))


def choose(lines: list[str], language: str) -> tuple[list[str], list[str]]:
    """(body lines kept word for word, with their headings; the points summarising the rest)."""
    sections = _sections(lines)
    paragraphs = [(s, p) for s, (_, body) in enumerate(sections) for p in range(len(body))]
    if sum(_size(sections[s][1][p]) for s, p in paragraphs) <= LIMIT[language]:
        return lines, []
    weights = Counter(_terms("\n".join(lines), language))
    leads = [(s, 0) for s, (_, body) in enumerate(sections) if body]
    rest = sorted((item for item in paragraphs if item not in leads),
                  key=lambda item: -_score(sections[item[0]][1][item[1]], weights, language))
    kept: set[tuple[int, int]] = set()
    used = 0
    for s, p in leads + rest:
        size = _size(sections[s][1][p])
        if not kept or used + size <= BUDGET[language]:
            kept.add((s, p))
            used += size
    body: list[str] = []
    left: list[str] = []
    for s, (heading, paras) in enumerate(sections):
        if heading is not None and any((s, p) in kept for p in range(len(paras))):
            body.append(heading)
        for p, para in enumerate(paras):
            (body if (s, p) in kept else left).append(para)
    texts = TEXTS[language]
    if not any(is_heading(line) for line in lines):
        body.insert(0, f"## {texts.excerpt}")
    return body, _points(left, weights, language)


def _points(left: list[str], weights: Counter[str], language: str) -> list[str]:
    sentences = [
        sentence.strip()
        for para in left
        for sentence in _SENTENCES[language].split(_EMPHASIS.sub("", para).lstrip("-*+ "))
        if POINT_LENGTH[0] <= len(sentence.strip()) <= POINT_LENGTH[1]
    ]
    best = sorted(range(len(sentences)), key=lambda index: -_score(sentences[index], weights, language))
    return [sentences[index] for index in sorted(best[:POINTS_MAX])]


def _reads_back(value: str) -> bool:
    """Whether YAML reads `value` as itself, not as a number, date, boolean, null or an error."""
    try:
        return bool(yaml.safe_load(f"key: {value}") == {"key": value})
    except yaml.YAMLError:
        return False


def yaml_text(value: str) -> str:
    """A YAML scalar for `value`: plain when YAML reads it back as the same text, else double-quoted."""
    value = " ".join(value.split())
    if _YAML_PLAIN.match(value) and _reads_back(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _date(value: str, language: str) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return value
    year, month, day = (int(part) for part in match.groups())
    return f"{year}年{month}月{day}日" if language == "zh-Hans" else f"{year}-{month:02d}-{day:02d}"


def source_line(meta: Meta) -> str:
    """《title》（publisher，date）URL, or “title” (publisher, date), URL in English; at most 500 characters."""
    date = _date(meta.date, meta.language)
    if meta.language == "zh-Hans":
        title = "《" + meta.title.replace("《", "〈").replace("》", "〉") + "》"
        details = "，".join(part for part in (meta.publisher, date) if part)
        text = title + (f"（{details}）" if details else "")
        return text + meta.url if len(text + meta.url) <= 500 else text
    details = ", ".join(part for part in (meta.publisher, date) if part)
    text = f"“{meta.title}”" + (f" ({details})" if details else "")
    return f"{text}, {meta.url}" if meta.url and len(text) + len(meta.url) <= 498 else text


def _summary(meta: Meta, body: list[str]) -> str:
    if 0 < len(meta.description) <= 200 and meta.description != meta.title:
        return meta.description
    paragraphs = [line for line in body if not is_heading(line)]
    # A salutation (各区县委组织部：) or a short line says nothing about the lesson; the first real sentence does.
    first = next((line for line in paragraphs if len(line) >= 15 and not line.endswith(("：", ":"))),
                 paragraphs[0] if paragraphs else meta.title)
    sentence = _SENTENCES[meta.language].split(_EMPHASIS.sub("", first).strip())[0].strip()
    return sentence if len(sentence) <= 200 else sentence[:199] + "…"


def minutes(text: str, language: str) -> int:
    """Reading time, rounded up: 300 Chinese characters or 200 English words a minute; 1-120."""
    amount = len(_CJK.findall(text)) if language == "zh-Hans" else len(text.split())
    return min(120, max(1, math.ceil(amount / READING_SPEED[language])))


def shape(meta: Meta, lines: list[str]) -> Shaped:
    """The lesson draft for the cleaned article `lines`."""
    texts = TEXTS[meta.language]
    body, points = choose(lines, meta.language)
    out = list(body)
    if points:
        out.append(f"## {texts.points}")
        out.append("\n".join(f"- {point}" for point in points))
    body_text = "\n\n".join(out)
    mark = texts.mark
    front = [
        "---",
        f"id: {meta.lesson_id}",
        f"title: {yaml_text(meta.title)}",
        f"series: {yaml_text(meta.series)}",
        "position: 1",
        f"language: {meta.language}",
        f"minutes: {minutes(body_text, meta.language)}",
        f"summary: {yaml_text(_summary(meta, body))}",
        f"source: {yaml_text(source_line(meta))}",
        "quiz:",
        f"  - question: {yaml_text(mark + texts.question)}",
        "    options:",
        *(f"      - {yaml_text(mark + option)}" for option in texts.options),
        "    correct: 1",
        f"    explanation: {yaml_text(mark + texts.explanation)}",
        "---",
    ]
    kept = tuple(line for line in body if not is_heading(line))
    paragraphs = sum(1 for line in lines if not is_heading(line))
    text = "\n".join(front) + "\n" + body_text + "\n"
    return Shaped(text, kept, tuple(points), paragraphs, minutes(body_text, meta.language))
