"""Texts of /upcoming: what the branch will be sent next, its schedules, and cancelling or skipping."""

from __future__ import annotations

from datetime import date
from html import escape

from lesson_bot.bot.texts.schedule import local_time
from lesson_bot.i18n import Lang
from lesson_bot.services.schedule_views import ScheduleLine, Upcoming


def listing(t: Lang, view: Upcoming, notice: str | None = None) -> str:
    """The next deliveries in local time, then each schedule with its number (the buttons name it)."""
    lines = [notice, ""] if notice else []
    if not view.lessons:
        lines.append(t._("Nothing is scheduled for “{branch}”. Use /schedule for one lesson or /plan for a whole "
                         "series.", branch=escape(view.branch_title)))
        return "\n".join(lines)
    lines.append(t._("<b>Coming up for {branch}</b> (time in {zone})", branch=escape(view.branch_title),
                     zone=escape(view.timezone)))
    lines += [f"• {local_time(t, item.local)} — {escape(item.title)} (#{item.schedule_id})" for item in view.lessons]
    lines += ["", t._("<b>Schedules</b>")]
    lines += [f"#{line.id} {escape(line.what)} — {escape(line.description)}" for line in view.schedules]
    if any(line.recurring for line in view.schedules):
        lines += ["", t._("Skipping a day holds back every recurring lesson of this branch that day; a series "
                          "continues at its next date.")]
    return "\n".join(lines)


def confirm_cancel(t: Lang, line: ScheduleLine) -> str:
    return t._("Cancel schedule #{id} ({what}, {description})? Nothing more will be sent from it.", id=line.id,
               what=escape(line.what), description=escape(line.description))


def confirm_skip(t: Lang, day: date) -> str:
    shown = day.isoformat()
    return t._("Skip {date}? None of this branch's recurring lessons will be sent that day; a series continues at "
               "its next date.", date=shown)


def cancelled(t: Lang, schedule_id: int, withdrawn: int) -> str:
    if withdrawn:
        return t.ngettext("Schedule #{id} cancelled; {n} queued message withdrawn.",
                          "Schedule #{id} cancelled; {n} queued messages withdrawn.", withdrawn, id=schedule_id)
    return t._("Schedule #{id} cancelled.", id=schedule_id)


def skipped(t: Lang, day: date) -> str:
    return t._("No recurring lesson will be sent on {date}.", date=day.isoformat())


def gone(t: Lang) -> str:
    return t._("That schedule has nothing more to send.")
