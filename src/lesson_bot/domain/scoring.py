"""Points and tallies over what a member did: pure functions over participation facts (docs/participation-scoring.md).

- A lesson delivered to the member counts once, by the member's first check-in: on time (in the group), as make-up
  (补学 in private), or missed. On time 2 points, make-up 1. Tapping the group's button after a 补学 changes nothing:
  the lesson was not studied on time.
- Quiz: the first answer to each question of a lesson, on time or as make-up, counts; a right one is 1 point.
  Review answers (re-quiz of mistakes) are tallied apart and earn nothing: they would reward having been wrong.
- Meetings the member was expected at, once their sign-in window has closed (domain/attendance.py decides who was
  expected and each one's standing): attended 3, late 2, excused (approved leave) 0, absent 0.
- Meeting 补学: a member excused or absent who completes the meeting's make-up earns 1, as a lesson's make-up does:
  credited, below attending. The standing stays what it was (absent is still absent); the make-up is counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.values import value

CREDITED = (ParticipationMode.ON_TIME, ParticipationMode.MAKEUP)


@dataclass(frozen=True)
class ScoringRules:
    on_time_checkin: int = 2
    makeup_checkin: int = 1
    right_answer: int = 1
    attended: int = 3
    late: int = 2
    excused: int = 0
    absent: int = 0
    meeting_makeup: int = 1  # added to excused/absent when the member completed the meeting's 补学

    def for_attendance(self, status: Status) -> int:
        return {Status.PRESENT: self.attended, Status.LATE: self.late, Status.EXCUSED: self.excused,
                Status.ABSENT: self.absent}[status]


@dataclass(frozen=True)
class Standing:
    """A meeting the member was expected at: their standing at its close, and whether they made it up since."""

    status: Status
    made_up: bool = False

    @property
    def owes_makeup(self) -> bool:
        """Excused or absent: the meeting's 补学 is due from them."""
        return self.status in (Status.EXCUSED, Status.ABSENT)


def _standing(item: Status | Standing) -> Standing:
    return item if isinstance(item, Standing) else Standing(item)


@dataclass(frozen=True)
class CheckIn:
    lesson_version_id: int
    mode: ParticipationMode
    occurred_at: datetime
    order: int = 0  # breaks ties between check-ins recorded at the same instant (the event id)


@dataclass(frozen=True)
class Answer:
    lesson_version_id: int
    question_index: int
    mode: ParticipationMode
    correct: bool
    occurred_at: datetime
    order: int = 0  # breaks ties between answers recorded at the same instant (the event id)


@value
class LessonTally:
    delivered: int
    on_time: int
    makeup: int

    @property
    def missed(self) -> int:
        return self.delivered - self.on_time - self.makeup


@value
class QuizTally:
    answered: int  # first answers, on time or make-up
    right: int
    review_answered: int
    review_right: int


@value
class MeetingTally:
    attended: int = 0
    late: int = 0
    excused: int = 0
    absent: int = 0
    made_up: int = 0  # of the excused and absent ones, those whose 补学 the member completed

    @property
    def to_make_up(self) -> int:
        """Excused or absent, and not made up yet."""
        return self.excused + self.absent - self.made_up


@value
class Points:
    lessons: int
    quiz: int
    meetings: int

    @property
    def total(self) -> int:
        return self.lessons + self.quiz + self.meetings


def lesson_modes(delivered: Iterable[int], checkins: Iterable[CheckIn]) -> dict[int, ParticipationMode | None]:
    """For each delivered lesson version, how it was first studied (on time or make-up); None is missed."""
    first: dict[int, ParticipationMode | None] = dict.fromkeys(delivered)
    for checkin in sorted(checkins, key=lambda c: (c.occurred_at, c.order)):
        if checkin.lesson_version_id in first and checkin.mode in CREDITED and first[checkin.lesson_version_id] is None:
            first[checkin.lesson_version_id] = checkin.mode
    return first


def lesson_tally(modes: Mapping[int, ParticipationMode | None]) -> LessonTally:
    values = list(modes.values())
    return LessonTally(len(values), values.count(ParticipationMode.ON_TIME), values.count(ParticipationMode.MAKEUP))


def first_answers(answers: Iterable[Answer]) -> list[Answer]:
    """The first on-time or make-up answer to each question of each lesson version."""
    first: dict[tuple[int, int], Answer] = {}
    for answer in sorted(answers, key=lambda a: (a.occurred_at, a.order)):
        if answer.mode in CREDITED:
            first.setdefault((answer.lesson_version_id, answer.question_index), answer)
    return list(first.values())


def quiz_tally(answers: Iterable[Answer]) -> QuizTally:
    answers = list(answers)
    first = first_answers(answers)
    reviews = [a for a in answers if a.mode is ParticipationMode.REVIEW]
    return QuizTally(len(first), sum(a.correct for a in first), len(reviews), sum(a.correct for a in reviews))


def meeting_tally(meetings: Iterable[Status | Standing]) -> MeetingTally:
    standings = [_standing(m) for m in meetings]
    statuses = [m.status for m in standings]
    return MeetingTally(statuses.count(Status.PRESENT), statuses.count(Status.LATE), statuses.count(Status.EXCUSED),
                        statuses.count(Status.ABSENT), sum(m.owes_makeup and m.made_up for m in standings))


def score(modes: Mapping[int, ParticipationMode | None], answers: Iterable[Answer],
          meetings: Iterable[Status | Standing], rules: ScoringRules) -> Points:
    """The member's points, with the breakdown, under these rules."""
    lessons = sum(rules.on_time_checkin if m is ParticipationMode.ON_TIME else rules.makeup_checkin
                  for m in modes.values() if m is not None)
    quiz = rules.right_answer * sum(a.correct for a in first_answers(answers) if a.lesson_version_id in modes)
    standings = [_standing(m) for m in meetings]
    attended = sum(rules.for_attendance(m.status) for m in standings)
    made_up = rules.meeting_makeup * sum(m.owes_makeup and m.made_up for m in standings)
    return Points(lessons, quiz, attended + made_up)
