"""民主测评 (satisfaction surveys): the answer scales, the satisfaction index, and Telegram's poll limits applied to
what an admin types. Pure: no I/O.

A survey question is sent to every branch group as an anonymous poll whose options are the scale's labels, best
first. The bot never learns who chose what: it reads only each option's count when it stops the poll.

The satisfaction index of a set of votes is the vote-weighted mean of the options' weights, 0-100:
- satisfaction scale (满意 / 基本满意 / 不满意): 100 / 60 / 0;
- five-point scale (5 … 1, best first): 100 / 75 / 50 / 25 / 0, i.e. (points - 1) × 25.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from tgrules.html import utf16_len
from tgrules.limits import POLL_OPTION_MAX, POLL_OPTIONS_MAX, POLL_OPTIONS_MIN, POLL_QUESTION_MAX

MAX_QUESTIONS = 10  # a survey is "a few questions": ten polls in a group at once is already a lot
TITLE_MAX = 200
PERIOD_MAX = 32


class Scale(enum.StrEnum):
    SATISFACTION = "satisfaction"  # 满意 / 基本满意 / 不满意
    FIVE = "five"  # 5 (非常满意) … 1 (很不满意)


class SurveyState(enum.StrEnum):
    OPEN = "open"  # polls are (being) sent; members vote
    CLOSED = "closed"  # closes_at passed: every sent poll is (being) stopped and its counts kept


WEIGHTS: dict[Scale, tuple[int, ...]] = {
    Scale.SATISFACTION: (100, 60, 0),
    Scale.FIVE: (100, 75, 50, 25, 0),
}


def option_count(scale: Scale) -> int:
    return len(WEIGHTS[scale])


def satisfaction_index(scale: Scale, counts: Sequence[int]) -> float | None:
    """The vote-weighted mean of the options' weights (0-100); None without votes."""
    weights = WEIGHTS[scale]
    votes = sum(counts)
    if votes == 0:
        return None
    return sum(w * c for w, c in zip(weights, counts, strict=True)) / votes


def pooled_index(parts: Sequence[tuple[Scale, Sequence[int]]]) -> float | None:
    """The index over several questions' votes together (each vote weighs the same); None without votes."""
    votes = sum(sum(counts) for _scale, counts in parts)
    if votes == 0:
        return None
    return sum(w * c for scale, counts in parts for w, c in zip(WEIGHTS[scale], counts, strict=True)) / votes


def response_rate(votes: int, expected: int) -> float | None:
    """votes / expected, capped at 1: Telegram counts every voter in the group, roster or not. None when nobody
    was expected."""
    if expected <= 0:
        return None
    return min(1.0, votes / expected)


@dataclass(frozen=True)
class Problem:
    """What is wrong with what the admin typed: `field`, `problem`, and the numbers to say it with."""

    field: str
    problem: str
    index: int | None = None
    limit: int | None = None


def check_survey(title: str, period: str, questions: Sequence[str]) -> Problem | None:
    """The first problem with a survey's texts, or None. Poll questions follow Telegram's limits (tgrules)."""
    if not title.strip():
        return Problem("title", "empty")
    if len(title) > TITLE_MAX:
        return Problem("title", "too_long", limit=TITLE_MAX)
    if len(period) > PERIOD_MAX:
        return Problem("period", "too_long", limit=PERIOD_MAX)
    if not questions:
        return Problem("questions", "empty")
    if len(questions) > MAX_QUESTIONS:
        return Problem("questions", "too_many", limit=MAX_QUESTIONS)
    for index, question in enumerate(questions, start=1):
        if not question.strip():
            return Problem("question", "empty", index=index)
        if utf16_len(question) > POLL_QUESTION_MAX:
            return Problem("question", "too_long", index=index, limit=POLL_QUESTION_MAX)
    return None


def check_options(options: Sequence[str]) -> Problem | None:
    """Whether a scale's labels (as translated) make a valid poll: 2-12 options of 1-100 characters."""
    if not POLL_OPTIONS_MIN <= len(options) <= POLL_OPTIONS_MAX:
        return Problem("options", "count", limit=POLL_OPTIONS_MAX)
    for index, option in enumerate(options, start=1):
        if not option.strip() or utf16_len(option) > POLL_OPTION_MAX:
            return Problem("options", "too_long", index=index, limit=POLL_OPTION_MAX)
    return None
