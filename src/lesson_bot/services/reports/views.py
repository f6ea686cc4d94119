"""What the report services return: plain frozen values (figures as numbers; rates 0-1, None without data)."""

from __future__ import annotations

from dataclasses import dataclass

from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import (
    AssessmentRules,
    BranchFacts,
    MemberFacts,
    Scorecard,
    Totals,
    lesson_rate,
    member_flagged,
    member_points,
    rate,
    scorecard,
    totals,
)
from lesson_bot.domain.periods import Period
from lesson_bot.domain.values import value


@value
class Rates:
    lessons: float | None  # (on time + make-up x credit) / delivered
    quiz: float | None  # right / answered (first answers)
    attendance: float | None  # (attended + late) / expected


def rates(lessons: scoring.LessonTally, quiz: scoring.QuizTally, meetings: scoring.MeetingTally,
          rules: AssessmentRules) -> Rates:
    present = meetings.attended + meetings.late
    return Rates(lesson_rate(lessons, rules), rate(quiz.right, quiz.answered),
                 rate(present, present + meetings.excused + meetings.absent))


@value
class MemberLine:
    """One member in one branch for the period."""

    branch_id: int
    member_id: int
    name: str
    lessons: scoring.LessonTally
    quiz: scoring.QuizTally
    meetings: scoring.MeetingTally
    points: scoring.Points
    rates: Rates
    flagged: bool  # under a member threshold
    rank: int | None = None  # within the branch, by points; only when the rules turn rankings on, for admins


@value
class BranchLine:
    """One branch for the period: its members added up, its meetings and records, its scorecard."""

    branch_id: int
    title: str
    timezone: str
    members: int
    totals: Totals
    points: int  # the members' points added up
    rates: Rates
    meetings_held: int
    records_on_time: int
    records_late: int
    records_missing: int
    cadence_due: int
    cadence_met: int
    scorecard: Scorecard
    rank: int | None = None  # within the organization, by scorecard total

    @property
    def points_per_member(self) -> float | None:
        return rate(self.points, self.members)


def member_line(branch_id: int, facts: MemberFacts, rules: AssessmentRules) -> MemberLine:
    points = member_points(facts, rules)
    line_rates = rates(facts.lessons, facts.quiz, facts.meetings, rules)
    return MemberLine(branch_id, facts.member_id, facts.name, facts.lessons, facts.quiz, facts.meetings, points,
                      line_rates, member_flagged(facts, points, rules, line_rates.lessons))


def branch_line(facts: BranchFacts, rules: AssessmentRules, rank: int | None = None, *, points: int | None = None
                ) -> BranchLine:
    """The branch's line; `points`: its members' points added up, when the caller has them already."""
    sums = totals(facts.members)
    if points is None:
        points = sum(member_points(m, rules).total for m in facts.members)
    return BranchLine(
        facts.branch_id, facts.title, facts.timezone, len(facts.members), sums,
        points, rates(sums.lessons, sums.quiz, sums.meetings, rules),
        facts.meetings_held, facts.records_on_time, facts.records_late, facts.records_missing, facts.cadence_due,
        facts.cadence_met, scorecard(facts, rules, sums), rank)


@dataclass(frozen=True)
class MemberReport:
    period: Period
    member_id: int
    name: str
    branches: tuple[MemberLine, ...]  # one per branch the member belongs to
    titles: tuple[str, ...]  # the branches' titles, in the same order


@dataclass(frozen=True)
class BranchReport:
    period: Period
    branch: BranchLine
    ranked_among: int  # branches with a score in the organization (the rank's denominator)
    members: tuple[MemberLine, ...]  # in roster order

    @property
    def flagged_members(self) -> tuple[MemberLine, ...]:
        return tuple(m for m in self.members if m.flagged)


@value
class Trend:
    branch_id: int
    score: float | None
    previous: float | None  # the scorecard total in the period before

    @property
    def delta(self) -> float | None:
        return None if self.score is None or self.previous is None else round(self.score - self.previous, 2)


@dataclass(frozen=True)
class OrgReport:
    period: Period
    previous: Period
    branches: tuple[BranchLine, ...]  # by rank, unranked last, then by title
    trend: tuple[Trend, ...]  # in the order of `branches`
    members: tuple[MemberLine, ...]  # every member, by branch (for the members sheet)
    rules: AssessmentRules

    @property
    def flagged(self) -> tuple[BranchLine, ...]:
        return tuple(b for b in self.branches if b.scorecard.flagged)

    @property
    def total(self) -> Totals:
        lines = [b.totals for b in self.branches]
        return Totals(
            scoring.LessonTally(*(sum(getattr(t.lessons, n) for t in lines) for n in ("delivered", "on_time",
                                                                                   "makeup"))),
            scoring.QuizTally(*(sum(getattr(t.quiz, n) for t in lines)
                                for n in ("answered", "right", "review_answered", "review_right"))),
            scoring.MeetingTally(*(sum(getattr(t.meetings, n) for t in lines)
                                   for n in ("attended", "late", "excused", "absent", "made_up"))))


@dataclass(frozen=True)
class Delta:
    """What a changed rule file makes of one branch's score or one member's points."""

    branch_id: int
    member_id: int | None  # None: the branch's scorecard total
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 2)


@dataclass(frozen=True)
class RulesDiff:
    period: Period
    branches: tuple[Delta, ...]
    members: tuple[Delta, ...]  # only those whose points change

    @property
    def changed(self) -> tuple[Delta, ...]:
        return tuple(d for d in self.branches if d.before != d.after)
