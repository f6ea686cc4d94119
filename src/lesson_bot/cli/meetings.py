"""`lesson-bot meetings list|record|cadence|review`: a branch's meetings with their ids (cli/meetings_list.py), a
meeting's full record, 三会一课 compliance and the committee's review of records (cli/meetings_review.py), as an
operator sees them.

Like the other commands it acts as a Telegram user (--as, default the first admin), so role checks apply.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from lesson_bot.bot.texts.meetings.records import state as state_text
from lesson_bot.cli.common import AsOption, BranchOption, acting_user, call_service, console, settings_or_exit
from lesson_bot.cli.meetings_list import listing_hint, meeting_table
from lesson_bot.cli.meetings_review import review_app
from lesson_bot.domain.cadence import State
from lesson_bot.domain.ids import INT64_MAX
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.container import Services
from lesson_bot.services.meetings.cadence import BranchCompliance
from lesson_bot.services.meetings.listing import ListedMeeting
from lesson_bot.services.meetings.notices import local, record_lines
from lesson_bot.services.messages.meetings import aside

meetings_app = typer.Typer(help="Meeting records and 三会一课 cadence compliance.", no_args_is_help=True)
LangOption = Annotated[str, typer.Option("--lang", help="en or zh-Hans")]
_TAG = re.compile(r"<[^>]+>")
STATE_STYLE = {State.HELD: "green", State.OPEN: "", State.DUE_SOON: "yellow", State.OVERDUE: "red"}


def plain(line: str) -> str:
    """A Telegram-HTML line as plain text."""
    return html.unescape(_TAG.sub("", line))


@meetings_app.command("record")
def record_command(meeting: Annotated[int, typer.Argument(min=0, max=INT64_MAX, help="meeting id")],
                   lang: LangOption = "en",
                   as_user: AsOption = None) -> None:
    """Print a meeting's whole record: fields, attendance (应到/实到 by 正式/预备), absentees, minutes, decisions,
    attachments, confirmations."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> list[str]:
        view = await services.records.view(actor, meeting)
        return record_lines(Translator(settings.default_locale).lang(lang), services.meetings.types, view)

    lines = call_service(settings, load)
    for line in lines:
        console.print(plain(line), highlight=False, markup=False)


@meetings_app.command("list")
def list_command(branch: BranchOption,
                 past: Annotated[bool, typer.Option("--past", help="meetings that have started, newest first")] = False,
                 limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="how many to list")] = 20,
                 lang: LangOption = "en",
                 as_user: AsOption = None) -> None:
    """A branch's upcoming meetings (or --past ones) with their ids, for `meetings record ID` and `meetings review`."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> tuple[str, str, list[ListedMeeting], MeetingTypes]:
        title, zone, meetings = await services.records.listing(actor, branch, past=past, limit=limit)
        return title, zone, meetings, services.meetings.types

    title, zone, meetings, types = call_service(settings, load)
    t = Translator(settings.default_locale).lang(lang)
    console.print(meeting_table(t, types, title, zone, meetings, past=past))
    console.print(listing_hint(t, past=past, empty=not meetings), highlight=False, markup=False)


def _table(reports: list[BranchCompliance], types: MeetingTypes, t: Lang) -> Table:
    table = Table(title=t._("三会一课 cadence"))
    for column in (t.pgettext("cadence table", "branch"), t.pgettext("cadence table", "period"),
                   t.pgettext("cadence table", "type"), t.pgettext("cadence table", "state"),
                   t.pgettext("cadence table", "held"), t.pgettext("cadence table", "deadline")):
        table.add_column(column, overflow="fold")
    for report in reports:
        for row in sorted(report.rows, key=lambda r: (r.span.first, r.type), reverse=True):
            kind = aside(t, types.get(row.type).name(t.locale), row.party_group or None)
            style = STATE_STYLE[row.state]
            shown = escape(state_text(t, row.state))
            table.add_row(escape(report.title), row.span.label, escape(kind),
                          f"[{style}]{shown}[/]" if style else shown, f"{row.held}/{row.expected}",
                          local(row.deadline - timedelta(seconds=1), report.timezone, "%Y-%m-%d"))
    return table


@meetings_app.command("cadence")
def cadence_command(
    branch: Annotated[int | None, typer.Option("--branch", min=0, max=INT64_MAX,
                                               help="one branch (default: every branch you may see)")]
    = None,
    periods: Annotated[int, typer.Option("--periods", min=1, max=12, help="periods back, current included")] = 3,
    lang: LangOption = "en",
    as_user: AsOption = None,
) -> None:
    """Which meetings each branch's cadence expects per period, which were held, which are overdue or due soon."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> tuple[list[BranchCompliance], MeetingTypes]:
        if branch is not None:
            return [await services.cadence.branch(actor, branch, periods)], services.meetings.types
        return await services.cadence.overview(actor, periods), services.meetings.types

    reports, types = call_service(settings, load)
    t = Translator(settings.default_locale).lang(lang)
    console.print(_table(reports, types, t))
    console.print(t._("{n} branches, {overdue} overdue, {soon} due soon", n=len(reports),
                      overdue=sum(r.count(State.OVERDUE) for r in reports),
                      soon=sum(r.count(State.DUE_SOON) for r in reports)), highlight=False)


meetings_app.add_typer(review_app, name="review")
