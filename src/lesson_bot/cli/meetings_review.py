"""`lesson-bot meetings review list|approve|return|history`: the committee's review of meeting records (审阅).

Acts as a Telegram user (--as, default the first admin); reviewing is for admins, so the role check applies.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from lesson_bot.cli.common import AsOption, acting_user, call_service, console, settings_or_exit
from lesson_bot.services.container import Services
from lesson_bot.services.meetings.notices import local
from lesson_bot.services.meetings.review import Reviewed, ReviewStep
from lesson_bot.services.meetings.review_log import RecordLine

review_app = typer.Typer(help="The committee's review of meeting records: list, approve, return.",
                         no_args_is_help=True)
MeetingArg = Annotated[int, typer.Argument(help="meeting id")]


@review_app.command("list")
def list_command(as_user: AsOption = None) -> None:
    """Every record submitted and not yet approved, the longest waiting first."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> list[RecordLine]:
        return await services.record_reviews.pending(actor)

    lines = call_service(settings, load)
    table = Table(title="Records waiting for review")
    for column in ("meeting", "branch", "type", "held", "topic", "round", "state", "submitted", "late"):
        table.add_column(column)
    for line in lines:
        table.add_row(str(line.meeting_id), line.branch_title, line.type, local(line.starts_at, line.timezone),
                      line.topic, str(line.round), str(line.state), local(line.recorded_at, line.timezone),
                      "yes" if line.late else "")
    console.print(table)
    console.print(f"{len(lines)} waiting", highlight=False)


def _done(verb: str, done: Reviewed) -> None:
    console.print(f"meeting {done.line.meeting_id} {verb} (round {done.line.round}); {done.notified} "
                  "private messages queued", highlight=False)


@review_app.command("approve")
def approve_command(meeting: MeetingArg, comment: Annotated[str | None, typer.Option(
        "--comment", help="optional comment for the branch")] = None, as_user: AsOption = None) -> None:
    """Approve (通过) the record as it stands; its secretaries and recorder are told."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def act(services: Services) -> Reviewed:
        return await services.record_reviews.approve(actor, meeting, None, comment)

    _done("approved", call_service(settings, act))


@review_app.command("return")
def return_command(meeting: MeetingArg, comment: Annotated[str, typer.Option(
        "--comment", help="what must be corrected: sent to the branch's secretaries and the recorder")],
                   as_user: AsOption = None) -> None:
    """Return (退回) the record with a comment; its secretaries and recorder may answer or correct it."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def act(services: Services) -> Reviewed:
        return await services.record_reviews.return_record(actor, meeting, comment)

    _done("returned", call_service(settings, act))


@review_app.command("history")
def history_command(meeting: MeetingArg, as_user: AsOption = None) -> None:
    """Every step of the record's review: rounds, comments, answers."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> list[ReviewStep]:
        return await services.record_reviews.history(actor, meeting)

    table = Table(title=f"Review of meeting {meeting}")
    for column in ("round", "at (UTC)", "state", "by", "comment", "answer"):
        table.add_column(column)
    for step in call_service(settings, load):
        table.add_row(str(step.round), local(step.at, "UTC"), str(step.state), step.by or "—", step.comment or "",
                      step.answer or "")
    console.print(table)
