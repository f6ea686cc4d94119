"""`lesson-bot report`: period reports (the organization, a branch, a member), rules-diff and manual scores.

Acts as a Telegram user (--as, default the first admin), so the service's role checks apply: a refusal is one line
and exit status 1, like the other commands. Formats: a Rich table, JSON (machine-readable: every figure), and CSV or
XLSX through the exporters of lesson_bot.reports (the sheets of services/reports/sheets.py).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress
from rich.table import Table

from lesson_bot.cli.common import AsOption, acting_user, call_service, console, err_console, settings_or_exit
from lesson_bot.domain.assessment import AssessmentRules
from lesson_bot.domain.assessment_file import AssessmentError
from lesson_bot.domain.ids import INT64_MAX
from lesson_bot.domain.periods import Period, PeriodError, parse
from lesson_bot.i18n import Translator
from lesson_bot.reports.csv import csv_bytes, csv_zip
from lesson_bot.reports.workbook import workbook_of
from lesson_bot.reports.xlsx import xlsx_bytes
from lesson_bot.services.container import Services
from lesson_bot.services.reports.config import read_rules_file
from lesson_bot.services.reports.sheets import Sheet, branch_sheets, member_sheets, org_sheets
from lesson_bot.services.reports.views import BranchReport, MemberReport, OrgReport, RulesDiff

report_app = typer.Typer(help="Period reports, the branch scorecard and assessment rules.",
                         invoke_without_command=True)
PeriodOption = Annotated[str, typer.Option("--period", help="2026-11, 2026-Q4, 2026 or 2026-10-01..2026-12-31")]


class Format(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def period_or_exit(text: str) -> Period:
    try:
        return parse(text, "--period")
    except PeriodError as exc:
        err_console.print(str(exc), highlight=False)
        raise typer.Exit(2) from None


def _tree(value: Any) -> Any:
    """A report as JSON values: periods by their label, dates ISO, enums by value, dataclasses as objects."""
    if isinstance(value, Period):
        return value.label
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _tree(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_tree(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _tree(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_json(report: object) -> str:
    """Every figure of a report (its frozen values; rates and flags are among them)."""
    return json.dumps(_tree(report), ensure_ascii=False, indent=2)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def sheet_table(sheet: Sheet, title: str) -> Table:
    table = Table(title=title)
    for name in sheet.titles:
        table.add_column(name)
    for row in sheet.rows:
        table.add_row(*(percent(v) if kind == "percent" and not isinstance(v, str) else
                        _number(v) if kind == "number" and not isinstance(v, str) else
                        "" if v is None else str(v) for v, kind in zip(row, sheet.kinds, strict=True)))
    return table


def export(sheets: Sequence[Sheet], fmt: Format, locale: str, *, to_file: bool) -> bytes:
    """XLSX, or CSV titled in `locale`: to a file, one table is the file itself and several a zip of one CSV each;
    to the terminal, the first table (the report's main level)."""
    workbook = workbook_of(sheets, Translator(locale).lang(locale))
    if fmt is Format.CSV:
        return csv_zip(workbook) if to_file and len(workbook.tables) > 1 else csv_bytes(workbook.tables[0])
    return xlsx_bytes(workbook)


def emit(report: OrgReport | BranchReport | MemberReport, sheets: list[Sheet], fmt: Format, out: Path | None,
         title: str, locale: str) -> None:
    if fmt is Format.TABLE:
        for sheet in sheets:
            console.print(sheet_table(sheet, f"{title} · {sheet.name}"))
        return
    with Progress(console=err_console, transient=True, disable=out is None) as progress:
        task = progress.add_task(f"writing {fmt.value}", total=1)
        data = as_json(report).encode() if fmt is Format.JSON else export(sheets, fmt, locale, to_file=out is not None)
        progress.advance(task)
    if out is None:
        if fmt is Format.XLSX:
            sys.stdout.buffer.write(data)
        else:
            typer.echo(data.decode("utf-8-sig"), nl=fmt is Format.JSON)
    else:
        out.write_bytes(data)
        err_console.print(f"written {out} ({len(data)} bytes)", highlight=False)


@report_app.callback()
def report_command(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option("--period", help="2026-11, 2026-Q4, 2026 or "
                                                                "2026-10-01..2026-12-31")] = None,
    branch: Annotated[int | None, typer.Option("--branch", min=0, max=INT64_MAX, help="one branch's report")] = None,
    member: Annotated[int | None, typer.Option("--member", min=0, max=INT64_MAX,
                                                     help="one member's report (member id)")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json, csv or xlsx")] = Format.TABLE,
    out: Annotated[Path | None, typer.Option("--out", help="write to this file instead of the terminal")] = None,
    as_user: AsOption = None,
) -> None:
    """The organization's report for a period (or --branch's, or --member's)."""
    if ctx.invoked_subcommand is not None:
        return
    if period is None:
        err_console.print("--period is required, e.g. --period 2026-Q4", highlight=False)
        raise typer.Exit(2)
    when = period_or_exit(period)
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def load(services: Services) -> OrgReport | BranchReport | MemberReport:
        if member is not None:
            return await services.reports.member_report(actor, member, when)
        if branch is not None:
            return await services.reports.branch_report(actor, branch, when)
        return await services.reports.org_report(actor, when)

    report = call_service(settings, load)
    if isinstance(report, OrgReport):
        emit(report, org_sheets(report), fmt, out, f"organization {when.label}", settings.default_locale)
    elif isinstance(report, BranchReport):
        emit(report, branch_sheets(report), fmt, out, f"{report.branch.title} {when.label}", settings.default_locale)
    else:
        emit(report, member_sheets(report), fmt, out, f"{report.name} {when.label}", settings.default_locale)


def rules_or_exit(path: Path) -> AssessmentRules:
    try:
        return read_rules_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"--rules: cannot read {path}: {exc}", highlight=False)
    except AssessmentError as exc:
        err_console.print(f"--rules: {exc}", highlight=False)
    raise typer.Exit(2)


