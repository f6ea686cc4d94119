"""`lesson-bot roster ...` and `lesson-bot branches`: the same services the bot uses, run by an operator.

The command acts as a Telegram user, so the role checks and the audit log apply exactly as in the bot:
by default the first of LESSON_BOT_ADMIN_IDS, or the user given with --as.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from lesson_bot.cli.common import (
    AsOption,
    BranchOption,
    acting_user,
    call_service,
    console,
    err_console,
    settings_or_exit,
)
from lesson_bot.domain.enums import MembershipStatus
from lesson_bot.domain.ids import parse_id
from lesson_bot.services.meetings.notices import local

roster_app = typer.Typer(help="Show and import branch rosters; appoint secretaries.", no_args_is_help=True)
secretary_app = typer.Typer(help="Appoint or remove a branch's secretaries.", no_args_is_help=True)
roster_app.add_typer(secretary_app, name="secretary")

@roster_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV: 姓名/name, Telegram, 角色/role, 状态/status[, 党小组, 支委]")],
    branch: BranchOption,
    as_user: AsOption = None,
) -> None:
    """Import a roster CSV: bad rows are reported by line, good rows imported; the same file twice changes nothing."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    try:
        data = file.read_bytes()
    except OSError as exc:
        err_console.print(f"{file}: cannot read: {exc.strerror}", highlight=False)
        raise typer.Exit(2) from None
    report = call_service(settings, lambda s: s.roster.import_csv(actor, branch, data))
    for problem in report.problems:
        value = f" ({problem.value!r})" if problem.value else ""
        console.print(f"{file}:{problem.line}: {problem.field}: {problem.problem}{value}", highlight=False)
    console.print(f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
                  f"{len(report.problems)} problems", highlight=False)
    raise typer.Exit(1 if report.problems else 0)


@roster_app.command("show")
def show_command(branch: BranchOption, as_user: AsOption = None) -> None:
    """Show a branch's roster."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    view = call_service(settings, lambda s: s.roster.roster(actor, branch))
    table = Table(title=f"{view.branch.title} ({len(view.active)} members)", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("name", "telegram", "role", "status", "party", "group", "committee", "reachable"):
        # A long name (or handle, group) wraps onto further lines, never cut; the name column keeps some width.
        table.add_column(column, overflow="fold", min_width=16 if column == "name" else None)
    for e in view.entries:
        handle = f"@{e.username}" if e.username else str(e.telegram_user_id or "")
        table.add_row(e.name, handle, e.role, "active" if e.status is MembershipStatus.ACTIVE else "left",
                      e.party_status or "", e.party_group or "", "yes" if e.is_committee else "",
                      "yes" if e.started_bot else "no")
    console.print(table)


def _target(who: str) -> str | int:
    number = parse_id(who)
    return who if number is None else number


WhoArgument = Annotated[str, typer.Argument(help="@username or Telegram user id")]


def _secretary(branch: int, who: str, as_user: int | None, *, appoint: bool) -> None:
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    target = _target(who)
    if appoint:
        entry = call_service(settings, lambda s: s.branches.add_secretary(actor, branch, target))
        console.print(f"{entry.name} is now a secretary of branch {branch}", highlight=False)
    else:
        entry = call_service(settings, lambda s: s.branches.remove_secretary(actor, branch, target))
        console.print(f"{entry.name} is no longer a secretary of branch {branch}", highlight=False)


@secretary_app.command("add")
def secretary_add(branch: BranchOption, who: WhoArgument, as_user: AsOption = None) -> None:
    """Make someone a secretary of the branch."""
    _secretary(branch, who, as_user, appoint=True)


@secretary_app.command("remove")
def secretary_remove(branch: BranchOption, who: WhoArgument, as_user: AsOption = None) -> None:
    """Make a secretary an ordinary member again (admins only)."""
    _secretary(branch, who, as_user, appoint=False)


def branches_command(as_user: AsOption = None) -> None:
    """List the branches with their status (all of them for an admin)."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    views = call_service(settings, lambda s: s.branches.list_for(actor))
    table = Table(title=f"{len(views)} branches")
    for column in ("id", "title", "status", "members", "secretaries", "timezone", "chat id"):
        table.add_column(column, no_wrap=column == "chat id", overflow="fold")
    for v in views:
        table.add_row(str(v.id), v.title, v.status, str(v.active_members), "、".join(v.secretaries), v.timezone,
                      str(v.chat_id))
    console.print(table)


def deliveries_command(
    branch: BranchOption,
    days: Annotated[int, typer.Option(min=1, max=3660, help="how many days back")] = 7,
    as_user: AsOption = None,
) -> None:
    """The delivery ledger: what was sent, deferred, retried, failed or missed for a branch."""
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    view = call_service(settings, lambda s: s.deliveries.ledger(actor, branch, days=days, limit=50))
    outcomes = " · ".join(f"{k} {view.outcomes.get(k, 0)}" for k in ("sent", "deferred", "retried", "failed", "missed"))
    console.print(f"{view.branch.title}, last {days} days: {outcomes} · waiting {view.waiting} · "
                  f"ambiguous {view.ambiguous} (sends with no answer after leaving: each may have arrived twice)",
                  highlight=False)
    table = Table(title=f"problems and latest (due: {view.branch.timezone})")
    for column in ("due", "lesson / meeting", "kind", "status", "attempts", "ambiguous", "detail"):
        table.add_column(column, no_wrap=column == "due", overflow="fold")
    for line in (*view.problems, *view.recent):
        detail = line.detail or ("may have arrived twice" if line.ambiguous else "")
        table.add_row(local(line.due_at, view.branch.timezone), line.what, line.kind, line.status,
                      str(line.attempts), str(line.ambiguous), detail)
    console.print(table)

