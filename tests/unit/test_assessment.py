"""Assessment rules: the shipped file equals today's scoring, member points with caps, the scorecard, YAML errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from lesson_bot.config import ConfigError
from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import (
    AssessmentRules,
    BranchFacts,
    Caps,
    Dimension,
    MemberFacts,
    Thresholds,
    member_flagged,
    member_points,
    ranks,
    scorecard,
)
from lesson_bot.domain.assessment_file import AssessmentError, load_rules
from lesson_bot.services.reports.config import default_rules_text, read_assessment_rules


def facts(member_id: int = 1, *, lessons: tuple[int, int, int] = (4, 2, 1), quiz: tuple[int, int] = (10, 7),
          meetings: tuple[int, ...] = (2, 1, 1, 1, 1)) -> MemberFacts:
    return MemberFacts(member_id, f"m{member_id}", scoring.LessonTally(*lessons), scoring.QuizTally(*quiz, 0, 0),
                       scoring.MeetingTally(*meetings))


def test_the_shipped_file_states_the_defaults_which_equal_todays_scoring() -> None:
    """assessment_default.yaml read back gives AssessmentRules(), whose points are ScoringRules() (/me's)."""
    rules = load_rules(default_rules_text(), "assessment_default.yaml")
    assert rules == AssessmentRules()
    assert rules.points == scoring.ScoringRules()
    assert read_assessment_rules(None) == rules
    assert not rules.member_ranking


def test_member_points_equal_me_and_caps_limit_each_part() -> None:
    """2 on time (4) + 1 make-up (1) = 5; 7 right = 7; 2 attended 6 + late 2 + made up 1 = 9; caps trim parts."""
    member = facts()
    assert member_points(member, AssessmentRules()) == scoring.Points(5, 7, 9)
    capped = AssessmentRules(caps=Caps(quiz=5, meetings=4))
    assert member_points(member, capped) == scoring.Points(5, 5, 4)
    assert member_points(member, capped).total == 14


def test_scorecard_weights_dimensions_and_leaves_out_those_without_data() -> None:
    """lessons (2+0.5)/4 = 62.5, quiz 70, attendance 3/5 = 60, cadence 1/2 = 50, records 1/2 = 50, make-ups
    (1 + 1)/(2 + 2) = 50; weighted (25, 15, 20, 20, 10, 10) = 58.125 → flagged under 60. Without meetings the
    meeting dimensions drop out and the rest are re-weighted."""
    branch = BranchFacts(1, "一支部", "Asia/Shanghai", (facts(),), meetings_held=2, records_on_time=1,
                         records_late=1, cadence_due=2, cadence_met=1)
    card = scorecard(branch, AssessmentRules())
    assert [d.score for d in card.dimensions] == [62.5, 70.0, 60.0, 50.0, 50.0, 50.0]
    assert card.total == pytest.approx(58.12, abs=0.01)
    assert card.flagged
    quiet = BranchFacts(2, "二支部", "Asia/Shanghai", (facts(meetings=(0, 0, 0, 0, 0)),))
    card = scorecard(quiet, AssessmentRules())
    assert [d.score for d in card.dimensions] == [62.5, 70.0, None, None, None, pytest.approx(100 * 1 / 2)]
    assert card.total == round((25 * 62.5 + 15 * 70 + 10 * 50) / 50, 2)


def test_a_manual_dimension_counts_the_score_entered_or_nothing() -> None:
    rules = AssessmentRules(dimensions=(Dimension("quiz", "答题", 1), Dimension("review", "党委评价", 1, manual=True)))
    base = BranchFacts(1, "一支部", "UTC", (facts(),))
    assert scorecard(base, rules).total == 70
    entered = BranchFacts(1, "一支部", "UTC", (facts(),), manual={"review": 90})
    assert scorecard(entered, rules).total == 80


def test_member_thresholds_and_ranks() -> None:
    rules = AssessmentRules(thresholds=Thresholds(member_points_below=25, member_lesson_rate_below=None))
    member = facts()
    assert member_flagged(member, member_points(member, rules), rules)  # 21 points < 25
    assert not member_flagged(member, member_points(member, AssessmentRules()), AssessmentRules())  # 62.5% ≥ 50%
    assert ranks({1: 80.0, 2: 90.0, 3: 80.0, 4: None, 5: 10.0}) == {2: 1, 1: 2, 3: 2, 5: 4}


@pytest.mark.parametrize(("text", "message"), [
    ("points:\n  lesson_on_time: two\n",
     "rules.yaml:2: points.lesson_on_time: expected a whole number from 0 to 100"),
    ("points:\n  lesson_ontime: 2\n", "rules.yaml:2: points.lesson_ontime: unknown key; expected one of"),
    ("scorecard:\n  dimensions:\n    quiz: {weight: 10}\n    speed: {weight: 5}\n",
     "rules.yaml:4: scorecard.dimensions.speed: not a computed dimension"),
    ("scorecard:\n  dimensions:\n    quiz: {name: 答题}\n",
     "rules.yaml:3: scorecard.dimensions.quiz: weight is missing"),
    ("scorecard:\n  dimensions:\n    quiz: {weight: 0}\n",
     "rules.yaml:3: scorecard.dimensions: at least one dimension with a weight above 0 is needed"),
    ("thresholds:\n  branch_score_below: 160\n",
     "rules.yaml:2: thresholds.branch_score_below: expected a number from 0 to 100"),
    ("member_ranking: sometimes\n", "rules.yaml:1: member_ranking: expected true or false"),
    ("points: [1, 2\n", "rules.yaml:2: not valid YAML"),
    ("caps:\n  quiz: 5\n  quiz: 6\n", "rules.yaml:3: caps.quiz: given twice"),
])
def test_a_mistake_in_the_rules_file_is_named_with_its_line(text: str, message: str) -> None:
    with pytest.raises(AssessmentError) as caught:
        load_rules(text, "rules.yaml")
    assert str(caught.value).startswith(message)


def test_a_file_changes_only_what_it_states() -> None:
    rules = load_rules("points:\n  right_answer: 2\ncaps:\n  quiz: 10\nmember_ranking: true\n"
                       "thresholds:\n  branch_score_below: null\n"
                       "scorecard:\n  dimensions:\n    quiz: {weight: 1}\n    review: {weight: 1, manual: true}\n")
    assert rules.points == scoring.ScoringRules(right_answer=2)
    assert rules.caps == Caps(quiz=10)
    assert rules.member_ranking
    assert rules.thresholds.branch_score_below is None
    assert rules.manual_keys == ("review",)


def test_a_bad_assessment_file_stops_the_service_with_the_variable_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "assessment.yaml"
    path.write_text("caps:\n  lessons: -1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_assessment_rules(path)
    assert str(caught.value) == ("LESSON_BOT_ASSESSMENT_FILE: assessment.yaml:2: caps.lessons: expected a whole "
                                 "number from 0 to 100000")