def diff_table(diff: RulesDiff) -> Table:
    table = Table(title=f"rules-diff {diff.period.label}")
    for name in ("branch", "member", "before", "after", "change"):
        table.add_column(name)
    titles = {d.branch_id: d.name for d in diff.branches}
    for d in (*diff.branches, *diff.members):
        table.add_row(titles[d.branch_id], d.name if d.member_id is not None else "(scorecard)", _number(d.before),
                      _number(d.after), _number(d.delta))
    return table


@report_app.command("rules-diff")
def rules_diff_command(
    period: PeriodOption,
    rules: Annotated[Path, typer.Option("--rules", help="the changed assessment rules file")],
    fmt: Annotated[Format, typer.Option("--format", help="table or json")] = Format.TABLE,
    as_user: AsOption = None,
) -> None:
    """What a changed rules file makes of a past period: each branch's score and each member's points that change,
    before (the rules in force) and after."""
    when = period_or_exit(period)
    new = rules_or_exit(rules)
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)

    async def compare(services: Services) -> RulesDiff:
        return await services.reports.compare_rules(actor, when, services.reports.rules, new)

    diff = call_service(settings, compare)
    if fmt is Format.JSON:
        typer.echo(as_json(diff))
    else:
        console.print(diff_table(diff))


@report_app.command("enter-score")
def enter_score_command(
    period: PeriodOption,
    branch: Annotated[int, typer.Option("--branch", min=0, max=INT64_MAX, help="branch id")],
    dimension: Annotated[str, typer.Option("--dimension", help="a manual dimension of the rules")],
    score: Annotated[float, typer.Option("--score", min=0, max=100, help="0-100")],
    note: Annotated[str | None, typer.Option("--note", help="why (kept with the score)")] = None,
    as_user: AsOption = None,
) -> None:
    """Enter (or replace) an admin's score for a manual scorecard dimension of a branch in a period."""
    when = period_or_exit(period)
    settings = settings_or_exit()
    actor = acting_user(settings, as_user)
    call_service(settings, lambda s: s.reports.enter_score(actor, branch, when, dimension, score, note))
    console.print(f"{dimension} = {score:g} for branch {branch} in {when.label}", highlight=False)
