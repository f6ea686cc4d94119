"""/report's summaries stay within one Telegram message: a long list is cut with how many more there are."""

from __future__ import annotations

from lesson_bot.bot.texts import reports as texts
from lesson_bot.domain.assessment import AssessmentRules, BranchFacts, MemberFacts
from lesson_bot.domain.periods import parse
from lesson_bot.domain.scoring import LessonTally, MeetingTally, QuizTally
from lesson_bot.i18n import Translator
from lesson_bot.services.reports.views import BranchReport, OrgReport, Trend, branch_line, member_line
from tgrules.limits import MESSAGE_TEXT_MAX

Q4 = parse("2026-Q4")
RULES = AssessmentRules()


def _facts(branch_id: int, members: int) -> BranchFacts:
    people = tuple(MemberFacts(branch_id * 1000 + i, f"第{branch_id}支部党员{i:03d}", LessonTally(4, i % 5, 0),
                               QuizTally(4, 2, 0, 0), MeetingTally(attended=1)) for i in range(members))
    return BranchFacts(branch_id, f"中共某某委员会第{branch_id:03d}党支部", "Asia/Shanghai", people)


def test_a_thousand_branches_are_cut_with_how_many_more() -> None:
    """1,000 ranked branches: the summary fits in 4096 characters, starts with the best, says how many are left
    out, and still ends with those under the threshold."""
    facts = [_facts(i, 1) for i in range(1, 1001)]
    lines = tuple(branch_line(f, RULES, rank=i + 1) for i, f in enumerate(facts))
    report = OrgReport(Q4, Q4.previous(), lines, tuple(Trend(b.branch_id, b.scorecard.total, None) for b in lines),
                       (), RULES)
    text = texts.organization(Translator().lang("zh-Hans"), report)
    assert len(text) <= MESSAGE_TEXT_MAX
    body = text.splitlines()
    assert body[4].startswith("1. ") and "第001党支部" in body[4]
    shown = sum(line[:1].isdigit() and ". " in line for line in body)
    assert f"……还有 {1000 - shown} 项" in body
    assert body[-1].startswith("<b>低于 60 分（")


def test_a_large_branch_lists_members_until_the_message_is_full() -> None:
    """A branch of 500 members: its figures, then as many members as fit, then “…and N more” in English."""
    facts = _facts(7, 500)
    report = BranchReport(Q4, branch_line(facts, RULES, 1), 1, tuple(member_line(7, m, RULES) for m in facts.members))
    text = texts.branch(Translator().lang("en"), report)
    assert len(text) <= MESSAGE_TEXT_MAX
    members = [line for line in text.splitlines() if "points; lessons" in line]
    assert 10 < len(members) < 500
    assert text.endswith(f"…and {500 - len(members)} more")
