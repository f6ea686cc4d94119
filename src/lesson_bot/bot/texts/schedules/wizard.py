"""Texts of the /schedule and /plan wizards: each step's question, the preview, the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from lesson_bot.i18n import N_, Lang
from lesson_bot.services.schedules.views import (
    LessonChoice,
    PlanPreview,
    SchedulePreview,
    ScheduleView,
    SeriesChoice,
    TimePreset,
)

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday"))
DELIVERED, SCHEDULED, UNWRITTEN = "✅", "🗓", "✏️"


def local_time(t: Lang, moment: datetime) -> str:
    """A local moment with its weekday: "2026-12-07（周一）20:00" / "Mon 2026-12-07 20:00"."""
    return t._("{weekday} {date} {time}", weekday=t._(WEEKDAYS[moment.weekday()]), date=f"{moment:%Y-%m-%d}",
               time=f"{moment:%H:%M}")


def mark(lesson: LessonChoice) -> str:
    """What this branch already has of a lesson, as the sign the list and the buttons show."""
    if lesson.quiz_unwritten:
        return UNWRITTEN
    return DELIVERED if lesson.delivered else SCHEDULED if lesson.scheduled else ""


def _head(t: Lang, plan: bool, step: int, branch: str) -> str:
    if plan:
        return t._("<b>Plan a series for {branch}</b> (step {step} of 4)", branch=escape(branch), step=step)
    return t._("<b>Schedule a lesson for {branch}</b> (step {step} of 4)", branch=escape(branch), step=step)


def ask_branch(t: Lang, plan: bool) -> str:
    if plan:
        return t._("<b>Plan a series</b>: which branch is it for?")
    return t._("<b>Schedule a lesson</b>: which branch is it for?")


def ask_branch_upcoming(t: Lang) -> str:
    return t._("Which branch's upcoming lessons?")


def ask_series(t: Lang, plan: bool, branch: str, series: Sequence[SeriesChoice]) -> str:
    lines = [_head(t, plan, 1, branch), t._("Which series?"), ""]
    lines += [
        t.ngettext("{i}. {name} ({n} lesson)", "{i}. {name} ({n} lessons)", len(s.lessons), i=i, name=escape(s.name))
        for i, s in enumerate(series, start=1)
    ]
    lines += ["", t._("Tap a series, or type its number or name.")]
    return "\n".join(lines)


def ask_lesson(t: Lang, branch: str, series: SeriesChoice, first: int, page: int, pages: int) -> str:
    """One page of a series: each lesson with its summary and what this branch already has of it."""
    lines = [_head(t, False, 2, branch), t._("Which lesson of “{series}”?", series=escape(series.name))]
    if pages > 1:
        lines.append(t._("Page {page} of {pages}", page=page + 1, pages=pages))
    lines.append("")
    for number, lesson in enumerate(series.lessons[first:first + 8], start=first + 1):
        sign = mark(lesson)
        lines.append(f"{number}. <b>{escape(lesson.title)}</b>{' ' + sign if sign else ''}")
        if lesson.summary:
            lines.append(f"    {escape(lesson.summary)}")
    lines += ["", t._("{delivered} delivered to this branch already · {scheduled} scheduled",
                      delivered=DELIVERED, scheduled=SCHEDULED)]
    if any(lesson.quiz_unwritten for lesson in series.lessons):
        lines.append(t._("{unwritten} imported, its quiz not written yet (/quiz)", unwritten=UNWRITTEN))
    lines.append(t._("Tap a lesson, or type its number."))
    return "\n".join(lines)


def ask_time(t: Lang, branch: str, lesson: LessonChoice, zone: str) -> str:
    lines = [_head(t, False, 3, branch), t._("Lesson: <b>{title}</b>", title=escape(lesson.title))]
    if lesson.summary:
        lines.append(escape(lesson.summary))
    if lesson.delivered:
        lines.append(t._("{delivered} This branch has had this lesson already.", delivered=DELIVERED))
    lines += ["", t._("When should it be sent? (time in {zone})", zone=escape(zone)),
              t._("Tap a preset, or type a time such as 2026-12-01 19:30, 明天 20:00 or every Monday 20:00.")]
    return "\n".join(lines)


def ask_slot(t: Lang, branch: str, series: SeriesChoice, zone: str) -> str:
    lines = [_head(t, True, 2, branch),
             t.ngettext("Series: <b>{name}</b>, {n} lesson, one per occurrence in order.",
                        "Series: <b>{name}</b>, {n} lessons, one per occurrence in order.",
                        len(series.lessons), name=escape(series.name)),
             "", t._("Which weekly time? (time in {zone})", zone=escape(zone)),
             t._("Tap a preset, or type a repeating time such as 每周一 20:00 or every Tuesday and Thursday 19:30.")]
    return "\n".join(lines)


def ask_start(t: Lang, branch: str, description: str) -> str:
    return "\n".join([_head(t, True, 3, branch), t._("Time: {description}", description=escape(description)), "",
                      t._("From which day on? Tap “As soon as possible”, or type a date such as 2026-12-14 or "
                          "下周一.")])


def preset_label(t: Lang, preset: TimePreset) -> str:
    """A preset button: "今晚 20:00", "明天 20:00", "周六 12-05 09:00", "每周一 20:00"."""
    match preset.code:
        case "usual":
            assert preset.local is not None
            return t._("⭐ Usual: {day}", day=local_time(t, preset.local))
        case "tonight":
            return t._("Tonight {time}", time=preset.clock)
        case "tomorrow":
            return t._("Tomorrow {time}", time=preset.clock)
        case "usual_weekly":
            return t._("⭐ Usual: every {weekday} {time}", weekday=t._(WEEKDAY_NAMES[preset.weekday or 0]),
                       time=preset.clock)
        case "weekly":
            return t._("Every {weekday} {time}", weekday=t._(WEEKDAY_NAMES[preset.weekday or 0]), time=preset.clock)
    assert preset.local is not None
    return local_time(t, preset.local)


def confirm_lesson(t: Lang, branch: str, lesson: LessonChoice, shown: SchedulePreview, zone: str) -> str:
    lines = [_head(t, False, 4, branch), t._("Please check and confirm."), "",
             t._("Lesson: <b>{title}</b>", title=escape(lesson.title)),
             t._("Time: {description}", description=escape(shown.description)),
             t._("Next deliveries ({zone}):", zone=escape(zone))]
    lines += [f"• {local_time(t, moment)}" for moment in shown.next]
    if len(shown.next) > 1:
        lines += ["", t._("The same lesson is sent each time. To send a whole series in order, use /plan.")]
    return "\n".join(lines)


def confirm_plan(t: Lang, branch: str, shown: PlanPreview, zone: str) -> str:
    lines = [_head(t, True, 4, branch), t._("Please check and confirm."), "",
             t._("Series: <b>{name}</b>", name=escape(shown.series)),
             t._("Time: {description}", description=escape(shown.description)),
             t._("Lessons by date ({zone}):", zone=escape(zone))]
    lines += [f"• {local_time(t, item.local)} — {escape(item.title)}" for item in shown.lessons]
    return "\n".join(lines)


def done_lesson(t: Lang, view: ScheduleView) -> str:
    lines = [t._("✅ Scheduled (#{id}): <b>{what}</b>", id=view.id, what=escape(view.what)),
             escape(view.description)]
    if view.next:
        lines.append(t._("Next: {when}", when=local_time(t, view.next[0])))
    lines.append(t._("See or cancel it with /upcoming."))
    return "\n".join(lines)


def done_plan(t: Lang, view: ScheduleView, shown: PlanPreview) -> str:
    lines = [t._("✅ Series planned (#{id}): <b>{what}</b>", id=view.id, what=escape(view.what)),
             escape(view.description)]
    if shown.lessons:
        first, last = shown.lessons[0].local, shown.lessons[-1].local
        lines.append(t.ngettext("{n} lesson, from {first} to {last}.", "{n} lessons, from {first} to {last}.",
                                len(shown.lessons), first=local_time(t, first), last=local_time(t, last)))
    lines.append(t._("See or cancel it with /upcoming."))
    return "\n".join(lines)


def cancelled(t: Lang) -> str:
    return t._("Cancelled; nothing was scheduled.")


def use_buttons(t: Lang) -> str:
    return t._("⚠️ Please use the buttons below.")


def not_current(t: Lang) -> str:
    return t._("These buttons belong to an earlier step. Use the newest message.")


def no_branches(t: Lang) -> str:
    return t._("You are not a secretary of any branch, so there is nothing to schedule.")


def no_lessons(t: Lang) -> str:
    return t._("The lesson library is empty, so there is nothing to schedule yet.")
