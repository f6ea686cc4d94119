"""The `lesson-bot` command. Each group of sub-commands lives in its own module."""

from __future__ import annotations

import gc

import typer

from lesson_bot.cli import _gc_pause  # noqa: F401  (first: no collection during the imports below)
from lesson_bot.cli.content import content_app
from lesson_bot.cli.db import db_app
from lesson_bot.cli.demo import demo_command
from lesson_bot.cli.flags import show_flags_as_flags
from lesson_bot.cli.meetings import meetings_app
from lesson_bot.cli.report import report_app
from lesson_bot.cli.roster import branches_command, deliveries_command, roster_app
from lesson_bot.cli.run import deliver_command, run_command
from lesson_bot.cli.sandbox import sandbox_command
from lesson_bot.cli.schedule import schedule_app
from lesson_bot.cli.surveys import survey_app

gc.enable()  # the imports are done (cli/_gc_pause.py)
show_flags_as_flags()
app = typer.Typer(
    name="lesson-bot",
    help="Micro party lessons and the 三会一课 routine for party branches on Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(roster_app, name="roster")
app.add_typer(schedule_app, name="schedule")
app.add_typer(meetings_app, name="meetings")
app.add_typer(report_app, name="report")
app.add_typer(survey_app, name="survey")
app.command("branches")(branches_command)
app.command("deliveries")(deliveries_command)
app.command("sandbox")(sandbox_command)
app.command("run")(run_command)
app.command("deliver")(deliver_command)
app.command("demo")(demo_command)


def main() -> None:
    """Entry point of the console script and `python -m lesson_bot`."""
    app()
