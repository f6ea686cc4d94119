"""Texts of /upcoming: what the branch will be sent next, its schedules, its meeting series and the meetings
called, those that are broken, and cancelling, skipping or stopping."""

from __future__ import annotations

from datetime import date
from html import escape

from lesson_bot.bot.texts.schedules.wizard import local_time
from lesson_bot.i18n import Lang
from lesson_bot.services.schedules.views import MeetingSeries, ScheduleLine, SeriesStopped, Upcoming
from tgrules.html import parse_html, utf16_len
from tgrules.limits import MESSAGE_TEXT_MAX

NAME_MAX = 60  # a schedule's lesson or series name, as listed
TOPIC_MAX = 40  # a meeting's topic, as listed (the full one is in /meetings)


def listing(t: Lang, view: Upcoming, notice: str | None = None) -> str:
    """The next deliveries and meetings in local time, each schedule and series with its number (the buttons name
    it); within Telegram's text limit, dropping the last deliveries and meetings when it would not fit."""
    lessons, meetings = len(view.lessons), len(view.meetings)
    text = _listing(t, view, notice, lessons, meetings)
    while _length(text) > MESSAGE_TEXT_MAX and lessons + meetings:
        if lessons >= meetings:
            lessons -= 1
        else:
            meetings -= 1
        text = _listing(t, view, notice, lessons, meetings)
    return text


def _listing(t: Lang, view: Upcoming, notice: str | None, lessons: int, meetings: int) -> str:
    lines = [notice, ""] if notice else []
    if view.empty:
        lines.append(t._("Nothing is scheduled for “{branch}”. Use /schedule for one lesson or /plan for a whole "
                         "series.", branch=escape(view.branch_title)))
        return "\n".join(lines)
    lines.append(t._("<b>Coming up for {branch}</b> (time in {zone})", branch=escape(view.branch_title),
                     zone=escape(view.timezone)))
    lines += _broken(t, view)
    if view.lessons:
        lines += [f"• {local_time(t, item.local)} — {escape(item.title)} (#{item.schedule_id})"
                  for item in view.lessons[:lessons]]
        lines += _more(t, len(view.lessons) - lessons)
        lines += ["", t._("<b>Schedules</b>")]
        lines += [f"#{line.id} {escape(_clip(line.what, NAME_MAX))} — {escape(line.description)}"
                  for line in view.schedules]
        lines += _more(t, view.more_schedules)
        if any(line.recurring for line in view.schedules):
            lines += ["", t._("Skipping a day holds back every recurring lesson of this branch that day; a series "
                              "continues at its next date.")]
    else:
        lines.append(t._("No lesson is scheduled: /schedule for one lesson, /plan for a whole series."))
    return "\n".join(lines + _meetings(t, view, meetings))


def _broken(t: Lang, view: Upcoming) -> list[str]:
    """The schedules and series that send nothing because they cannot be computed: first, with what to do."""
    if not view.broken:
        return []
    lines = ["", t._("<b>⚠️ Broken</b>")]
    for item in view.broken:
        if item.meeting_type is None:
            lines.append(t._("#{id} {what} — broken: {reason}.", id=item.id, what=escape(_clip(item.what, NAME_MAX)),
                             reason=escape(item.reason)))
        else:
            lines.append(t._("Meeting series #{id} {type} “{topic}” — broken: {reason}.", id=item.id,
                             type=escape(item.meeting_type.name(t.locale)),
                             topic=escape(_clip(item.what, TOPIC_MAX)), reason=escape(item.reason)))
    lines.append(t._("Nothing is sent from these. Cancel each one (a meeting series: stop it) and schedule it "
                     "again."))
    return lines


