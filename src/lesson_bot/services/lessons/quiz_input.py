"""A quiz question typed in the chat, one answer at a time, held to the rules `content check` applies to a lesson
file's quiz (docs/content-format.md): Telegram's poll limits, distinct options, a correct option that is not the
only far longer one, an explanation that gives away no other question's answer, no importer placeholder left."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from lesson_bot.content.review_data import LONG_OPTION_MARGIN, LONG_OPTION_RATIO, MIN_LEAK_LENGTH, PLACEHOLDERS
from lesson_bot.content.rules import QUIZ_MAX
from lesson_bot.services.errors import InvalidInput
from tgrules.limits import (
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_OPTIONS_MIN,
    POLL_QUESTION_MAX,
    QUIZ_EXPLANATION_MAX,
    QUIZ_EXPLANATION_MAX_LINE_FEEDS,
)

__all__ = ["QUIZ_MAX", "read_correct", "read_explanation", "read_options", "read_question"]

# "1. ", "A、", "- ", "（1）" before an option: a list's marks, not the option's text.
_OPTION_MARK = re.compile(r"^\s*(?:[-*•]|[(（]?(?:\d{1,2}|[A-La-l])[)）.、．:：])\s*")


def _bare(text: str) -> str:
    """Text without punctuation, symbols and spaces, lower-cased (as content.review compares answers)."""
    return "".join(char for char in text.lower() if unicodedata.category(char)[0] not in "PSZC")


def _no_placeholder(field: str, text: str) -> None:
    if any(mark.strip() in text for mark in PLACEHOLDERS):
        raise InvalidInput(field, "placeholder", value=text)


def read_question(text: str) -> str:
    """The question as typed: 1-300 characters."""
    text = text.strip()
    if not text:
        raise InvalidInput("quiz.question", "empty")
    if len(text) > POLL_QUESTION_MAX:
        raise InvalidInput("quiz.question", "too_long", limit=POLL_QUESTION_MAX, length=len(text))
    _no_placeholder("quiz.question", text)
    return text


def read_options(text: str) -> tuple[str, ...]:
    """One option a line, list marks dropped: 2-12 different options of at most 100 characters each."""
    options = tuple(_OPTION_MARK.sub("", line).strip() for line in text.splitlines())
    options = tuple(option for option in options if option)
    if not POLL_OPTIONS_MIN <= len(options) <= POLL_OPTIONS_MAX:
        raise InvalidInput("quiz.options", "count", count=len(options), low=POLL_OPTIONS_MIN, high=POLL_OPTIONS_MAX)
    for number, option in enumerate(options, start=1):
        if len(option) > POLL_OPTION_MAX:
            raise InvalidInput("quiz.options", "too_long", number=number, limit=POLL_OPTION_MAX, length=len(option))
        if option in options[: number - 1]:
            raise InvalidInput("quiz.options", "repeated", number=number, first=options.index(option) + 1,
                               value=option)
        _no_placeholder("quiz.options", option)
    return options


def read_correct(text: str, options: Sequence[str]) -> int:
    """The correct option's number as typed (1 = the first), returned 0-based; refused when that option is the only
    far longer one (a member could pick it by its length)."""
    value = text.strip().rstrip(".。")
    number = int(value) if value.isdigit() else ord(value.upper()) - ord("A") + 1 if len(value) == 1 else 0
    if not 1 <= number <= len(options):
        raise InvalidInput("quiz.correct", "not_an_option", value=text.strip(), high=len(options))
    right = options[number - 1]
    wrong = max(len(option) for index, option in enumerate(options) if index != number - 1)
    if len(right) >= LONG_OPTION_RATIO * wrong and len(right) - wrong >= LONG_OPTION_MARGIN:
        raise InvalidInput("quiz.correct", "longest", right=len(right), wrong=wrong)
    return number - 1


def read_explanation(text: str, question: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> str:
    """Why the correct option is right: 1-200 characters, at most 2 line breaks, naming no other question's
    correct option (members read it before answering that one)."""
    text = text.strip()
    if not text:
        raise InvalidInput("quiz.explanation", "empty")
    if len(text) > QUIZ_EXPLANATION_MAX:
        raise InvalidInput("quiz.explanation", "too_long", limit=QUIZ_EXPLANATION_MAX, length=len(text))
    if text.count("\n") > QUIZ_EXPLANATION_MAX_LINE_FEEDS:
        raise InvalidInput("quiz.explanation", "line_breaks", limit=QUIZ_EXPLANATION_MAX_LINE_FEEDS)
    _no_placeholder("quiz.explanation", text)
    for number, other in enumerate(others, start=1):
        answer = str(other["options"][int(other["correct"])])
        if len(_bare(answer)) >= MIN_LEAK_LENGTH and _bare(answer) in _bare(text):
            raise InvalidInput("quiz.explanation", "gives_away", number=number, value=answer)
    mine = str(question["options"][int(question["correct"])])
    for number, other in enumerate(others, start=1):
        if len(_bare(mine)) >= MIN_LEAK_LENGTH and _bare(mine) in _bare(str(other["explanation"])):
            raise InvalidInput("quiz.correct", "given_away", number=number, value=mine)
    return text
