"""Period reports on a scripted quarter (tests/services/reports_support.py), figures computed by hand; on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest

from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import AssessmentRules, Caps
from lesson_bot.domain.periods import parse
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.reports.views import MemberLine
from tests.support.reports import BOB, SEC_A, play_quarter
from tests.support.services import ADMIN, Services

Q4 = parse("2026-Q4")
T = scoring.LessonTally
Q = scoring.QuizTally
M = scoring.MeetingTally


def reports(services: Services, rules: AssessmentRules | None = None) -> ReportService:
    return ReportService(services.db, services.clock, services.access, rules)


def figures(line: MemberLine) -> tuple[T, Q, M, scoring.Points]:
    return line.lessons, line.quiz, line.meetings, line.points


async def test_branch_report_figures_equal_the_hand_count(services: Services) -> None:
    """一支部 in 2026-Q4, member by member: L3 (January) is not counted, Dan owes only L2 (he joined after L1),
    Carol's make-up answer does not replace her first, Bob's meeting 补学 earns 1; the branch adds them up."""
    q = await play_quarter(services, services.clock)
    report = await reports(services).branch_report(SEC_A.telegram_user_id, q.branch_a, Q4)
    by_name = {m.name: m for m in report.members}
    assert [m.name for m in report.members] == ["李书记", "Bob", "Carol", "Dan"]
    assert figures(by_name["Bob"]) == (T(2, 2, 0), Q(2, 1, 0, 0), M(1, 0, 0, 1, 1), scoring.Points(4, 1, 4))
    assert figures(by_name["Carol"]) == (T(2, 0, 1), Q(1, 0, 0, 0), M(1, 1, 0, 0, 0), scoring.Points(1, 0, 5))
    assert figures(by_name["Dan"]) == (T(1, 0, 1), Q(0, 0, 0, 0), M(1, 0, 0, 0, 0), scoring.Points(1, 0, 3))
    assert figures(by_name["李书记"]) == (T(2, 0, 0), Q(0, 0, 0, 0), M(0, 0, 1, 1, 0), scoring.Points(0, 0, 0))
    branch = report.branch
    assert (branch.members, branch.points) == (4, 9 + 6 + 4)
    assert branch.totals.lessons == T(7, 2, 2)
    assert branch.totals.quiz == Q(3, 1, 0, 0)
    assert branch.totals.meetings == M(3, 1, 1, 2, 1)
    assert (branch.meetings_held, branch.records_on_time, branch.records_late, branch.records_missing) == (2, 1, 1, 0)
    # 支部党员大会 held; 党课 missing; 支委会 and 主题党日 missing in each of the three months.
    assert (branch.cadence_due, branch.cadence_met) == (8, 1)
    scores = {d.key: d.score for d in branch.scorecard.dimensions}
    assert scores == {"lessons": round(100 * 3 / 7, 2), "quiz": round(100 / 3, 2), "attendance": round(400 / 7, 2),
                      "cadence": 12.5, "records": 50.0, "makeups": 37.5}
    expected_a = round((25 * 300 / 7 + 15 * 100 / 3 + 20 * 400 / 7 + 20 * 12.5 + 10 * 50 + 10 * 37.5) / 100, 2)
    assert branch.scorecard.total == expected_a and branch.scorecard.flagged
    # 二支部: lessons 1/2, quiz 1/1, cadence 0/8, make-ups 0/1; no meetings: attendance and records left out.
    expected_b = round((25 * 50 + 15 * 100 + 20 * 0 + 10 * 0) / 70, 2)
    assert expected_b > expected_a
    assert (branch.rank, report.ranked_among) == (2, 2)
    assert [m.name for m in report.flagged_members] == ["李书记", "Carol"]  # lessons under 50% (Dan: 1/2)
    assert all(m.rank is None for m in report.members)  # member rankings are off by default


async def test_org_report_ranks_branches_flags_them_and_shows_the_trend(services: Services) -> None:
    """Both branches side by side, 二支部 first; both under 60 are flagged; against 2026-Q3 (nothing then) the trend
    has no previous score; the organization's totals add both branches."""
    q = await play_quarter(services, services.clock)
    report = await reports(services).org_report(ADMIN.telegram_user_id, Q4)
    assert [b.branch_id for b in report.branches] == [q.branch_b, q.branch_a]
    assert [b.rank for b in report.branches] == [1, 2]
    assert report.branches[0].scorecard.total == round((25 * 50 + 15 * 100 + 20 * 0 + 10 * 0) / 70, 2)
    assert len(report.flagged) == 2
    assert report.previous.label == "2026-Q3"
    assert [(t.previous, t.delta) for t in report.trend] == [(None, None), (None, None)]
    assert report.total.lessons == T(9, 3, 2) and report.total.quiz == Q(4, 2, 0, 0)
    assert len(report.members) == 6


