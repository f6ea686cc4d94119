"""The table of `lesson-bot meetings list`: a branch's meetings with their ids, local times and record state."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from lesson_bot.domain.enums import MeetingStatus, ReviewState
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.listing import ListedMeeting
from lesson_bot.services.meetings.notices import local


def status_text(t: Lang, status: MeetingStatus, *, started: bool) -> str:
    """Called, held or cancelled; a meeting that started and was not cancelled was held."""
    if started and status is MeetingStatus.SCHEDULED:
        status = MeetingStatus.HELD
    return {MeetingStatus.SCHEDULED: t.pgettext("meeting status", "scheduled"),
            MeetingStatus.HELD: t.pgettext("meeting status", "held"),
            MeetingStatus.CANCELLED: t.pgettext("meeting status", "cancelled")}[status]


def record_text(t: Lang, meeting: ListedMeeting) -> str:
    """Where the meeting's record stands: not recorded, recorded (late), or its review's latest step."""
    if meeting.status is MeetingStatus.CANCELLED:
        return "—"
    if meeting.review is not None:
        return {ReviewState.SUBMITTED: t.pgettext("record state", "waiting for review"),
                ReviewState.APPROVED: t.pgettext("record state", "approved"),
                ReviewState.RETURNED: t.pgettext("record state", "returned for correction"),
                ReviewState.ANSWERED: t.pgettext("record state", "answered, waiting for review")}[meeting.review]
    if meeting.recorded:
        return (t.pgettext("record state", "recorded late (补录)") if meeting.recorded_late else
                t.pgettext("record state", "recorded"))
    return t.pgettext("record state", "not recorded")


def meeting_table(t: Lang, types: MeetingTypes, title: str, zone: str, meetings: Sequence[ListedMeeting], *,
                  past: bool) -> Table:
    heading = (t._("Past meetings of {title} ({zone})", title=title, zone=zone) if past else
               t._("Upcoming meetings of {title} ({zone})", title=title, zone=zone))
    table = Table(title=escape(heading))
    for column in (t.pgettext("meetings table", "id"), t.pgettext("meetings table", "time"),
                   t.pgettext("meetings table", "type"), t.pgettext("meetings table", "topic"),
                   t.pgettext("meetings table", "status"), t.pgettext("meetings table", "record")):
        table.add_column(column, overflow="fold")
    for m in meetings:
        table.add_row(str(m.id), local(m.starts_at, zone), types.get(m.type).name(t.locale), escape(m.topic),
                      status_text(t, m.status, started=past), record_text(t, m))
    return table


def listing_hint(t: Lang, *, past: bool, empty: bool) -> str:
    """What to do next: the record of one, or the other list."""
    lines = []
    if empty:
        lines.append(t._("No past meetings.") if past else t._("No upcoming meetings."))
    lines.append(t._("A meeting's record: lesson-bot meetings record ID. Upcoming meetings: the same command "
                     "without --past.") if past else
                 t._("A meeting's record: lesson-bot meetings record ID. Meetings held: the same command with "
                     "--past."))
    return "\n".join(lines)
