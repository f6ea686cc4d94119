"""Test helpers for the content pipeline: a valid base lesson, and a strict Telegram-HTML checker.

The checker is written here, independently of the renderer, and accepts only what Telegram's HTML parse
mode accepts: its tags and their attributes, its four named entities, and the nesting rules of the Bot API
("bold, italic, underline, strikethrough and spoiler can contain and be part of any entity except pre and
code; blockquotes cannot be nested; all other entities cannot contain each other").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tgrules.limits import ALLOWED_HTML_ENTITIES, ALLOWED_HTML_TAGS

BASE_LESSON = """\
---
id: base-lesson
title: 遵义会议
series: 党史故事
position: 1
language: zh-Hans
minutes: 5
summary: 遵义会议的经过和意义。
tags: [党史, 长征]
source: 《中国共产党历史》第一卷（中共党史出版社，2011年）
media:
  - file: map.png
    caption: 遵义会议**会址**
quiz:
  - question: 遵义会议在哪一年召开？
    options:
      - 1934年
      - 1935年
      - 1936年
    correct: 2
    explanation: 遵义会议于1935年1月召开。
---
## 会议经过

1935年1月，中共中央政治局在贵州遵义召开扩大会议。
"""
"""Line 12 is the media file, 15 the question, 16 the options, 20 `correct`, 21 the explanation, 23 the body."""


def replace_line(text: str, number: int, new: str) -> str:
    """`text` with its 1-based line `number` replaced by `new` (which may hold several lines)."""
    lines = text.split("\n")
    assert 1 <= number <= len(lines)
    lines[number - 1] = new
    return "\n".join(lines)


@dataclass
class Library:
    """A content folder in tmp_path: lessons/ and media/ (with the base lesson's picture)."""

    root: Path

    @property
    def lessons(self) -> Path:
        return self.root / "lessons"

    @property
    def media(self) -> Path:
        return self.root / "media"

    def write(self, text: str, name: str = "base-lesson.md") -> Path:
        path = self.lessons / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\")?)*)\s*>|&([a-z]+);|[<>&]")
_ATTR = re.compile(r"\s+([a-z-]+)(?:=\"([^\"<>]*)\")?")
_FORMATTING = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler"}
_CODE = {"code", "pre"}
_LINK_SCHEMES = ("http:", "https:", "tg:", "mailto:")


@dataclass(frozen=True)
class Parsed:
    """Visible text of a Telegram HTML message and its length as Telegram counts it."""

    text: str

    @property
    def length(self) -> int:
        return len(self.text.encode("utf-16-le")) // 2


def _check_attrs(name: str, attrs: dict[str, str | None], parent: str | None) -> None:
    if name == "a":
        href = attrs.get("href")
        assert set(attrs) == {"href"} and href, f"<a> needs exactly an href: {attrs}"
        unescaped = href.replace("&amp;", "&").replace("&quot;", '"')
        assert unescaped.lower().startswith(_LINK_SCHEMES), f"link scheme not allowed: {href}"
    elif name == "span":
        assert attrs == {"class": "tg-spoiler"}, f"<span> only as a spoiler: {attrs}"
    elif name == "code" and attrs:
        assert parent == "pre", "a language is only allowed on <code> inside <pre>"
        assert set(attrs) == {"class"} and (attrs["class"] or "").startswith("language-")
    elif name == "blockquote":
        assert set(attrs) <= {"expandable"} and all(v is None for v in attrs.values())
    else:
        assert not attrs, f"<{name}> takes no attributes: {attrs}"


def _check_nesting(name: str, stack: list[str]) -> None:
    if name == "blockquote":
        assert "blockquote" not in stack, "blockquotes cannot be nested"
        return
    for outer in stack:
        if outer == "blockquote":
            continue
        if outer == "pre" and name == "code" and stack[-1] == "pre":
            continue
        if outer in _CODE:
            raise AssertionError(f"<{name}> inside <{outer}>: pre and code cannot contain entities")
        if outer in _FORMATTING:
            assert name not in _CODE, f"<{name}> inside <{outer}>: formatting cannot contain pre or code"
        elif outer == "a":
            assert name in _FORMATTING, f"<{name}> inside <a>: links contain only formatting"


def parse_telegram_html(html: str) -> Parsed:
    """Parse like Telegram's HTML mode, strictly; an AssertionError says what Telegram would refuse."""
    stack: list[str] = []
    text: list[str] = []
    position = 0
    for match in _TOKEN.finditer(html):
        text.append(html[position : match.start()])
        position = match.end()
        closing, name, raw_attrs, entity = match.groups()
        if entity is not None:
            assert entity in ALLOWED_HTML_ENTITIES, f"unsupported entity &{entity};"
            text.append({"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[entity])
        elif name is None:
            raise AssertionError(f"unescaped {match.group(0)!r} at offset {match.start()}")
        elif closing:
            assert stack and stack[-1] == name, f"</{name}> does not close {stack[-1:] or 'anything'}"
            stack.pop()
        else:
            assert name in ALLOWED_HTML_TAGS, f"unsupported tag <{name}>"
            attrs = {m.group(1): m.group(2) for m in _ATTR.finditer(raw_attrs or "")}
            _check_attrs(name, attrs, stack[-1] if stack else None)
            _check_nesting(name, stack)
            stack.append(name)
    text.append(html[position:])
    assert not stack, f"unclosed tags {stack}"
    return Parsed("".join(text))
