"""Inline keyboards of the scheduling wizards (`sch:<verb>:<dialog>[:<arg>]`) and of /upcoming (`up:...`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from lesson_bot.bot.keyboards import button as _b
from lesson_bot.bot.texts.schedules import wizard as texts
from lesson_bot.domain.callbacks import ScheduleStep, Upcoming
from lesson_bot.i18n import Lang
from lesson_bot.services.schedules.views import (
    BrokenSchedule,
    LessonChoice,
    MeetingSeries,
    ScheduleLine,
    SeriesChoice,
    TimePreset,
)
from lesson_bot.services.views import BranchView

PAGE = 8  # lessons per page: a series longer than this is paged
Row = list[InlineKeyboardButton]


def _nav(t: Lang, dialog_id: int, *, back: bool) -> Row:
    row = [_b(t._("◀ Back"), ScheduleStep("bk", dialog_id))] if back else []
    return [*row, _b(t._("✖ Cancel"), ScheduleStep("cx", dialog_id))]


def branches(t: Lang, dialog_id: int, views: Sequence[BranchView]) -> InlineKeyboardMarkup:
    rows = [[_b(v.title, ScheduleStep("br", dialog_id, v.id))] for v in views]
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id, back=False)])


def series(t: Lang, dialog_id: int, choices: Sequence[SeriesChoice], *, back: bool) -> InlineKeyboardMarkup:
    rows = [[_b(t._("{series} ({count})", series=s.name, count=len(s.lessons)), ScheduleStep("se", dialog_id, i))]
            for i, s in enumerate(choices)]
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id, back=back)])


def lessons(t: Lang, dialog_id: int, choice: SeriesChoice, page: int) -> InlineKeyboardMarkup:
    first = page * PAGE
    rows: list[Row] = []
    for number, lesson in enumerate(choice.lessons[first:first + PAGE], start=first + 1):
        rows.append([_b(_lesson_label(number, lesson), ScheduleStep("ls", dialog_id, lesson.id))])
    paging: Row = []
    if page > 0:
        paging.append(_b(t._("◀ Previous"), ScheduleStep("pg", dialog_id, page - 1)))
    if first + PAGE < len(choice.lessons):
        paging.append(_b(t._("Next ▶"), ScheduleStep("pg", dialog_id, page + 1)))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id, back=True)])


def _lesson_label(number: int, lesson: LessonChoice) -> str:
    sign = texts.mark(lesson)
    return f"{sign + ' ' if sign else ''}{number}. {lesson.title}"


def presets(t: Lang, dialog_id: int, choices: Sequence[TimePreset]) -> InlineKeyboardMarkup:
    rows = [[_b(texts.preset_label(t, p), ScheduleStep("wh", dialog_id, i))] for i, p in enumerate(choices)]
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id, back=True)])


def start(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(t._("As soon as possible"), ScheduleStep("st", dialog_id))],
                                 _nav(t, dialog_id, back=True)])


def confirm(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(t._("✅ Confirm"), ScheduleStep("ok", dialog_id))], _nav(t, dialog_id, back=True)])


def nav_only(t: Lang, dialog_id: int, *, back: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([_nav(t, dialog_id, back=back)])


def upcoming(t: Lang, branch_id: int, lines: Sequence[ScheduleLine], series: Sequence[MeetingSeries] = (),
             broken: Sequence[BrokenSchedule] = ()) -> InlineKeyboardMarkup | None:
    """Per schedule: cancel, and for a recurring one, skip its next date; per meeting series: stop. A broken one
    sends nothing, so its cancel or stop needs no confirming."""
    rows: list[Row] = [[_b(t._("✖ Cancel #{id}", id=item.id), Upcoming("cxok", branch_id, item.id))]
                       if item.meeting_type is None else
                       [_b(t._("⏹ Stop series #{id}", id=item.id), Upcoming("msok", branch_id, item.id))]
                       for item in broken]
    for line in lines:
        row = [_b(t._("✖ Cancel #{id}", id=line.id), Upcoming("cx", branch_id, line.id))]
        if line.recurring:
            day = line.next.date()
            label = t._("⏭ Skip {date}", date=day.strftime("%m-%d"))
            row.append(_b(label, Upcoming("sk", branch_id, line.id, day)))
        rows.append(row)
    rows += [[_b(t._("⏹ Stop series #{id}", id=line.id), Upcoming("ms", branch_id, line.id))] for line in series]
    return InlineKeyboardMarkup(rows) if rows else None


def upcoming_confirm(t: Lang, verb: str, branch_id: int, schedule_id: int, day: date | None) -> InlineKeyboardMarkup:
    """Confirm a cancel (`cxok`), a skip (`skok`) or stopping a meeting series (`msok`), or go back to the list."""
    labels = {"cxok": t._("Yes, cancel it"), "skok": t._("Yes, skip that day"), "msok": t._("Yes, stop the series")}
    label = labels[verb]
    return InlineKeyboardMarkup([[_b(label, Upcoming(verb, branch_id, schedule_id, day))],
                                 [_b(t._("◀ Back"), Upcoming("back", branch_id))]])


def upcoming_branches(views: Sequence[BranchView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(v.title, Upcoming("back", v.id))] for v in views])
