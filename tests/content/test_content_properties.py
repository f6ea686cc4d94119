"""Properties over arbitrary input: the parser never raises, the renderer always gives sendable messages."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lesson_bot.content.markdown import parse_body
from lesson_bot.content.parser import parse_lesson
from lesson_bot.content.renderer import flatten, split_html, to_html
from lesson_bot.content.rules import TOP_KEYS
from tests.support.content import BASE_LESSON, parse_telegram_html
from tgrules.limits import MESSAGE_TEXT_MAX

PROPERTY = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PATH = Path("content/lessons/base-lesson.md")
MEDIA = Path("content/media")

MARKDOWN_PIECES = [
    "a",
    "word ",
    "中文",
    "。",
    ". ",
    "😀",
    "\n",
    "\n\n",
    " ",
    "  \n",
    "*",
    "**",
    "_",
    "~~",
    "`",
    "```",
    "```py\n",
    "# ",
    "## ",
    "> ",
    "> > ",
    "- ",
    "1. ",
    "  - ",
    "    ",
    "[",
    "]",
    "(",
    ")",
    "](https://x.example/a?b=1&c=2)",
    "](javascript:x)",
    "](rel.md)",
    "![",
    "<",
    ">",
    "&",
    "&amp;",
    "&#60;",
    "<br>",
    "<b>",
    "</b>",
    "<div>\n",
    "| a | b |\n|---|---|\n",
    "\\",
    "---\n",
    "<https://a.example>",
    "<a@b.example>",
    "\t",
    "\x00",
    "\r",
]
YAML_PIECES = [
    *TOP_KEYS,
    ": ",
    ":",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!!int ",
    "!!str ",
    "'",
    '"',
    "|",
    ">",
    "#",
    "%",
    "@",
    "?",
    "1",
    "0",
    "-1",
    "999999999999999999999",
    "1.5",
    "yes",
    "null",
    "~",
    "2018-13-45",
    "中",
    "\t",
    "\\",
    "question",
    "options",
    "correct",
    "explanation",
    "file",
    "caption",
]


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=60).map("".join)


def _assert_one_outcome(text: str) -> None:
    result = parse_lesson(text, PATH, MEDIA)
    assert (result.lesson is None) == bool(result.problems)
    assert all(problem.line >= 1 and problem.message for problem in result.problems)


@PROPERTY
@given(st.text())
def test_any_text_gives_a_lesson_or_problems(text: str) -> None:
    """Whatever a file holds, checking it never crashes: it is a lesson, or a list of problems."""
    _assert_one_outcome(text)


@PROPERTY
@given(_joined(YAML_PIECES), _joined(MARKDOWN_PIECES))
def test_any_yamlish_front_matter_gives_a_lesson_or_problems(front: str, body: str) -> None:
    """Broken YAML, odd types, anchors and tags in the front matter are reported, never raised."""
    _assert_one_outcome(f"---\n{front}\n---\n{body}")


def _values() -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.sampled_from([*TOP_KEYS, "x"]), inner, max_size=4)
        ),
        max_leaves=12,
    )


@PROPERTY
@given(st.dictionaries(st.sampled_from([*TOP_KEYS, "summery"]), _values(), max_size=12))
def test_well_formed_yaml_of_any_shape_gives_a_lesson_or_problems(data: dict[str, object]) -> None:
    """Valid YAML with values of the wrong shape anywhere is reported, never raised."""
    _assert_one_outcome("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nbody\n")


@PROPERTY
@given(st.sampled_from(range(1, BASE_LESSON.count("\n") + 1)), _joined(YAML_PIECES))
def test_one_damaged_line_of_a_valid_lesson_gives_a_lesson_or_problems(number: int, damage: str) -> None:
    """Replacing any one line of a valid lesson with garbage is reported, never raised."""
    lines = BASE_LESSON.split("\n")
    lines[number - 1] = damage
    _assert_one_outcome("\n".join(lines))


def _check_split(markdown: str, limit: int) -> None:
    lines, _ = parse_body(markdown, 1)
    styled = flatten(lines)
    whole = parse_telegram_html(to_html(styled)).text
    chunks = split_html(styled, limit)
    position = 0
    for chunk in chunks:
        parsed = parse_telegram_html(chunk)
        assert 0 < parsed.length <= limit
        assert parsed.text == parsed.text.strip()
        found = whole.find(parsed.text, position)
        assert found >= position and whole[position:found].strip() == ""
        position = found + len(parsed.text)
    assert whole[position:].strip() == ""


@PROPERTY
@given(_joined(MARKDOWN_PIECES))
def test_any_markdown_renders_to_wellformed_messages_within_the_limit(markdown: str) -> None:
    """Any body becomes messages Telegram accepts, none too long, together showing the whole text."""
    _check_split(markdown, MESSAGE_TEXT_MAX)


@PROPERTY
@given(_joined(MARKDOWN_PIECES), st.integers(min_value=2, max_value=40))
def test_small_limits_split_anywhere_without_breaking_a_tag(markdown: str, limit: int) -> None:
    """Forced to split often, every chunk is still well-formed and the chunks add up to the whole text."""
    _check_split(markdown, limit)


@PROPERTY
@given(st.text(max_size=200))
def test_arbitrary_unicode_renders_to_wellformed_messages(markdown: str) -> None:
    """Any characters, including astral ones and control characters, render to sendable messages."""
    _check_split(markdown, 16)
