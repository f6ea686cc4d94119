"""The ReportSource the dashboard shows: services/reports' ReportService, its figures laid out as ReportTables in
the viewer's language, with links to the branch and member pages for the same period.

The overview ranks the branches on the scorecard (each dimension's score, the total, the change from the period
before; the dimensions already are the rates)
and flags those under the rules' threshold; a branch page lists its members side by side (their ranks only where
the service gives them: rankings on in the rules, and an admin looking) and flags those under a member threshold;
a member page shows their figures in each of their branches. Every role check stays in the service.
"""

from __future__ import annotations

from lesson_bot.domain.periods import Period, PeriodError, parse
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.errors import InvalidInput
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.reports.views import MemberLine, Rates
from lesson_bot.web.dashboard.deps import Cell, ReportTable

NONE = "—"


def period_of(value: str) -> Period:
    """The picker's value as a report period (InvalidInput, a 4xx, for a malformed one)."""
    try:
        return parse(value)
    except PeriodError as exc:
        raise InvalidInput("period", "malformed", value=value) from exc


def percent(value: float | None) -> str:
    return NONE if value is None else f"{round(100 * value)}%"


def number(value: float | int | None) -> str:
    return NONE if value is None else f"{value:g}" if isinstance(value, int) else f"{value:.1f}"


def _rates(r: Rates) -> tuple[Cell, ...]:
    return Cell(percent(r.lessons)), Cell(percent(r.quiz)), Cell(percent(r.attendance))


def _rate_headers(t: Lang) -> tuple[str, ...]:
    return (t.pgettext("report column", "Lesson completion"), t.pgettext("report column", "Quiz accuracy"),
            t.pgettext("report column", "Attendance"))


class ReportTables:
    """ReportSource over ReportService."""

    def __init__(self, reports: ReportService, translator: Translator) -> None:
        self._reports = reports
        self._translator = translator

    async def org_report(self, actor_tg: int, period: str, locale: str) -> ReportTable:
        t = self._translator.lang(locale)
        report = await self._reports.org_report(actor_tg, period_of(period))
        label = report.period.label
        dimensions = report.branches[0].scorecard.dimensions if report.branches else ()
        headers = (t.pgettext("report column", "Rank"), t.pgettext("report column", "Branch"),
                   t.pgettext("report column", "Members"), *(d.name for d in dimensions),
                   t.pgettext("report column", "Score"),
                   t.pgettext("report column", "Previous ({period})", period=report.previous.label),
                   t.pgettext("report column", "Change"))
        rows = tuple(
            (Cell(number(b.rank)), Cell(b.title, f"/branches/{b.branch_id}?period={label}"), Cell(number(b.members)),
             *(Cell(number(d.score)) for d in b.scorecard.dimensions),
             Cell(number(b.scorecard.total)), Cell(number(trend.previous)), Cell(_signed(trend.delta)))
            for b, trend in zip(report.branches, report.trend, strict=True))
        flags = tuple(t._("{branch}: score {score}, under the threshold", branch=b.title,
                          score=number(b.scorecard.total)) for b in report.flagged)
        return ReportTable(t._("Scorecard and ranking, {period}", period=label), headers, rows, flags)

    async def branch_report(self, actor_tg: int, branch_id: int, period: str, locale: str) -> ReportTable:
        t = self._translator.lang(locale)
        report = await self._reports.branch_report(actor_tg, branch_id, period_of(period))
        b, label = report.branch, report.period.label
        ranked = any(m.rank is not None for m in report.members)
        headers = ((t.pgettext("report column", "Rank"),) if ranked else ()) + (
            t.pgettext("report column", "Member"), t.pgettext("report column", "Points"), *_rate_headers(t),
            t.pgettext("report column", "Flagged"))
        rows = tuple(((Cell(number(m.rank)),) if ranked else ())
                     + (Cell(m.name, f"/members/{m.member_id}?period={label}"), *self._member_cells(t, m))
                     for m in report.members)
        flags = []
        if b.scorecard.flagged:
            flags.append(t._("The branch's score {score} is under the threshold.", score=number(b.scorecard.total)))
        if report.flagged_members:
            names = ("、" if t.locale == "zh-Hans" else ", ").join(m.name for m in report.flagged_members)
            flags.append(t._("Members under the threshold: {names}", names=names))
        title = t._("Members, {period}: score {score}, rank {rank} of {count}", period=label,
                    score=number(b.scorecard.total), rank=number(b.rank), count=report.ranked_among)
        return ReportTable(title, headers, rows, tuple(flags))

    async def member_report(self, actor_tg: int, member_id: int, period: str, locale: str) -> ReportTable:
        t = self._translator.lang(locale)
        report = await self._reports.member_report(actor_tg, member_id, period_of(period))
        headers = (t.pgettext("report column", "Branch"), t.pgettext("report column", "Points"), *_rate_headers(t),
                   t.pgettext("report column", "Flagged"))
        rows = tuple((Cell(title), *self._member_cells(t, m))
                     for m, title in zip(report.branches, report.titles, strict=True))
        flagged = [report.name + " · " + title for m, title in zip(report.branches, report.titles, strict=True)
                   if m.flagged]
        flags = tuple(t._("{member}: under the threshold", member=who) for who in flagged)
        return ReportTable(t._("Figures, {period}", period=report.period.label), headers, rows, flags)

    @staticmethod
    def _member_cells(t: Lang, m: MemberLine) -> tuple[Cell, ...]:
        return (Cell(number(m.points.total)), *_rates(m.rates), Cell(t._("yes") if m.flagged else ""))


def _signed(delta: float | None) -> str:
    return NONE if delta is None else f"{delta:+.1f}"
