"""A report as neutral sheets: (name, column titles, column kinds, rows), for the exporters (lesson_bot.reports)
to write as XLSX or CSV. Kinds: text, integer, number, percent (a 0-1 number), date. Values are plain: str, int,
float, None. Titles are English keys; the exporters translate or keep them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from lesson_bot.services.reports.views import BranchLine, BranchReport, MemberLine, MemberReport, OrgReport

Cell = str | int | float | None


class Sheet(NamedTuple):
    name: str
    titles: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


BRANCH_COLUMNS = (
    ("rank", "integer"), ("branch", "text"), ("members", "integer"), ("points", "integer"),
    ("lessons_delivered", "integer"), ("lessons_on_time", "integer"), ("lessons_makeup", "integer"),
    ("lessons_rate", "percent"), ("answers", "integer"), ("right", "integer"), ("quiz_rate", "percent"),
    ("attended", "integer"), ("late", "integer"), ("excused", "integer"), ("absent", "integer"),
    ("meeting_makeups", "integer"), ("attendance_rate", "percent"), ("meetings_held", "integer"),
    ("records_on_time", "integer"), ("records_late", "integer"), ("records_missing", "integer"),
    ("cadence_due", "integer"), ("cadence_met", "integer"), ("score", "number"), ("flagged", "text"),
)
MEMBER_COLUMNS = (
    ("branch", "text"), ("member", "text"), ("rank", "integer"), ("points", "integer"), ("lesson_points", "integer"),
    ("quiz_points", "integer"), ("meeting_points", "integer"), ("lessons_delivered", "integer"),
    ("lessons_on_time", "integer"), ("lessons_makeup", "integer"), ("lessons_missed", "integer"),
    ("lessons_rate", "percent"), ("answers", "integer"), ("right", "integer"), ("quiz_rate", "percent"),
    ("reviews", "integer"), ("attended", "integer"), ("late", "integer"), ("excused", "integer"),
    ("absent", "integer"), ("meeting_makeups", "integer"), ("attendance_rate", "percent"), ("flagged", "text"),
)


def _sheet(name: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[Cell, ...]]) -> Sheet:
    return Sheet(name, tuple(c[0] for c in columns), tuple(c[1] for c in columns), tuple(rows))


def branch_row(b: BranchLine) -> tuple[Cell, ...]:
    t = b.totals
    return (b.rank, b.title, b.members, b.points, t.lessons.delivered, t.lessons.on_time, t.lessons.makeup,
            b.rates.lessons, t.quiz.answered, t.quiz.right, b.rates.quiz, t.meetings.attended, t.meetings.late,
            t.meetings.excused, t.meetings.absent, t.meetings.made_up, b.rates.attendance, b.meetings_held,
            b.records_on_time, b.records_late, b.records_missing, b.cadence_due, b.cadence_met, b.scorecard.total,
            "yes" if b.scorecard.flagged else "")


def member_row(m: MemberLine, branch: str) -> tuple[Cell, ...]:
    return (branch, m.name, m.rank, m.points.total, m.points.lessons, m.points.quiz, m.points.meetings,
            m.lessons.delivered, m.lessons.on_time, m.lessons.makeup, m.lessons.missed, m.rates.lessons,
            m.quiz.answered, m.quiz.right, m.rates.quiz, m.quiz.review_answered, m.meetings.attended, m.meetings.late,
            m.meetings.excused, m.meetings.absent, m.meetings.made_up, m.rates.attendance,
            "yes" if m.flagged else "")


def scorecard_sheet(branches: Sequence[BranchLine]) -> Sheet:
    keys = [d.key for d in branches[0].scorecard.dimensions] if branches else []
    columns = [("branch", "text"), *((key, "number") for key in keys), ("score", "number")]
    rows = [(b.title, *(d.score for d in b.scorecard.dimensions), b.scorecard.total) for b in branches]
    return _sheet("scorecard", columns, rows)


def org_sheets(report: OrgReport) -> list[Sheet]:
    titles = {b.branch_id: b.title for b in report.branches}
    trend = [(titles[t.branch_id], t.score, t.previous, t.delta) for t in report.trend]
    return [
        _sheet("branches", BRANCH_COLUMNS, [branch_row(b) for b in report.branches]),
        scorecard_sheet(report.branches),
        _sheet("trend", (("branch", "text"), ("score", "number"), (f"previous ({report.previous.label})", "number"),
                         ("change", "number")), trend),
        _sheet("members", MEMBER_COLUMNS, [member_row(m, titles[m.branch_id]) for m in report.members]),
    ]


def branch_sheets(report: BranchReport) -> list[Sheet]:
    b = report.branch
    return [_sheet("branch", BRANCH_COLUMNS, [branch_row(b)]), scorecard_sheet([b]),
            _sheet("members", MEMBER_COLUMNS, [member_row(m, b.title) for m in report.members])]


def member_sheets(report: MemberReport) -> list[Sheet]:
    return [_sheet("member", MEMBER_COLUMNS, [member_row(m, title)
                                              for m, title in zip(report.branches, report.titles, strict=True)])]
