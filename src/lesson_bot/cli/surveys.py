"""`lesson-bot survey open|results|list`: 民主测评 from the command line, acting as a Telegram user (--as)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from lesson_bot.cli.common import AsOption, acting_user, call_service, console, err_console, settings_or_exit
from lesson_bot.domain.surveys import Scale
from lesson_bot.i18n import Translator
from lesson_bot.services.container import Services
from lesson_bot.services.messages.surveys import scale_options
from lesson_bot.services.surveys.opening import QuestionInput, SurveyView
from lesson_bot.services.surveys.results import AreaResult, SurveyResults

survey_app = typer.Typer(help="民主测评: satisfaction surveys as anonymous polls in every branch group.",
                         no_args_is_help=True)
LangOption = Annotated[str, typer.Option("--lang", help="en or zh-Hans (the scale's labels)")]


def _closes(value: str, zone: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        err_console.print(f"--closes: expected YYYY-MM-DD HH:MM, got {value!r}", highlight=False)
        raise typer.Exit(2) from None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@survey_app.command("open")
def open_command(
    title: Annotated[str, typer.Option("--title", help="the survey's title")],
    question: Annotated[list[str], typer.Option("--question", help="a question (repeat for each, at most 10)")],
    closes: Annotated[str, typer.Option("--closes", help="close time YYYY-MM-DD HH:MM (see --tz)")],
    period: Annotated[str, typer.Option("--period", help="a period label, e.g. 2026-Q4")] = "",
    scale: Annotated[Scale, typer.Option("--scale", help="satisfaction (满意/基本满意/不满意) or five (5…1)")]
    = Scale.SATISFACTION,
    tz: Annotated[str | None, typer.Option("--tz", help="time zone of --closes (default: the configured one)")]
    = None,
    as_user: AsOption = None,
) -> None:
    """Open a survey in every active branch group (admins); the engine sends the polls and stops them at the close."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    closes_at = _closes(closes, tz or settings.default_timezone)

    async def run(services: Services) -> SurveyView:
        return await services.surveys.open_survey(actor, title, period, [QuestionInput(q, scale) for q in question],
                                                  closes_at)

    view = call_service(settings, run)
    console.print(f"survey {view.id} opened: {view.questions} question(s) to {view.branches} branch group(s), "
                  f"closing {view.closes_at:%Y-%m-%d %H:%M} UTC", highlight=False)


@survey_app.command("list")
def list_command(as_user: AsOption = None) -> None:
    """The surveys you may see, newest first."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> list[SurveyView]:
        return await services.surveys.surveys(actor)

    table = Table(title="surveys")
    for column in ("id", "title", "period", "state", "closes (UTC)", "questions", "branches"):
        table.add_column(column)
    for view in call_service(settings, load):
        table.add_row(str(view.id), view.title, view.period, str(view.state), f"{view.closes_at:%Y-%m-%d %H:%M}",
                      str(view.questions), str(view.branches))
    console.print(table)


def _rows(table: Table, area: AreaResult, labels: dict[Scale, tuple[str, ...]]) -> None:
    name = area.title or "organization"
    table.add_row(name, "all", "", str(area.votes), str(area.expected), _pct(area.rate), _num(area.index))
    for q in area.questions:
        counts = " · ".join(f"{label} {count}" for label, count in zip(labels[q.scale], q.counts, strict=True))
        untallied = f" ({q.polls - q.tallied} not counted)" if q.tallied < q.polls else ""
        table.add_row("", f"{q.position}. {q.text}", counts + untallied, str(q.votes), str(q.expected),
                      _pct(q.rate), _num(q.index))


@survey_app.command("results")
def results_command(survey: Annotated[int, typer.Argument(help="survey id (see `survey list`)")],
                    lang: LangOption = "en", as_user: AsOption = None) -> None:
    """Counts per option, votes against the roster at opening, and the satisfaction index (0-100), per branch and
    for the organization (admins)."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> SurveyResults:
        return await services.survey_results.results(actor, survey)

    got = call_service(settings, load)
    t = Translator(settings.default_locale).lang(lang)
    labels = {scale: scale_options(t, scale) for scale in Scale}
    view = got.survey
    state = "counted" if got.tallied else ("open: counted at the close" if view.state == "open" else "being counted")
    table = Table(title=f"survey {view.id}: {view.title} {view.period} ({state})")
    for column in ("area", "question", "counts", "votes", "expected", "rate", "index"):
        table.add_column(column)
    for area in ([got.organization] if got.organization else []) + list(got.branches):
        _rows(table, area, labels)
    console.print(table)
    console.print("index: satisfied 100, fairly satisfied 60, dissatisfied 0; five-point 100/75/50/25/0. "
                  "rate: votes (at most the roster) / roster at opening.", highlight=False)
