"""Texts of /report: the period and scope pickers, the short summaries of the organization's, a branch's and a
member's report, and the names of the chart and the XLSX file. Each summary fits one message (4096 characters):
a long list of branches or members is cut with “…and N more” (the XLSX has them all)."""

from __future__ import annotations

import re
from html import escape

from lesson_bot.domain.periods import Period, Recent
from lesson_bot.i18n import Lang
from lesson_bot.services.reports.files import Report
from lesson_bot.services.reports.views import BranchLine, BranchReport, MemberLine, MemberReport, OrgReport, rates
from tgrules.limits import MESSAGE_TEXT_MAX

FLAG = "⚠️"
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
FILE_NAME_PART_MAX = 60


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 1):g}"


def _sep(t: Lang) -> str:
    return "、" if t.locale == "zh-Hans" else ", "


def period_button(t: Lang, which: Recent, period: Period) -> str:
    match which:
        case Recent.THIS_MONTH:
            return t._("This month ({period})", period=period.label)
        case Recent.LAST_MONTH:
            return t._("Last month ({period})", period=period.label)
        case Recent.THIS_QUARTER:
            return t._("This quarter ({period})", period=period.label)
        case Recent.LAST_QUARTER:
            return t._("Last quarter ({period})", period=period.label)
        case Recent.THIS_YEAR:
            return t._("This year ({period})", period=period.label)


def period_prompt(t: Lang) -> str:
    return t._("<b>Report</b>: which period? You can also type one: /report 2026-11 (a month), /report 2026-Q4 "
               "(a quarter), /report 2026 (a year) or /report 2026-10-01..2026-12-31 (a range of dates).")


def scope_prompt(t: Lang, period: Period) -> str:
    return t._("Report for {period}: which one?", period=period.label)


def organization_button(t: Lang) -> str:
    return t._("The organization (every branch)")


def more_branches_button(t: Lang, page: int, pages: int) -> str:
    return t._("More branches ({page}/{pages})", page=page + 1, pages=pages)


def bad_period(t: Lang, value: str) -> str:
    return t._("“{value}” is not a period I can read. Write a month (2026-11), a quarter (2026-Q4), a year (2026) "
               "or a range of dates (2026-10-01..2026-12-31).", value=escape(value))


def nothing_to_report(t: Lang) -> str:
    return t._("You are not on any branch's roster, so there is no report for you yet.")


def sent_privately(t: Lang) -> str:
    return t._("Reports are private: I have sent it to you in a private chat.")


def start_first(t: Lang) -> str:
    return t._("Reports are private: start me in a private chat first, then send /report there.")


def _fit(head: list[str], items: list[str], tail: list[str], t: Lang) -> str:
    """`head`, as many `items` as fit in one message with `tail`, and how many more there are."""
    budget = MESSAGE_TEXT_MAX - len("\n".join([*head, *tail])) - 40  # room for the “and N more” line
    shown: list[str] = []
    for item in items:
        budget -= len(item) + 1
        if budget < 0:
            break
        shown.append(item)
    if len(shown) < len(items):
        shown.append(t.ngettext("…and {n} more", "…and {n} more", len(items) - len(shown)))
    return "\n".join([*head, *shown, *tail])


def _span(t: Lang, period: Period) -> str:
    return t._("{period}, {first} to {last}", period=period.label, first=period.first.isoformat(),
               last=period.last.isoformat())


def _trend(t: Lang, delta: float | None, previous: float | None) -> str:
    if previous is None:
        return t._("no score before")
    return t._("{change} on the period before", change=f"{delta:+g}" if delta else "±0")


def organization(t: Lang, report: OrgReport) -> str:
    """The organization's summary: the figures overall, the branches by score, those under the threshold."""
    total = report.total
    r = rates(total.lessons, total.quiz, total.meetings, report.rules)
    head = [
        t._("<b>Organization report</b> ({span})", span=_span(t, report.period)),
        t._("{branches} branches, {members} members. Lesson completion {lessons}, quiz accuracy {quiz}, "
            "attendance {attendance}.", branches=len(report.branches), members=len(report.members),
            lessons=_pct(r.lessons), quiz=_pct(r.quiz), attendance=_pct(r.attendance)),
        "",
        t._("<b>Branches by score</b> (against {previous})", previous=report.previous.label),
    ]
    trend = {x.branch_id: x for x in report.trend}
    ranked = [t._("{rank}. {flag}{branch}: {score} ({trend})", rank=b.rank,
                  flag=FLAG + " " if b.scorecard.flagged else "", branch=escape(b.title),
                  score=_score(b.scorecard.total),
                  trend=_trend(t, trend[b.branch_id].delta, trend[b.branch_id].previous))
              for b in report.branches if b.rank is not None]
    unscored = [escape(b.title) for b in report.branches if b.rank is None]
    tail = [t._("Not scored (no figures): {names}", names=_sep(t).join(unscored[:20])
                + ("…" if len(unscored) > 20 else ""))] if unscored else []
    below = report.rules.thresholds.branch_score_below
    if below is not None:
        flagged = [escape(b.title) for b in report.flagged]
        tail += ["", t._("<b>Under {threshold} ({n}):</b> {names}", threshold=f"{below:g}", n=len(flagged),
                         names=_sep(t).join(flagged[:30]) + ("…" if len(flagged) > 30 else "") or "—")]
    return _fit(head, ranked or [t._("No branch has a score for this period.")], tail, t)


