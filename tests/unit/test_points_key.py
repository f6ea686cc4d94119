"""The /me footer says what each thing is worth from the scoring rules the points were computed with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lesson_bot.bot.texts.lessons.progress import my_record
from lesson_bot.domain import scoring
from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.i18n import Translator
from lesson_bot.services.lessons.progress import BranchRecord, MyRecord
from tgrules.html import parse_html

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RULES = scoring.ScoringRules(on_time_checkin=5, makeup_checkin=4, right_answer=7, attended=10, late=6, excused=0,
                             absent=-2, meeting_makeup=8)


def record(rules: scoring.ScoringRules) -> MyRecord:
    """Lesson 1 on time with a right first answer, lesson 2 as make-up; one meeting attended, one missed."""
    modes = {1: ParticipationMode.ON_TIME, 2: ParticipationMode.MAKEUP}
    answers = [scoring.Answer(1, 0, ParticipationMode.ON_TIME, True, AT)]
    meetings = [Status.PRESENT, Status.ABSENT]
    branch = BranchRecord(1, "一支部", scoring.lesson_tally(modes), scoring.quiz_tally(answers),
                          scoring.meeting_tally(meetings), scoring.score(modes, answers, meetings, rules))
    return MyRecord("张三", True, (branch,), rules)


@pytest.mark.parametrize(("locale", "points", "key"), [
    ("zh-Hans", "积分：24（课程 9 + 测验 7 + 会议 8）",
     ["计分：按时学习 5 分，补学 4 分；首次答对每题 7 分；参加会议 10 分，迟到 6 分，会议补学 8 分。",
      "会议请假计 0 分，无故缺席计 -2 分。"]),
    ("en", "Points: 24 (lessons 9 + quiz 7 + meetings 8)",
     ["Points: lesson on time 5, make-up 4; right first answer 7; meeting attended 10, late 6, made up 8.",
      "A meeting missed on leave counts 0, one missed without leave -2."]),
])
def test_the_footer_gives_the_weights_of_the_rules_in_use(locale: str, points: str, key: list[str]) -> None:
    """With other weights than the defaults (and a penalty for absence), the footer names those weights, and
    they add up to the points shown above it."""
    lines = parse_html(my_record(Translator().lang(locale), record(RULES))).text.splitlines()
    assert points in lines, lines
    assert lines[-2:] == key


def test_the_default_rules_leave_out_the_zero_weights() -> None:
    """With the default rules (leave and absence worth nothing) the footer is one line."""
    lines = parse_html(my_record(Translator().lang("en"), record(scoring.ScoringRules()))).text.splitlines()
    assert lines[-2:] == ["", "Points: lesson on time 2, make-up 1; right first answer 1; meeting attended 3, "
                              "late 2, made up 1."]