async def test_member_report_agrees_with_me(services: Services) -> None:
    """Over a period holding all of Bob's history, his report equals /me line for line (L3 included); over
    2026-Q4 alone L3 is left out; over January 2027 only L3 counts."""
    await play_quarter(services, services.clock)
    mine = await ProgressService(services.db, services.clock, services.access, scoring.ScoringRules()).me(
        BOB.telegram_user_id)
    assert mine is not None
    record = mine.branches[0]
    whole = await reports(services).member_report(BOB.telegram_user_id, None, parse("2026-10-01..2027-01-05"))
    (line,) = whole.branches
    assert (line.lessons, line.quiz, line.meetings, line.points) == (record.lessons, record.quiz, record.meetings,
                                                                      record.points)
    assert line.lessons == T(3, 3, 0)
    quarter = await reports(services).member_report(BOB.telegram_user_id, None, Q4)
    assert quarter.branches[0].lessons == T(2, 2, 0)
    january = await reports(services).member_report(BOB.telegram_user_id, None, parse("2027-01"))
    assert january.branches[0].lessons == T(1, 1, 0) and january.branches[0].meetings == M()


async def test_rules_diff_shows_what_a_changed_file_makes_of_a_past_quarter(services: Services) -> None:
    """On time worth 3 and quiz points capped at 0: only members whose points change are listed; the branch
    scores, which do not use points, stay; a scorecard of quiz alone changes both branches."""
    q = await play_quarter(services, services.clock)
    service = reports(services)
    old = AssessmentRules()
    new = AssessmentRules(points=scoring.ScoringRules(on_time_checkin=3), caps=Caps(quiz=0))
    diff = await service.compare_rules(ADMIN.telegram_user_id, Q4, old, new)
    changed = {(d.name, d.before, d.after) for d in diff.members}
    assert changed == {("Bob", 9, 9 + 2 - 1)}  # Eve: +1 on time, -1 quiz = unchanged, so not listed
    assert diff.changed == ()
    quiz_only = AssessmentRules(dimensions=(old.dimension("quiz"),))  # type: ignore[arg-type]
    diff = await service.compare_rules(ADMIN.telegram_user_id, Q4, old, quiz_only)
    after = {d.branch_id: d.after for d in diff.branches}
    assert after == {q.branch_a: round(100 / 3, 2), q.branch_b: 100.0}
    assert {d.branch_id for d in diff.changed} == {q.branch_a, q.branch_b}


async def test_a_manual_score_counts_in_the_scorecard_and_is_audited(services: Services) -> None:
    """An admin's 党委评价 of 90 for 二支部 in 2026-Q4 enters its scorecard at its weight; entering again replaces it;
    a dimension the rules do not call manual is refused."""
    q = await play_quarter(services, services.clock)
    from lesson_bot.domain.assessment import Dimension
    rules = AssessmentRules(dimensions=(Dimension("quiz", "答题", 1), Dimension("review", "党委评价", 1, manual=True)))
    service = reports(services, rules)
    await service.enter_score(ADMIN.telegram_user_id, q.branch_b, Q4, "review", 50, "初评")
    await service.enter_score(ADMIN.telegram_user_id, q.branch_b, Q4, "review", 90, "复评")
    report = await service.branch_report(ADMIN.telegram_user_id, q.branch_b, Q4)
    assert report.branch.scorecard.total == 95.0
    other = await service.branch_report(ADMIN.telegram_user_id, q.branch_b, parse("2026-Q3"))
    assert other.branch.scorecard.total is None
    from lesson_bot.services.errors import InvalidInput
    with pytest.raises(InvalidInput):
        await service.enter_score(ADMIN.telegram_user_id, q.branch_b, Q4, "quiz", 90)