def _member_line(t: Lang, m: MemberLine) -> str:
    present = m.meetings.attended + m.meetings.late
    expected = present + m.meetings.excused + m.meetings.absent
    return t._("{flag}{name}: {points} points; lessons {studied}/{delivered}; quiz {right}/{answered}; "
               "meetings {present}/{expected}", flag=FLAG + " " if m.flagged else "", name=escape(m.name),
               points=m.points.total, studied=m.lessons.on_time + m.lessons.makeup, delivered=m.lessons.delivered,
               right=m.quiz.right, answered=m.quiz.answered, present=present, expected=expected)


def _branch_figures(t: Lang, b: BranchLine) -> list[str]:
    lessons, quiz, meetings = b.totals.lessons, b.totals.quiz, b.totals.meetings
    return [
        t._("{members} members, {points} points in all.", members=b.members, points=b.points),
        t._("Lessons: {studied} of {expected} studied ({on_time} on time, {makeup} as make-up), completion {rate}",
            studied=lessons.on_time + lessons.makeup, expected=lessons.delivered, on_time=lessons.on_time,
            makeup=lessons.makeup, rate=_pct(b.rates.lessons)),
        t._("Quiz: {right}/{answered} first answers right ({rate})", right=quiz.right, answered=quiz.answered,
            rate=_pct(b.rates.quiz)),
        t._("Meetings: {held} held; attendance {rate} ({attended} attended, {late} late, {excused} on leave, "
            "{absent} absent)", held=b.meetings_held, rate=_pct(b.rates.attendance), attended=meetings.attended,
            late=meetings.late, excused=meetings.excused, absent=meetings.absent),
        t._("Records: {on_time} on time, {late} late, {missing} missing; 三会一课: {met} of {due} met",
            on_time=b.records_on_time, late=b.records_late, missing=b.records_missing, met=b.cadence_met,
            due=b.cadence_due),
    ]


def branch(t: Lang, report: BranchReport) -> str:
    """A branch's summary: totals, rates, score and rank, the members side by side."""
    b = report.branch
    score = t._("Score: <b>{score}</b>", score=_score(b.scorecard.total))
    if b.rank is not None:
        score += t._(", rank {rank} of {among} branches", rank=b.rank, among=report.ranked_among)
    if b.scorecard.flagged:
        score += " " + FLAG
    head = [t._("<b>{branch}</b> report ({span})", branch=escape(b.title), span=_span(t, report.period)),
            *_branch_figures(t, b), score, "", t._("<b>Members</b>")]
    return _fit(head, [_member_line(t, m) for m in report.members] or [t._("No members.")], [], t)


def member(t: Lang, report: MemberReport) -> str:
    """A member's summary: their points and rates in each of their branches."""
    lines = [t._("<b>{name}</b>'s report ({span})", name=escape(report.name), span=_span(t, report.period))]
    for m, title in zip(report.branches, report.titles, strict=True):
        p = m.points
        lines += [
            "", f"<b>{escape(title)}</b>",
            t._("Points: <b>{total}</b> (lessons {lessons} + quiz {quiz} + meetings {meetings})", total=p.total,
                lessons=p.lessons, quiz=p.quiz, meetings=p.meetings),
            t._("Lessons: {delivered} delivered, {on_time} studied on time, {makeup} as make-up, {missed} missed",
                delivered=m.lessons.delivered, on_time=m.lessons.on_time, makeup=m.lessons.makeup,
                missed=m.lessons.missed) + t._(" (completion {rate})", rate=_pct(m.rates.lessons)),
            t._("Quiz: {right}/{answered} first answers right ({rate})", right=m.quiz.right,
                answered=m.quiz.answered, rate=_pct(m.rates.quiz)),
            t._("Meetings: {attended} attended, {late} late, {excused} on leave, {absent} absent",
                attended=m.meetings.attended, late=m.meetings.late, excused=m.meetings.excused,
                absent=m.meetings.absent) + t._(" (attendance {rate})", rate=_pct(m.rates.attendance)),
        ]
        if m.flagged:
            lines.append(FLAG + " " + t._("Under the threshold set for members."))
    if not report.branches:
        lines.append(t._("You are on no branch's roster, so there are no figures."))
    return _fit(lines, [], [], t)


def summary(t: Lang, report: Report) -> str:
    if isinstance(report, OrgReport):
        return organization(t, report)
    if isinstance(report, BranchReport):
        return branch(t, report)
    return member(t, report)


def _subject(t: Lang, report: Report) -> str:
    if isinstance(report, OrgReport):
        return t._("organization")
    return report.branch.title if isinstance(report, BranchReport) else report.name


def file_name(t: Lang, report: Report) -> str:
    """The XLSX's name: report-2026-Q4-一支部.xlsx (nothing a file system or a spreadsheet would choke on)."""
    subject = _UNSAFE_IN_FILE_NAME.sub("_", _subject(t, report)).strip(" ._")[:FILE_NAME_PART_MAX] or "report"
    return f"report-{report.period.label}-{subject}.xlsx"


def file_caption(t: Lang, report: Report) -> str:
    return t._("{subject}, {period}: every figure, one sheet per level.", subject=escape(_subject(t, report)),
               period=report.period.label)
