"""The report files the bot sends (services/reports/files.ReportFiles): a report's XLSX, and the one chart that
says most about it.

Which chart (`choose`, pure, tested on its own): the organization's report draws the branches' scorecard totals
ranked (the best and the worst when there are many); a branch's report draws each member's lessons (on time,
make-up, missed) in roster order — side by side, not ranked: per-person rankings are for admins only, when the
rules turn them on; a member's report draws their rates (lessons, quiz, attendance) in each branch. A report
without any figure to draw has no chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lesson_bot.domain.translation import Translation
from lesson_bot.i18n import Translator
from lesson_bot.reports.charts import Bar, Labels, Series, branch_ranking, cadence_compliance, quiz_accuracy
from lesson_bot.reports.workbook import TITLES, workbook_of
from lesson_bot.reports.xlsx import xlsx_bytes
from lesson_bot.services.reports.files import Report
from lesson_bot.services.reports.sheets import Sheet
from lesson_bot.services.reports.views import BranchReport, MemberReport, OrgReport

RANKED_MAX = 30  # branches drawn; of more, the best and the worst half as many each
MEMBERS_MAX = 40  # members drawn, in roster order


@dataclass(frozen=True)
class Chart:
    """A chart chosen for a report: `kind` names the drawing (ranking, lessons, rates), the rest is its data."""

    kind: str
    labels: Labels
    bars: tuple[Bar, ...] = ()
    groups: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()


def _org(report: OrgReport, t: Translation) -> Chart | None:
    scored = [Bar(b.title, b.scorecard.total) for b in report.branches if b.scorecard.total is not None]
    if not scored:
        return None
    period = report.period.label
    title = t.pgettext("report chart", "Branch scorecard, {period}", period=period)
    if len(scored) > RANKED_MAX:
        half = RANKED_MAX // 2
        ordered = sorted(scored, key=lambda bar: (-bar.value, bar.label))
        scored = [*ordered[:half], *ordered[-half:]]
        title = t.pgettext("report chart", "Branch scorecard, {period}: the best and the worst {n} of {total}",
                           period=period, n=half, total=len(ordered))
    return Chart("ranking", Labels(title, t.pgettext("report column", "Score")), bars=tuple(scored))


def _branch(report: BranchReport, t: Translation) -> Chart | None:
    members = report.members[:MEMBERS_MAX]
    if not any(m.lessons.delivered for m in members):
        return None
    period, branch = report.period.label, report.branch.title
    title = t.pgettext("report chart", "{branch}: each member's lessons, {period}", branch=branch, period=period)
    if len(report.members) > MEMBERS_MAX:
        title = t.pgettext("report chart", "{branch}: the lessons of the first {n} of {total} members, {period}",
                           branch=branch, n=MEMBERS_MAX, total=len(report.members), period=period)
    series = (
        Series(t.pgettext(*TITLES["lessons_on_time"]), tuple(float(m.lessons.on_time) for m in members)),
        Series(t.pgettext(*TITLES["lessons_makeup"]), tuple(float(m.lessons.makeup) for m in members)),
        Series(t.pgettext(*TITLES["lessons_missed"]), tuple(float(m.lessons.missed) for m in members)),
    )
    return Chart("lessons", Labels(title, "", t.pgettext("report chart", "Lessons")),
                 groups=tuple(m.name for m in members), series=series)


def _member(report: MemberReport, t: Translation) -> Chart | None:
    bars = []
    for line, branch in zip(report.branches, report.titles, strict=True):
        for key, value in (("lessons_rate", line.rates.lessons), ("quiz_rate", line.rates.quiz),
                           ("attendance_rate", line.rates.attendance)):
            if value is not None:
                name = t.pgettext(*TITLES[key])
                bars.append(Bar(f"{branch} · {name}" if len(report.branches) > 1 else name, value))
    if not bars:
        return None
    title = t.pgettext("report chart", "{name}: rates, {period}", name=report.name, period=report.period.label)
    return Chart("rates", Labels(title), bars=tuple(bars))


def choose(report: Report, t: Translation) -> Chart | None:
    """The chart that says most about `report`, labelled in `t`'s language; None when nothing can be drawn."""
    if isinstance(report, OrgReport):
        return _org(report, t)
    if isinstance(report, BranchReport):
        return _branch(report, t)
    return _member(report, t)


def draw(chart: Chart) -> bytes:
    """The chosen chart as PNG."""
    if chart.kind == "ranking":
        return branch_ranking(chart.bars, chart.labels)
    if chart.kind == "lessons":
        return cadence_compliance(chart.groups, chart.series, chart.labels)
    return quiz_accuracy(chart.bars, chart.labels)


class ChartsAndSheets:
    """ReportFiles over lesson_bot.reports: the workbook writer and the charts, with the catalogs' titles."""

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    def xlsx(self, sheets: Sequence[Sheet], locale: str) -> bytes:
        return xlsx_bytes(workbook_of(sheets, self._translator.lang(locale)))

    def chart(self, report: Report, locale: str) -> bytes | None:
        chosen = choose(report, self._translator.lang(locale))
        return None if chosen is None else draw(chosen)
