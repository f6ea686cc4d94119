"""Which chart a report gets in Telegram (pure), and that the files the bot sends are a PNG and an XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from lesson_bot.domain.assessment import AssessmentRules, BranchFacts, MemberFacts
from lesson_bot.domain.periods import parse
from lesson_bot.domain.scoring import LessonTally, MeetingTally, QuizTally
from lesson_bot.i18n import Translator
from lesson_bot.reports.files import RANKED_MAX, ChartsAndSheets, choose
from lesson_bot.services.reports.sheets import branch_sheets
from lesson_bot.services.reports.views import (
    BranchReport,
    MemberReport,
    OrgReport,
    Trend,
    branch_line,
    member_line,
)

Q4 = parse("2026-Q4")
RULES = AssessmentRules()
ZH, EN = Translator().lang("zh-Hans"), Translator().lang("en")


def _member(member_id: int, name: str, delivered: int, on_time: int, makeup: int, *, right: int = 0,
            answered: int = 0, attended: int = 0, absent: int = 0) -> MemberFacts:
    return MemberFacts(member_id, name, LessonTally(delivered, on_time, makeup), QuizTally(answered, right, 0, 0),
                       MeetingTally(attended=attended, absent=absent))


def _branch(branch_id: int, title: str, *members: MemberFacts) -> BranchFacts:
    return BranchFacts(branch_id, title, "Asia/Shanghai", members)


def _org(*facts: BranchFacts) -> OrgReport:
    lines = tuple(branch_line(f, RULES, rank=i + 1 if branch_line(f, RULES).scorecard.total is not None else None)
                  for i, f in enumerate(facts))
    trend = tuple(Trend(b.branch_id, b.scorecard.total, None) for b in lines)
    return OrgReport(Q4, Q4.previous(), lines, trend, (), RULES)


def test_the_organization_gets_its_scored_branches_ranked() -> None:
    """Each branch with a score is a bar of its scorecard total; a branch without figures is left out."""
    good = _branch(1, "一支部", _member(1, "Bob", 2, 2, 0, right=2, answered=2))
    weak = _branch(2, "二支部", _member(2, "Eve", 2, 0, 1))
    empty = _branch(3, "三支部")
    report = _org(good, weak, empty)
    chart = choose(report, ZH)
    assert chart is not None and chart.kind == "ranking"
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        (b.title, b.scorecard.total) for b in report.branches[:2]]
    assert chart.labels.title == "各支部考评得分（2026-Q4）"
    assert choose(_org(empty), ZH) is None


def test_many_branches_draw_the_best_and_the_worst() -> None:
    """Of 40 scored branches the chart shows the 15 best and the 15 worst, and its title says so."""
    facts = [_branch(i, f"支部{i:02d}", _member(i, "x", 10, i % 11, 0)) for i in range(1, 41)]
    chart = choose(_org(*facts), EN)
    assert chart is not None and len(chart.bars) == RANKED_MAX
    scores = sorted((branch_line(f, RULES).scorecard.total or 0 for f in facts), reverse=True)
    assert sorted((bar.value for bar in chart.bars), reverse=True) == [*scores[:15], *scores[-15:]]
    assert chart.labels.title == "Branch scorecard, 2026-Q4: the best and the worst 15 of 40"


def test_a_branch_gets_its_members_lessons_in_roster_order() -> None:
    """Members stay in roster order (not ranked), each with lessons on time, as make-up and missed."""
    facts = _branch(1, "一支部", _member(1, "Carol", 3, 0, 1), _member(2, "Bob", 3, 3, 0), _member(3, "Dan", 3, 1, 1))
    report = BranchReport(Q4, branch_line(facts, RULES, 1), 1, tuple(member_line(1, m, RULES) for m in facts.members))
    chart = choose(report, EN)
    assert chart is not None and chart.kind == "lessons"
    assert chart.groups == ("Carol", "Bob", "Dan")
    assert [(s.label, s.values) for s in chart.series] == [
        ("Studied on time", (0.0, 3.0, 1.0)), ("Studied as make-up", (1.0, 0.0, 1.0)),
        ("Lessons missed", (2.0, 0.0, 1.0))]
    assert chart.labels.title == "一支部: each member's lessons, 2026-Q4"
    idle = _branch(2, "二支部", _member(4, "Eve", 0, 0, 0))
    assert choose(BranchReport(Q4, branch_line(idle, RULES), 0, (member_line(2, idle.members[0], RULES),)),
                  EN) is None


def test_a_member_gets_their_rates_and_nothing_without_figures() -> None:
    """A member's rates that have data are the bars (per branch when on several); none at all: no chart."""
    bob = _member(1, "Bob", 4, 3, 1, right=1, answered=2, attended=1, absent=1)
    line = member_line(1, bob, RULES)
    chart = choose(MemberReport(Q4, 1, "Bob", (line,), ("一支部",)), ZH)
    assert chart is not None and chart.kind == "rates"
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("课程完成率", line.rates.lessons), ("答题正确率", 0.5), ("出勤率", 0.5)]
    two = choose(MemberReport(Q4, 1, "Bob", (line, line), ("一支部", "二支部")), EN)
    assert two is not None and two.bars[3].label == "二支部 · Lesson completion"
    nothing = member_line(1, _member(1, "Bob", 0, 0, 0), RULES)
    assert choose(MemberReport(Q4, 1, "Bob", (nothing,), ("一支部",)), ZH) is None


def test_the_files_are_a_png_and_an_xlsx_titled_in_the_readers_language() -> None:
    """The chart is a PNG picture; the workbook's first sheet has the branch's row under English titles."""
    facts = _branch(1, "一支部", _member(1, "Bob", 2, 1, 1))
    report = BranchReport(Q4, branch_line(facts, RULES, 1), 1, (member_line(1, facts.members[0], RULES),))
    files = ChartsAndSheets(Translator())
    assert (files.chart(report, "en") or b"").startswith(b"\x89PNG\r\n\x1a\n")
    sheet = load_workbook(io.BytesIO(files.xlsx(branch_sheets(report), "en"))).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Rank", "Branch", "Members"]
    assert [c.value for c in sheet[2]][:3] == [1, "一支部", 1]