def _meetings(t: Lang, view: Upcoming, shown: int) -> list[str]:
    """The meetings called and not started, then the meeting series with what stopping one does."""
    if not (view.meetings or view.series):
        return []
    lines = ["", t._("<b>Meetings called</b>")]
    for meeting in view.meetings[:shown]:
        shown_as = {"start": local_time(t, meeting.local), "type": escape(meeting.kind.name(t.locale)),
                    "topic": escape(_clip(meeting.topic, TOPIC_MAX))}
        if meeting.series_id is None:
            lines.append(t._("• {start} — {type}: {topic}", **shown_as))
        else:
            lines.append(t._("• {start} — {type}: {topic} (series #{id})", id=meeting.series_id, **shown_as))
    hidden = view.more_meetings + len(view.meetings) - shown
    if hidden:
        lines.append(t._("… and {n} more: see /meetings", n=hidden))
    if not view.meetings:
        lines.append(t._("None yet."))
    if view.series:
        lines += ["", t._("<b>Meeting series</b>")]
        lines += [t._("#{id} {type} “{topic}” — {description}; next: {start}", id=series.id,
                      type=escape(series.kind.name(t.locale)), topic=escape(_clip(series.topic, TOPIC_MAX)),
                      description=escape(series.description), start=local_time(t, series.next))
                  for series in view.series]
        lines += _more(t, view.more_series)
        lines += ["", t._("Stopping a series calls no further meetings; meetings already called stay (call one off "
                          "in /meetings).")]
    return lines


def _more(t: Lang, hidden: int) -> list[str]:
    return [t._("… and {n} more", n=hidden)] if hidden > 0 else []


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _length(html: str) -> int:
    """The length Telegram checks: visible characters after entity parsing, in UTF-16 units."""
    return utf16_len(parse_html(html).text)


def confirm_cancel(t: Lang, line: ScheduleLine) -> str:
    return t._("Cancel schedule #{id} ({what}, {description})? Nothing more will be sent from it.", id=line.id,
               what=escape(line.what), description=escape(line.description))


def confirm_stop(t: Lang, series: MeetingSeries) -> str:
    return "\n".join([
        t._("Stop meeting series #{id} ({type}, {description})? No further meeting will be called from it; the "
            "next would start {start}.", id=series.id, type=escape(series.kind.name(t.locale)),
            description=escape(series.description), start=local_time(t, series.next)),
        t._("Meetings already called stay as they are; to call one off, use /meetings."),
    ])


def confirm_skip(t: Lang, day: date) -> str:
    shown = day.isoformat()
    return t._("Skip {date}? None of this branch's recurring lessons will be sent that day; a series continues at "
               "its next date.", date=shown)


def cancelled(t: Lang, schedule_id: int, withdrawn: int) -> str:
    if withdrawn:
        return t.ngettext("Schedule #{id} cancelled; {n} queued message withdrawn.",
                          "Schedule #{id} cancelled; {n} queued messages withdrawn.", withdrawn, id=schedule_id)
    return t._("Schedule #{id} cancelled.", id=schedule_id)


def stopped(t: Lang, result: SeriesStopped) -> str:
    """What stopping a series did, and what it left: the meetings it had called."""
    head = t._("⏹ Meeting series #{id} ({type}) stopped: no further meetings will be called.", id=result.id,
               type=escape(result.kind.name(t.locale)))
    if not result.called:
        return head
    return head + "\n" + t.ngettext("The {n} meeting it already called stays; /meetings can call it off.",
                                    "The {n} meetings it already called stay; /meetings can call them off.",
                                    result.called)


def already_cancelled(t: Lang, schedule_id: int) -> str:
    return t._("Schedule #{id} is already cancelled; nothing changed.", id=schedule_id)


def already_stopped(t: Lang, series_id: int) -> str:
    return t._("Meeting series #{id} is already stopped; nothing changed.", id=series_id)


def skipped(t: Lang, day: date) -> str:
    return t._("No recurring lesson will be sent on {date}.", date=day.isoformat())


def gone(t: Lang) -> str:
    return t._("That schedule has nothing more to send.")
