"""Scoring rules: lessons on time / make-up / missed, first answers, meetings, and the points they earn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.scoring import (
    Answer,
    CheckIn,
    Points,
    ScoringRules,
    first_answers,
    lesson_modes,
    lesson_tally,
    meeting_tally,
    quiz_tally,
    score,
)

ON, MAKEUP, REVIEW = ParticipationMode.ON_TIME, ParticipationMode.MAKEUP, ParticipationMode.REVIEW
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def answer(version: int, question: int, mode: ParticipationMode, correct: bool, minutes: int) -> Answer:
    return Answer(version, question, mode, correct, T0 + timedelta(minutes=minutes))


def checkin(version: int, mode: ParticipationMode, minutes: int) -> CheckIn:
    return CheckIn(version, mode, T0 + timedelta(minutes=minutes))


def test_a_lesson_counts_once_by_its_first_check_in() -> None:
    """A lesson counts once, as it was first studied: a group tap after a 补学 does not make it on time; make-up
    alone is make-up; nothing is missed; a lesson never delivered to the member does not count."""
    modes = lesson_modes([1, 2, 3, 4], [checkin(1, MAKEUP, 30), checkin(1, ON, 40), checkin(2, MAKEUP, 5),
                                        checkin(4, ON, 1), checkin(4, MAKEUP, 90), checkin(9, ON, 0)])
    assert modes == {1: MAKEUP, 2: MAKEUP, 3: None, 4: ON}
    tally = lesson_tally(modes)
    assert (tally.delivered, tally.on_time, tally.makeup, tally.missed) == (4, 1, 2, 1)


def test_only_the_first_answer_to_each_question_counts_and_reviews_apart() -> None:
    """A wrong on-time answer then a right make-up one is a wrong first answer; reviews are tallied apart."""
    answers = [answer(1, 0, MAKEUP, True, 50), answer(1, 0, ON, False, 5), answer(1, 1, ON, True, 6),
               answer(1, 0, REVIEW, True, 2000)]
    assert [(a.question_index, a.correct) for a in first_answers(answers)] == [(0, False), (1, True)]
    tally = quiz_tally(answers)
    assert (tally.answered, tally.right, tally.review_answered, tally.review_right) == (2, 1, 1, 1)


def test_points_with_the_breakdown() -> None:
    """On time 2 + make-up 1, one right first answer 1, attended 3 + late 2 + absent 0 = 9."""
    modes = {1: ON, 2: MAKEUP, 3: None}
    answers = [answer(1, 0, ON, True, 1), answer(1, 1, ON, False, 2), answer(2, 0, REVIEW, True, 3)]
    meetings = [Status.PRESENT, Status.LATE, Status.ABSENT, Status.EXCUSED]
    points = score(modes, answers, meetings, ScoringRules())
    assert points == Points(lessons=3, quiz=1, meetings=5) and points.total == 9
    assert meeting_tally(meetings).late == 1
    assert score(modes, answers, meetings, ScoringRules(on_time_checkin=5)).lessons == 6
