"""Re-quiz of mistakes: when a question a member answered wrongly comes back to them (pure, no I/O).

A question is open for a member while their latest answer to it (in any mode: on time, make-up, review) is
wrong. The next review falls due a spaced interval after the last wrong answer: 1 day after the first wrong
answer in a row, 3 days after the second, 7 days after the third and every later one. A right answer closes it;
a later wrong answer opens it again, starting from 1 day.

Nothing is sent in the quiet hours (22:00-08:00 in the branch's zone): a review falling due inside them waits
for their end. Each wrong answer earns one automatic review: once a review of the question was sent after the
last wrong answer, the next one waits for another wrong answer (/review still asks every open one on demand).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

INTERVALS = (timedelta(days=1), timedelta(days=3), timedelta(days=7))
QUIET_START = time(22, 0)
QUIET_END = time(8, 0)


@dataclass(frozen=True)
class Answer:
    """One answer of a member to one question (first answer per poll; polls of every mode count)."""

    at: datetime
    correct: bool


@dataclass(frozen=True)
class Mistake:
    """An open question: its latest answer was wrong."""

    streak: int  # wrong answers in a row since the last right one (sets the interval)
    wrong_total: int  # every wrong answer ever given to it (names each automatic review once)
    last_wrong_at: datetime
    due_at: datetime  # last wrong answer + interval, before quiet hours are applied


def interval(streak: int) -> timedelta:
    """The wait before a review after `streak` wrong answers in a row (1, 3, then 7 days)."""
    if streak < 1:
        raise ValueError("a review follows at least one wrong answer")
    return INTERVALS[min(streak, len(INTERVALS)) - 1]


def open_mistake(answers: Iterable[Answer]) -> Mistake | None:
    """The open mistake of one member on one question, or None when their latest answer was right (or none)."""
    ordered = sorted(answers, key=lambda a: a.at)
    if not ordered or ordered[-1].correct:
        return None
    streak = 0
    for answer in reversed(ordered):
        if answer.correct:
            break
        streak += 1
    last = ordered[-1].at
    return Mistake(streak, sum(not a.correct for a in ordered), last, last + interval(streak))


def in_quiet_hours(at: datetime, zone: ZoneInfo) -> bool:
    """Whether `at` falls in the quiet hours (22:00-08:00 local, wrapping past midnight)."""
    local = at.astimezone(zone).time()
    return local >= QUIET_START or local < QUIET_END


def after_quiet_hours(at: datetime, zone: ZoneInfo) -> datetime:
    """`at` itself outside the quiet hours; inside them, the local 08:00 that ends them (in `at`'s zone)."""
    if not in_quiet_hours(at, zone):
        return at
    local = at.astimezone(zone)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    # Built from wall-clock fields so that 08:00 stays 08:00 across a DST change.
    return datetime.combine(day, QUIET_END, tzinfo=zone).astimezone(at.tzinfo)


def quiet_start_after(at: datetime, zone: ZoneInfo) -> datetime:
    """The next start of the quiet hours after `at` (a review not sent by then is not sent that night)."""
    local = at.astimezone(zone)
    day = local.date() if local.time() < QUIET_START else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_START, tzinfo=zone).astimezone(at.tzinfo)


def release_at(mistake: Mistake, zone: ZoneInfo) -> datetime:
    """When the review of a mistake may be sent: its due time, moved out of the quiet hours."""
    return after_quiet_hours(mistake.due_at, zone)


def is_due(mistake: Mistake, now: datetime, zone: ZoneInfo, last_review_sent_at: datetime | None) -> bool:
    """Whether the automatic review of this mistake should go out now."""
    if last_review_sent_at is not None and last_review_sent_at >= mistake.last_wrong_at:
        return False  # already reviewed since the last wrong answer: waits for the member's answer
    return now >= release_at(mistake, zone) and not in_quiet_hours(now, zone)
