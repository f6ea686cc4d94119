"""Texts of /meetings: a branch's upcoming meetings, calling one off, changing its reminders."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.agenda import Agenda, AgendaLine, CalledOff
from lesson_bot.services.meetings.views import MeetingView
from lesson_bot.services.messages.meetings import format_duration_text, when


def ask_branch(t: Lang) -> str:
    return t._("Which branch's meetings?")


def reminders(t: Lang, minutes: Sequence[int]) -> str:
    """“1 day + 1 hour before”, or that there are none."""
    if not minutes:
        return t._("no reminders")
    return t._("{times} before", times=" + ".join(format_duration_text(t, m) for m in minutes))


def listing(t: Lang, agenda: Agenda, notice: str | None = None) -> str:
    """Each upcoming meeting in local time with its figures; the buttons name it by its number."""
    out = [notice, ""] if notice else []
    if not agenda.lines:
        out.append(t._("No meeting is coming up for “{branch}”. Call one with /meeting.",
                       branch=escape(agenda.branch_title)))
        out.append(to_record(t))
        return "\n".join(out)
    out.append(t._("<b>Upcoming meetings of {branch}</b> (time in {zone})", branch=escape(agenda.branch_title),
                   zone=escape(agenda.timezone)))
    for line in agenda.lines:
        view = line.view
        out += ["", f"#{view.id} <b>{escape(view.kind.name(t.locale))}</b>: {escape(view.topic)}",
                f"{when(view.local_start)}–{view.local_end:%H:%M} · {escape(view.place or view.online_link or '—')}"]
        figures = t._("Attend {attending} · Leave {leave}", attending=line.attending, leave=line.on_leave)
        if line.pending:
            figures += " " + t._("({n} to decide)", n=line.pending)
        out.append(figures)
        out.append(t._("Reminders: {reminders}", reminders=reminders(t, view.rules.reminders)))
        if line.recurring:
            out.append(t._("🔁 one meeting of a recurring series"))
    out += ["", to_record(t)]
    return "\n".join(out)


def to_record(t: Lang) -> str:
    """The way from the coming meetings (/meetings) to the past ones and their records (/record)."""
    return t._("Meetings held, and their records: /record (in private)")


def confirm_cancel(t: Lang, line: AgendaLine) -> str:
    view = line.view
    lines = [t._("Call off #{id} {type} “{topic}” on {start}?", id=view.id, type=escape(view.kind.name(t.locale)),
                 topic=escape(view.topic), start=when(view.local_start)),
             t._("The group will be told, and in private everyone who answered; its reminders and sign-in button "
                 "will not be sent.")]
    if line.recurring:
        lines.append(t._("It belongs to a recurring series: only this meeting is called off, the series goes on."))
    return "\n".join(lines)


def called_off(t: Lang, result: CalledOff) -> str:
    """What cancelling did, for the secretary."""
    lines = [t._("🚫 #{id} “{topic}” is called off.", id=result.view.id, topic=escape(result.view.topic))]
    if result.told_group:
        lines.append(t._("The group is being told."))
    else:
        lines.append(t._("Its notice had not gone out yet, so the group is not told."))
    if result.told_members:
        lines.append(t.ngettext("{n} member who answered is told in private.",
                                "{n} members who answered are told in private.", result.told_members))
    if result.withdrawn:
        lines.append(t.ngettext("{n} queued message withdrawn.", "{n} queued messages withdrawn.", result.withdrawn))
    if result.recurring:
        lines.append(t._("The recurring series goes on: its next meeting will be called as usual. To stop the whole "
                         "series, use /upcoming."))
    return "\n".join(lines)


def ask_reminders(t: Lang, view: MeetingView) -> str:
    return t._("Reminders for #{id} “{topic}” ({start}): now {reminders}. Choose:", id=view.id,
               topic=escape(view.topic), start=when(view.local_start), reminders=reminders(t, view.rules.reminders))


def reminders_set(t: Lang, view: MeetingView) -> str:
    return t._("✅ Reminders for #{id}: {reminders}. Ones already sent stay sent.", id=view.id,
               reminders=reminders(t, view.rules.reminders))


def preset(t: Lang, minutes: Sequence[int]) -> str:
    """A preset's button label."""
    if not minutes:
        return t._("No reminders")
    if len(minutes) == 1:
        return t._("Only {time}", time=format_duration_text(t, minutes[0]))
    return " + ".join(format_duration_text(t, m) for m in minutes)


def gone(t: Lang) -> str:
    return t._("That meeting is no longer coming up.")


def no_branches(t: Lang) -> str:
    return t._("You are not a secretary of any branch, so there are no meetings to show.")
