"""A report's sheets (services/reports/sheets.py) as a typed workbook, with column titles in the reader's language.

The services name columns by key (`lessons_rate`) and kind; this module gives each key its title through the
catalogs (context "report column") and builds the `Table`s the XLSX and CSV writers take.
"""

from __future__ import annotations

from collections.abc import Sequence

from lesson_bot.domain.translation import NP_, Translation
from lesson_bot.reports.tables import Column, Kind, Table, Workbook
from lesson_bot.services.reports.sheets import Sheet

TITLES = dict(
    rank=NP_("report column", "Rank"),
    branch=NP_("report column", "Branch"),
    member=NP_("report column", "Member"),
    members=NP_("report column", "Members"),
    points=NP_("report column", "Points"),
    lesson_points=NP_("report column", "Lesson points"),
    quiz_points=NP_("report column", "Quiz points"),
    meeting_points=NP_("report column", "Meeting points"),
    lessons_delivered=NP_("report column", "Lessons delivered"),
    lessons_on_time=NP_("report column", "Studied on time"),
    lessons_makeup=NP_("report column", "Studied as make-up"),
    lessons_missed=NP_("report column", "Lessons missed"),
    lessons_rate=NP_("report column", "Lesson completion"),
    answers=NP_("report column", "Quiz answers"),
    right=NP_("report column", "Right answers"),
    quiz_rate=NP_("report column", "Quiz accuracy"),
    reviews=NP_("report column", "Review answers"),
    attended=NP_("report column", "Attended"),
    late=NP_("report column", "Late"),
    excused=NP_("report column", "On leave"),
    absent=NP_("report column", "Absent"),
    meeting_makeups=NP_("report column", "Meeting make-ups"),
    attendance_rate=NP_("report column", "Attendance"),
    meetings_held=NP_("report column", "Meetings held"),
    records_on_time=NP_("report column", "Records on time"),
    records_late=NP_("report column", "Records late"),
    records_missing=NP_("report column", "Records missing"),
    cadence_due=NP_("report column", "Cadence periods due"),
    cadence_met=NP_("report column", "Cadence periods met"),
    score=NP_("report column", "Score"),
    flagged=NP_("report column", "Flagged"),
    change=NP_("report column", "Change"),
)
SHEETS = dict(
    branches=NP_("report sheet", "Branches"),
    members=NP_("report sheet", "Members"),
    scorecard=NP_("report sheet", "Scorecard"),
    trend=NP_("report sheet", "Trend"),
    member=NP_("report sheet", "Member"),
    branch=NP_("report sheet", "Branch"),
)


def _key(title: str) -> str:
    """A column key from the service's column name (`previous (2026-Q3)` → `previous_2026-q3`)."""
    key = "".join(c if c.isalnum() or c in "_-" else "_" for c in title.lower()).strip("_")
    return key or "column"


def _title(t: Translation, name: str) -> str:
    marked = TITLES.get(name)
    if marked is not None:
        return t.pgettext(*marked)
    if name.startswith("previous"):  # "previous (2026-Q3)": the period is data, the word is ours
        return t.pgettext("report column", "Previous ({period})", period=name.partition("(")[2].rstrip(")"))
    return name  # a scorecard dimension's own key, as the assessment rules name it


def table_of(sheet: Sheet, t: Translation) -> Table:
    """One sheet as a typed table, its columns titled in `t`'s language."""
    columns = tuple(Column(_key(name), _title(t, name), Kind(kind)) for name, kind in zip(sheet.titles, sheet.kinds,
                                                                                           strict=True))
    title = t.pgettext(*SHEETS[sheet.name]) if sheet.name in SHEETS else sheet.name
    return Table(sheet.name, title, columns, sheet.rows)


def workbook_of(sheets: Sequence[Sheet], t: Translation) -> Workbook:
    """A report's sheets as one workbook: one table per level."""
    return Workbook(tuple(table_of(sheet, t) for sheet in sheets))
