"""Inline keyboards of the meeting features: the /meeting wizard's (MeetingStep) and /attendance's
(MeetingAttendance: a meeting's, 代签 and offline)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from lesson_bot.bot.keyboards import button
from lesson_bot.domain.attendance import Attendee, Status, Tally
from lesson_bot.domain.callbacks import Callback, MeetingAttendance, MeetingStep
from lesson_bot.domain.meeting_types import MeetingTypeDef
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.views import LessonOption, MeetingView
from lesson_bot.services.messages.meetings import format_duration_text
from lesson_bot.services.views import BranchView

MAX_PEOPLE = 24  # roster buttons offered; others are typed
LESSON_PAGE = 8  # lessons per page of the 党课's lesson step
DURATIONS = (60, 90, 120, 180)


def _b(text: str, tap: Callback) -> InlineKeyboardButton:
    return button(text[:64], tap)


def _nav(t: Lang, dialog_id: int, back: bool = True) -> list[InlineKeyboardButton]:
    row = [_b(t._("« Back"), MeetingStep("back", dialog_id))] if back else []
    return [*row, _b(t._("Cancel"), MeetingStep("cancel", dialog_id))]


def branches(dialog_id: int, views: Sequence[BranchView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(v.title, MeetingStep("branch", dialog_id, str(v.id)))] for v in views])


def types(t: Lang, dialog_id: int, kinds: Sequence[MeetingTypeDef]) -> InlineKeyboardMarkup:
    rows = [[_b(k.name(t.locale), MeetingStep("type", dialog_id, k.key))] for k in kinds]
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id, back=False)])


def groups(t: Lang, dialog_id: int, names: Sequence[str]) -> InlineKeyboardMarkup:
    rows = [[_b(name, MeetingStep("group", dialog_id, str(index)))]
            for index, name in enumerate(names[:MAX_PEOPLE])]
    return InlineKeyboardMarkup([*rows, _nav(t, dialog_id)])


def nav(t: Lang, dialog_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([_nav(t, dialog_id)])


def starts(t: Lang, dialog_id: int, presets: Sequence[datetime]) -> InlineKeyboardMarkup:
    row = [_b(f"{p:%m-%d %H:%M}", MeetingStep("when", dialog_id, str(int(p.timestamp())))) for p in presets]
    return InlineKeyboardMarkup([row, _nav(t, dialog_id)])


def people(t: Lang, dialog_id: int, verb: str, roster: Sequence[Attendee]) -> InlineKeyboardMarkup:
    buttons = [_b(a.name, MeetingStep(verb, dialog_id, str(a.member_id))) for a in roster[:MAX_PEOPLE]]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return InlineKeyboardMarkup([*rows, [_b(t._("Skip"), MeetingStep(verb, dialog_id, "0"))], _nav(t, dialog_id)])


def lessons(t: Lang, dialog_id: int, options: Sequence[LessonOption], page: int) -> InlineKeyboardMarkup:
    first = page * LESSON_PAGE
    rows = [[_b(f"{o.series} · {o.title}", MeetingStep("lesson", dialog_id, str(o.id)))]
            for o in options[first:first + LESSON_PAGE]]
    paging = []
    if page > 0:
        paging.append(_b(t._("◀ Previous"), MeetingStep("lpage", dialog_id, str(page - 1))))
    if first + LESSON_PAGE < len(options):
        paging.append(_b(t._("Next ▶"), MeetingStep("lpage", dialog_id, str(page + 1))))
    rows += [paging] if paging else []
    return InlineKeyboardMarkup([*rows, [_b(t._("No lesson"), MeetingStep("lesson", dialog_id, "0"))],
                                 _nav(t, dialog_id)])


def durations(t: Lang, dialog_id: int, default: int) -> InlineKeyboardMarkup:
    options = sorted({*DURATIONS, default})
    row = [_b(("✓ " if m == default else "") + _minutes(t, m), MeetingStep("dur", dialog_id, str(m)))
           for m in options]
    return InlineKeyboardMarkup([row, _nav(t, dialog_id)])


def _minutes(t: Lang, minutes: int) -> str:
    return format_duration_text(t, minutes) if minutes % 60 == 0 else t.ngettext("{n} minute", "{n} minutes", minutes)


def confirm(t: Lang, dialog_id: int, with_code: bool) -> InlineKeyboardMarkup:
    code = t._("Sign-in code: turn off") if with_code else t._("Sign-in code: turn on")
    return InlineKeyboardMarkup([
        [_b(t._("✅ Confirm"), MeetingStep("ok", dialog_id))],
        [_b(t._("Change reminders"), MeetingStep("rem", dialog_id)), _b(code, MeetingStep("code", dialog_id))],
        [_b(t._("Repeat: change"), MeetingStep("rep", dialog_id))],
        _nav(t, dialog_id),
    ])


def meetings(views: Sequence[MeetingView], short: dict[int, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(short[v.id], MeetingAttendance("att", v.id))] for v in views])


def attendance(t: Lang, meeting_id: int, result: Tally) -> InlineKeyboardMarkup | None:
    rows = [[_b(t._("Proxy: {name}", name=line.attendee.name),
                MeetingAttendance("px", meeting_id, line.attendee.member_id)),
             _b(t._("Offline: {name}", name=line.attendee.name),
                MeetingAttendance("off", meeting_id, line.attendee.member_id))]
            for line in result.of(Status.ABSENT)[:MAX_PEOPLE]]
    if rows:
        rows.append([_b(t.ngettext("🔔 Remind the {n} not signed in", "🔔 Remind the {n} not signed in",
                                   len(result.of(Status.ABSENT))),
                        MeetingAttendance("rmd", meeting_id))])
    return InlineKeyboardMarkup(rows) if rows else None
