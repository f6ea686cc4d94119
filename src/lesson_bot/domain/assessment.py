"""Assessment rules and what they make of a period's facts: member points (with caps), the branch scorecard, flags.

Pure. The facts (tallies per member, meeting and cadence counts per branch) come from services/reports/; the rules
from the organization's YAML file (domain/assessment_file.py; the shipped defaults equal `ScoringRules`).

The scorecard is a weighted mean of dimensions, each a score from 0 to 100:

- lessons: (on time + make-up x `makeup_credit`) / lessons delivered to the branch's members;
- quiz: right first answers / first answers;
- attendance: (attended + late) / expected at meetings whose sign-in closed;
- cadence: 三会一课 expectations met / expectations due (domain/cadence.py);
- records: records submitted on time / meetings held (a record submitted late, 补录, does not count);
- makeups: make-ups done (lessons studied as 补学, meeting 补学) / make-ups owed (lessons not studied on time,
  meetings on leave or absent);
- manual dimensions: the score an admin entered for the branch and period.

A dimension without data (nothing delivered, no meeting held, no score entered) is left out and the weights of the
others are scaled up; a branch with no dimension at all has no score.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lesson_bot.domain import scoring
from lesson_bot.domain.values import value


class Computed(enum.StrEnum):
    """The dimensions computed from the data."""

    LESSONS = "lessons"
    QUIZ = "quiz"
    ATTENDANCE = "attendance"
    CADENCE = "cadence"
    RECORDS = "records"
    MAKEUPS = "makeups"


@dataclass(frozen=True)
class Caps:
    """The most points a member earns in a period, per part (None: no cap)."""

    lessons: int | None = None
    quiz: int | None = None
    meetings: int | None = None


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    weight: float
    manual: bool = False  # entered by an admin per branch and period


DEFAULT_DIMENSIONS = (
    Dimension(Computed.LESSONS, "微党课学习", 25),
    Dimension(Computed.QUIZ, "答题正确率", 15),
    Dimension(Computed.ATTENDANCE, "会议出勤", 20),
    Dimension(Computed.CADENCE, "三会一课", 20),
    Dimension(Computed.RECORDS, "记录按时上报", 10),
    Dimension(Computed.MAKEUPS, "补学完成", 10),
)


@dataclass(frozen=True)
class Thresholds:
    """What flags a branch or a member (None: never)."""

    branch_score_below: float | None = 60
    member_points_below: int | None = None
    member_lesson_rate_below: float | None = 0.5


@dataclass(frozen=True)
class AssessmentRules:
    points: scoring.ScoringRules = field(default_factory=scoring.ScoringRules)
    caps: Caps = field(default_factory=Caps)
    makeup_credit: float = 0.5  # a lesson first studied as 补学 counts this much towards "lessons"
    dimensions: tuple[Dimension, ...] = DEFAULT_DIMENSIONS
    thresholds: Thresholds = field(default_factory=Thresholds)
    member_ranking: bool = False  # per-person rankings, shown to admins only when on

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    @property
    def manual_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions if d.manual)


@value
class MemberFacts:
    """What one member did in the period, as /me counts it."""

    member_id: int
    name: str
    lessons: scoring.LessonTally
    quiz: scoring.QuizTally
    meetings: scoring.MeetingTally


@dataclass(frozen=True)
class BranchFacts:
    """A branch's period: its members' facts, its meetings and records, its cadence and manual scores."""

    branch_id: int
    title: str
    timezone: str
    members: tuple[MemberFacts, ...]
    meetings_held: int = 0  # sign-in closed in the period, not cancelled
    records_on_time: int = 0
    records_late: int = 0  # 补录: submitted after the meeting ended
    cadence_due: int = 0
    cadence_met: int = 0
    manual: Mapping[str, float] = field(default_factory=dict)  # dimension key -> score 0-100

    @property
    def records_missing(self) -> int:
        return self.meetings_held - self.records_on_time - self.records_late


@value
class DimensionScore:
    key: str
    name: str
    weight: float
    rate: float | None  # 0-1 (a manual score / 100); None: no data

    @property
    def score(self) -> float | None:
        return None if self.rate is None else round(100 * self.rate, 2)


@value
class Scorecard:
    dimensions: tuple[DimensionScore, ...]
    total: float | None  # weighted mean of the dimensions with data, 0-100
    flagged: bool  # under the branch threshold


def rate(part: float, whole: float) -> float | None:
    return None if whole <= 0 else part / whole


def _cap(value: int, cap: int | None) -> int:
    return value if cap is None else min(value, cap)


def member_points(facts: MemberFacts, rules: AssessmentRules) -> scoring.Points:
    """The member's points for the period, each part capped as the rules say."""
    p = rules.points
    lessons = _cap(facts.lessons.on_time * p.on_time_checkin + facts.lessons.makeup * p.makeup_checkin,
                   rules.caps.lessons)
    quiz = _cap(facts.quiz.right * p.right_answer, rules.caps.quiz)
    m = facts.meetings
    meetings = _cap(m.attended * p.attended + m.late * p.late + m.excused * p.excused + m.absent * p.absent
                    + m.made_up * p.meeting_makeup, rules.caps.meetings)
    return scoring.Points(lessons, quiz, meetings)


