"""`lesson-bot schedule ...`: preview, add, plan, list and cancel lesson schedules and meeting series, and holidays, as
an operator."""

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
from lesson_bot.cli.words import cli_lang
from lesson_bot.domain.ids import INT64_MAX
from lesson_bot.i18n import Lang
from lesson_bot.services.schedules.plans import LessonPlan
from lesson_bot.services.schedules.views import SkippedDay

schedule_app = typer.Typer(help="Preview, add, plan, list and cancel lesson schedules; holidays.", no_args_is_help=True)
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
def schedule_cancel(schedule: Annotated[int, typer.Argument(min=0, max=INT64_MAX, help="schedule id")],
                    as_user: AsOption = None) -> None:
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
    parsed = _day(day, "day")
    done = call_service(settings, lambda s: s.schedules.skip_date(actor, branch, parsed, reason))
    console.print(skipped_text(cli_lang(settings.default_locale), done), highlight=False, markup=False)


def skipped_text(t: Lang, done: SkippedDay) -> str:
    """What a holiday changed: nothing (set before), nothing that day (no firing), or the firings it holds back."""
    shown = done.day.isoformat()
    if done.already:
        return t._("{date} was already a day off for this branch; nothing changed.", date=shown)
    if not done.blocked:
        return t._("{date} is now a day off, but no recurring lesson or meeting of this branch falls on it: nothing "
                   "changes that day.", date=shown)
    lines = [t._("{date} is now a day off: nothing recurring is sent that day. It holds back:", date=shown)]
    for item in done.blocked:
        if item.meeting:
            lines.append(t._("  {time}  meeting “{topic}” (series #{id})", time=f"{item.local:%H:%M}",
                             topic=item.what, id=item.schedule_id))
        else:
            lines.append(t._("  {time}  lesson “{title}” (schedule #{id})", time=f"{item.local:%H:%M}",
                             title=item.what, id=item.schedule_id))
    return "\n".join(lines)


@schedule_app.command("plan")
def schedule_plan(
    branch: BranchOption,
    series: Annotated[str, typer.Option(help="the series to deliver, one lesson per occurrence in order")],
    when: Annotated[str, typer.Argument(help='a repeating time in the branch\'s zone: "每周一 20:00"')],
    start: Annotated[str | None, typer.Option(help="first day, YYYY-MM-DD (default: as soon as possible)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only show which lesson falls on which date")] = False,
    as_user: AsOption = None,
) -> None:
    """Schedule a whole series at a weekly slot; prints which lesson is sent on which date."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    starts_on = _day(start, "start") if start else None
    shown = call_service(settings, lambda s: s.schedules.preview_plan(actor, branch, series, when,
                                                                       starts_on=starts_on, locale="en"))
    if not dry_run:
        view = call_service(settings, lambda s: s.schedules.create(actor, branch, LessonPlan(series=series), when,
                                                                   starts_on=starts_on, locale="en"))
        console.print(f"schedule {view.id}: {view.what}, {view.description}", highlight=False)
    else:
        console.print(shown.description, highlight=False)
    for item in shown.lessons:
        console.print(f"  {item.local:%Y-%m-%d %H:%M %a}  {item.title}", highlight=False)


@schedule_app.command("upcoming")
def schedule_upcoming(
    branch: BranchOption,
    limit: Annotated[int, typer.Option(min=1, max=100, help="how many deliveries and meetings to list")] = 10,
    as_user: AsOption = None,
) -> None:
    """The branch's next lesson deliveries (local time) and its active schedules; its meetings called and not
    started, and its active meeting series with the next meeting each will call; first, those that are broken."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    view = call_service(settings, lambda s: s.schedules.upcoming(actor, branch, limit=limit, locale="en"))
    if view.empty:
        console.print(f"nothing scheduled for {view.branch_title}", highlight=False)
        return
    console.print(f"{view.branch_title} ({view.timezone}):", highlight=False)
    for bad in view.broken:
        what = "schedule" if bad.meeting_type is None else f"meeting series ({bad.meeting_type.name('en')})"
        console.print(f"BROKEN {what} {bad.id}: {bad.what}: {bad.reason}; it sends nothing: cancel it with "
                      f"`lesson-bot schedule cancel {bad.id}` and schedule it again", highlight=False)
    for item in view.lessons:
        console.print(f"  {item.local:%Y-%m-%d %H:%M %a}  #{item.schedule_id}  {item.title}", highlight=False)
    for line in view.schedules:
        console.print(f"schedule {line.id}: {line.what}, {line.description}", highlight=False)
    _more(view.more_schedules, "schedules")
    for meeting in view.meetings:
        series = "" if meeting.series_id is None else f" (series {meeting.series_id})"
        console.print(f"  {meeting.local:%Y-%m-%d %H:%M %a}  meeting {meeting.id}  {meeting.kind.name('en')}: "
                      f"{meeting.topic}{series}", highlight=False)
    _more(view.more_meetings, "meetings")
    for series_line in view.series:
        console.print(f"meeting series {series_line.id}: {series_line.kind.name('en')} \"{series_line.topic}\", "
                      f"{series_line.description}; next {series_line.next:%Y-%m-%d %H:%M %a}", highlight=False)
    _more(view.more_series, "meeting series")
    if view.series:
        console.print("stop a series with `lesson-bot schedule cancel ID`: meetings already called stay",
                      highlight=False)


def _more(hidden: int, what: str) -> None:
    if hidden > 0:
        console.print(f"... and {hidden} more {what} (raise --limit)", highlight=False)


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        err_console.print(f"{name}: {value!r} is not a date; expected YYYY-MM-DD", highlight=False)
        raise typer.Exit(2) from None
