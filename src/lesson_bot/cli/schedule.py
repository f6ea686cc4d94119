"""`lesson-bot schedule ...`: preview, add and cancel lesson schedules, and holidays, as an operator."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from lesson_bot.cli.common import (
    AsOption,
    BranchOption,
    acting_user,
    call_service,
    console,
    err_console,
    settings_or_exit,
)
from lesson_bot.services.schedules import LessonPlan

schedule_app = typer.Typer(help="Preview, add and cancel lesson schedules; holidays.", no_args_is_help=True)
WhenArgument = Annotated[
    str, typer.Argument(help='in the branch\'s time: "2026-12-01 19:30", "明天 20:00", "每周一 20:00"')
]


@schedule_app.command("preview")
def schedule_preview(branch: BranchOption, when: WhenArgument, as_user: AsOption = None) -> None:
    """Show the next occurrences of WHEN in the branch's local time, without scheduling anything."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    shown = call_service(settings, lambda s: s.schedules.preview(actor, branch, when, locale="en"))
    console.print(shown.description, highlight=False)
    for moment in shown.next:
        console.print(f"  {moment:%Y-%m-%d %H:%M %a (%Z)}", highlight=False)


@schedule_app.command("add")
def schedule_add(
    branch: BranchOption,
    when: WhenArgument,
    lesson: Annotated[str | None, typer.Option(help="a lesson's stable id")] = None,
    series: Annotated[str | None, typer.Option(help="a whole series, one lesson per occurrence")] = None,
    as_user: AsOption = None,
) -> None:
    """Schedule a lesson (--lesson ID) or a series (--series NAME) for a branch."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    plan = LessonPlan(lesson_slug=lesson, series=series)
    view = call_service(settings, lambda s: s.schedules.create(actor, branch, plan, when))
    console.print(f"schedule {view.id}: {view.what}, {view.description}", highlight=False)
    for moment in view.next:
        console.print(f"  {moment:%Y-%m-%d %H:%M %a (%Z)}", highlight=False)


@schedule_app.command("cancel")
def schedule_cancel(schedule: Annotated[int, typer.Argument(help="schedule id")], as_user: AsOption = None) -> None:
    """Stop a schedule; what it queued and is not sent yet is withdrawn."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    withdrawn = call_service(settings, lambda s: s.schedules.cancel(actor, schedule))
    console.print(f"schedule {schedule} cancelled; {withdrawn} queued messages withdrawn", highlight=False)


@schedule_app.command("skip")
def schedule_skip(
    branch: BranchOption,
    day: Annotated[str, typer.Argument(help="a local date, YYYY-MM-DD")],
    reason: Annotated[str | None, typer.Option(help="e.g. 国庆")] = None,
    as_user: AsOption = None,
) -> None:
    """A holiday: the branch's recurring schedules do not fire on DAY."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        err_console.print(f"day: {day!r} is not a date; expected YYYY-MM-DD", highlight=False)
        raise typer.Exit(2) from None
    call_service(settings, lambda s: s.schedules.skip_date(actor, branch, parsed, reason))
    console.print(f"no recurring delivery for branch {branch} on {parsed}", highlight=False)