def lesson_rate(lessons: scoring.LessonTally, rules: AssessmentRules) -> float | None:
    return rate(lessons.on_time + rules.makeup_credit * lessons.makeup, lessons.delivered)


def member_flagged(facts: MemberFacts, points: scoring.Points, rules: AssessmentRules,
                   lessons: float | None = None) -> bool:
    """Whether the member falls under a member threshold; `lessons`: their lesson rate, when the caller has it."""
    t = rules.thresholds
    if lessons is None:
        lessons = lesson_rate(facts.lessons, rules)
    return ((t.member_points_below is not None and points.total < t.member_points_below)
            or (t.member_lesson_rate_below is not None and lessons is not None
                and lessons < t.member_lesson_rate_below))


@value
class Totals:
    """A branch's members added up."""

    lessons: scoring.LessonTally
    quiz: scoring.QuizTally
    meetings: scoring.MeetingTally


def totals(members: Sequence[MemberFacts]) -> Totals:
    """The members' figures added up (column by column: a report adds up every branch)."""
    figures = ((m.lessons.delivered, m.lessons.on_time, m.lessons.makeup, m.quiz.answered, m.quiz.right,
                m.quiz.review_answered, m.quiz.review_right, m.meetings.attended, m.meetings.late, m.meetings.excused,
                m.meetings.absent, m.meetings.made_up) for m in members)
    sums = [sum(column) for column in zip(*figures, strict=True)] or [0] * 12
    return Totals(scoring.LessonTally(*sums[:3]), scoring.QuizTally(*sums[3:7]), scoring.MeetingTally(*sums[7:]))


def _computed(key: str, branch: BranchFacts, sums: Totals, rules: AssessmentRules) -> float | None:
    m = sums.meetings
    match key:
        case Computed.LESSONS:
            return lesson_rate(sums.lessons, rules)
        case Computed.QUIZ:
            return rate(sums.quiz.right, sums.quiz.answered)
        case Computed.ATTENDANCE:
            return rate(m.attended + m.late, m.attended + m.late + m.excused + m.absent)
        case Computed.CADENCE:
            return rate(branch.cadence_met, branch.cadence_due)
        case Computed.RECORDS:
            return rate(branch.records_on_time, branch.meetings_held)
        case Computed.MAKEUPS:
            owed = sums.lessons.delivered - sums.lessons.on_time + m.excused + m.absent
            return rate(sums.lessons.makeup + m.made_up, owed)
    raise ValueError(f"unknown dimension {key}")


def scorecard(branch: BranchFacts, rules: AssessmentRules, sums: Totals | None = None) -> Scorecard:
    """The branch's weighted dimensions and total, and whether it falls under the threshold."""
    sums = sums or totals(branch.members)
    scores = []
    for d in rules.dimensions:
        if d.manual:
            entered = branch.manual.get(d.key)
            value = None if entered is None else entered / 100
        else:
            value = _computed(d.key, branch, sums, rules)
        scores.append(DimensionScore(d.key, d.name, d.weight, value))
    counted = [s for s in scores if s.rate is not None and s.weight > 0]
    weight = sum(s.weight for s in counted)
    total = None if not weight else round(sum(s.weight * 100 * (s.rate or 0) for s in counted) / weight, 2)
    below = rules.thresholds.branch_score_below
    return Scorecard(tuple(scores), total, total is not None and below is not None and total < below)


def ranks(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) by score, highest first; those without a score are not ranked."""
    first: dict[float, int] = {}
    for place, score in enumerate(sorted((s for s in scores.values() if s is not None), reverse=True), 1):
        first.setdefault(score, place)
    return {key: first[s] for key, s in scores.items() if s is not None}
