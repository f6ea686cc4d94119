"""Texts of /survey: the form, what was opened, the list of surveys, results, and what is wrong with a form."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.surveys import SurveyState
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import InvalidInput
from lesson_bot.services.messages.surveys import scale_options
from lesson_bot.services.surveys.opening import SurveyView
from lesson_bot.services.surveys.results import AreaResult, QuestionResult, SurveyResults


def form_help(t: Lang, zone: str) -> str:
    """How to open a survey: one message, as a form."""
    return "\n".join([
        t._("<b>Open a survey (民主测评)</b> in every branch group as anonymous polls. Send one message like this:"),
        "",
        t._("<code>/survey 2026 Q4 satisfaction survey\nPeriod: 2026-Q4\nCloses: 2026-12-31 18:00\nScale: "
            "satisfaction\nHow satisfied are you with the committee's work?\nHow satisfied are you with your "
            "branch's meetings?</code>"),
        "",
        t._("One question per line (at most 10, each up to 300 characters). Scale: satisfaction (satisfied / fairly "
            "satisfied / dissatisfied) or five (5 to 1). The close time is in {zone}.", zone=escape(zone)),
        t._("/survey list — the surveys; /survey results [number] — a survey's results"),
    ])


def form_problem(t: Lang, field: str) -> str:
    match field:
        case "closes":
            return t._("I could not read the close time. Write it as 2026-12-31 18:00.")
        case "scale":
            return t._("The scale is satisfaction (satisfied / fairly satisfied / dissatisfied) or five (5 to 1).")
        case "questions":
            return t._("Please write at least one question, one per line.")
    return t._("Please give the survey a title after /survey.")


def invalid(t: Lang, exc: InvalidInput) -> str:
    """A survey the service refused as typed."""
    p = exc.params
    match (exc.field, exc.problem):
        case ("survey.title", "empty"):
            return t._("Please give the survey a title after /survey.")
        case ("survey.title" | "survey.period", "too_long"):
            return t._("The title or period is too long (at most {limit} characters).", limit=p.get("limit"))
        case ("survey.questions", "too_many"):
            return t._("A survey has at most {limit} questions.", limit=p.get("limit"))
        case ("survey.question", "too_long"):
            return t._("Question {index} is too long for a poll (at most {limit} characters).",
                       index=p.get("index"), limit=p.get("limit"))
        case ("survey.closes", "too_soon"):
            return t._("The close time must be at least {minutes} minutes from now.", minutes=p.get("minutes"))
        case ("survey.closes", "too_late"):
            return t._("The close time must be within {days} days.", days=p.get("days"))
    return t._("Please write at least one question, one per line.")


def _when(view: SurveyView, zone: str) -> str:
    return view.closes_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _title(t: Lang, view: SurveyView) -> str:
    title = escape(view.title)
    return t._("{title} ({period})", title=title, period=escape(view.period)) if view.period else title


def opened(t: Lang, view: SurveyView, zone: str) -> str:
    return t.ngettext(
        "✅ Survey #{id} “{title}” is open: {questions} question(s) go to {n} branch group as anonymous polls. "
        "They close at {closes}; then /survey results {id} shows the counts.",
        "✅ Survey #{id} “{title}” is open: {questions} question(s) go to {n} branch groups as anonymous polls. "
        "They close at {closes}; then /survey results {id} shows the counts.",
        view.branches, id=view.id, title=_title(t, view), questions=view.questions, closes=_when(view, zone))


def listing(t: Lang, views: list[SurveyView], zone: str) -> str:
    if not views:
        return t._("There is no survey yet.")
    lines = [t._("<b>Surveys</b>")]
    for view in views:
        state = t._("open until {closes}", closes=_when(view, zone)) if view.state is SurveyState.OPEN \
            else t._("closed {closes}", closes=_when(view, zone))
        lines.append(t._("#{id} {title}: {state}", id=view.id, title=_title(t, view), state=state))
    return "\n".join(lines)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _index(t: Lang, index: float | None) -> str:
    return t._("index {value}", value="—" if index is None else f"{index:.1f}")


def _question(t: Lang, q: QuestionResult, head: str) -> str:
    options = " · ".join(f"{label} {count}" for label, count in zip(scale_options(t, q.scale), q.counts,
                                                                     strict=True))
    votes = t._("{votes} votes; {expected} members expected ({rate})", votes=q.votes, expected=q.expected,
                rate=_pct(q.rate))
    line = head + t._("{options} — {votes}, {index}", options=options, votes=votes, index=_index(t, q.index))
    if q.tallied < q.polls:
        line += t._(" ({missing} of {polls} polls not counted)", missing=q.polls - q.tallied, polls=q.polls)
    return line


def _area(t: Lang, area: AreaResult) -> list[str]:
    head = t._("<b>{title}</b>: up to {votes} votes; {expected} members expected ({rate}), {index}",
               title=escape(area.title), votes=area.votes, expected=area.expected, rate=_pct(area.rate),
               index=_index(t, area.index))
    return [head, *(_question(t, q, f"  {q.position}. ") for q in area.questions)]


def results(t: Lang, got: SurveyResults, zone: str) -> list[str]:
    """The results as lines: the organization (admins), then each branch."""
    view = got.survey
    lines = [t._("📊 <b>Survey #{id}: {title}</b>", id=view.id, title=_title(t, view))]
    if view.state is SurveyState.OPEN:
        lines.append(t._("Open until {closes}: the counts are read when the polls close.", closes=_when(view, zone)))
        return lines
    if not got.tallied:
        lines.append(t._("Closed; some polls are still being counted."))
    lines.append(t._("Satisfaction index: satisfied 100, fairly satisfied 60, dissatisfied 0; on the five-point "
                     "scale 100, 75, 50, 25, 0. Votes are anonymous; Telegram counts everyone in the group who "
                     "voted, so a rate stops at 100%."))
    if got.organization is not None:
        org = got.organization
        lines.append("")
        lines.append(t._("<b>Organization</b>: {expected} members expected, {index}", expected=org.expected,
                         index=_index(t, org.index)))
        for q in org.questions:
            lines += [f"{q.position}. {escape(q.text)}", _question(t, q, "   ")]
    for area in got.branches:
        lines.append("")
        lines += _area(t, area)
    return lines
