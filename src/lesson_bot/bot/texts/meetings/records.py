"""Texts of /record (minutes, decisions, confirmations), 补学 for meeting absentees (/makeups) and /cadence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from html import escape

from lesson_bot.domain.cadence import Expectation, State
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.cadence import BranchCompliance
from lesson_bot.services.meetings.facts import RecordView
from lesson_bot.services.meetings.makeup import MeetingMakeups
from lesson_bot.services.meetings.notices import chunks, local, record_text
from lesson_bot.services.meetings.records import MeetingLine
from lesson_bot.services.messages.meetings import aside, listing

__all__ = ["record_text"]


def type_name(t: Lang, types: MeetingTypes, key: str) -> str:
    return types.get(key).name(t.locale)


def private_only(t: Lang) -> str:
    return t._("Please use this command with me in private.")


def nothing_to_record(t: Lang) -> str:
    return "\n".join((t._("There is no meeting of the last 60 days that you can record (secretaries and a meeting's "
                           "recorder can)."), to_meetings(t)))


def to_meetings(t: Lang) -> str:
    """The way from the past meetings (/record) to the coming ones (/meetings)."""
    return t._("Meetings still to come: /meetings")


def record_menu(t: Lang) -> str:
    """/record's question above the meetings: each button starts with the meeting's ID."""
    return "\n".join((choose_meeting(t), t._("#N is the meeting's ID (for the command line's “lesson-bot meetings "
                                              "record N”)."), to_meetings(t)))


def choose_meeting(t: Lang) -> str:
    return t._("Which meeting do you want to record?")


def meeting_button(t: Lang, types: MeetingTypes, line: MeetingLine) -> str:
    mark = "✓ " if line.recorded else ""
    when = local(line.starts_at, line.timezone, "%m-%d %H:%M")
    return f"#{line.meeting_id} {mark}{when} {type_name(t, types, line.type)} · {line.topic}"


def minutes_prompt(t: Lang, types: MeetingTypes, view: RecordView) -> str:
    kind = escape(type_name(t, types, view.type))
    text = t._("Recording the {type} “{topic}” of {when}.\n\nSend the <b>minutes</b>: one or several "
               "messages; photos and files are kept as attachments. Tap “Done” when finished.", type=kind,
               topic=escape(view.topic), when=local(view.starts_at, view.timezone))
    if view.minutes:
        text += "\n\n" + t._("It already has minutes: tap “Done” without sending any to keep them, or send new "
                             "ones to replace them.")
    return text


def decisions_prompt(t: Lang, view: RecordView) -> str:
    text = t._("Now send the <b>decisions</b>, if any, then tap “Done”. Tap “Done” straight away if the "
               "meeting took none.")
    if view.decisions:
        text += "\n\n" + t._("It already has decisions: tap “Done” to keep them, or send new ones to replace them.")
    return text


def noted(t: Lang, parts: int) -> str:
    return t.ngettext("✓ Noted ({n} message so far). Send more, or tap “Done”.",
                      "✓ Noted ({n} messages so far). Send more, or tap “Done”.", parts)


def attachment_noted(t: Lang, count: int) -> str:
    return t.ngettext("📎 Attachment kept ({n} in this record).", "📎 Attachment kept ({n} in this record).", count)


def review(t: Lang, types: MeetingTypes, view: RecordView) -> list[str]:
    """The draft as it will be submitted, then the question."""
    return [*record_text(t, types, view), t._("Submit this record? The host and the recorder will be asked to "
                                              "confirm it.")]


def use_buttons(t: Lang) -> str:
    return t._("Please use the buttons: Submit, Start over or Cancel.")


def submitted(t: Lang, view: RecordView, grace: timedelta) -> str:
    text = t._("✅ The record is saved. The host and the recorder have been asked to confirm it.")
    if view.recorded_late:
        hours = int(grace.total_seconds() // 3600)
        text += "\n" + t.ngettext("It is marked as recorded late (more than {n} hour after the meeting ended).",
                                  "It is marked as recorded late (more than {n} hours after the meeting ended).", hours)
    return text


def cancelled(t: Lang) -> str:
    return t._("Cancelled: nothing was saved.")


def minutes_needed(t: Lang) -> str:
    return t._("The record needs minutes: please send them before tapping “Done”.")


def confirmed(t: Lang, view: RecordView, roles: Sequence[str]) -> str:
    role = t._("host and recorder") if len(roles) == 2 else (t._("host") if roles[0] == "host" else t._("recorder"))
    if view.confirmed:
        return t._("Thank you: you confirmed the record as its {role}. It is now confirmed by everyone.", role=role)
    return t._("Thank you: you confirmed the record as its {role}.", role=role)


def record_changed(t: Lang) -> str:
    return t._("This record was changed after that message was sent: please check the newer version.")


def not_host_or_recorder(t: Lang) -> str:
    return t._("Only the meeting's host and recorder confirm its record.")


def makeup_done(t: Lang, topic: str, already: bool) -> str:
    if already:
        return t._("You already completed the make-up of “{topic}”.", topic=topic)
    return t._("✅ Make-up of “{topic}” recorded. Thank you!", topic=topic)


def not_absentee(t: Lang, topic: str) -> str:
    return t._("There is no make-up of “{topic}” for you: you attended it or were not expected.", topic=topic)


def makeups(t: Lang, types: MeetingTypes, title: str, meetings: Sequence[MeetingMakeups]) -> list[str]:
    """Who still owes the 补学 of each recent meeting."""
    lines = [t._("<b>Make-up of meetings in {title}</b>", title=escape(title))]
    if not meetings:
        lines.append(t._("Nobody missed a recent meeting."))
    for item in meetings:
        lines.append("")
        lines.append(f"<b>{local(item.starts_at, item.timezone, '%m-%d')} "
                     f"{escape(type_name(t, types, item.type))}</b> · {escape(item.topic)}")
        if item.open:
            lines.append(t._("Still open: {names}", names=listing(t, (escape(a.person.name) for a in item.open))))
        for why, label in (("minutes", t._("Make-up waits for the minutes (sent once /record has them): {names}")),
                           ("unreachable", t._("Make-up not sent (they never started me in private): {names}")),
                           ("queued", t._("Make-up being sent: {names}"))):
            names = [escape(a.person.name) for a, reason in item.pending if reason == why]
            if names:
                lines.append(label.replace("{names}", listing(t, names)))
        if item.done:
            lines.append(t._("Completed: {names}", names=listing(t, (escape(a.person.name) for a in item.done))))
    return chunks(lines)


def send_tasks_button(t: Lang, when: str) -> str:
    return t._("Send make-up tasks: {when}", when=when)


def tasks_sent(t: Lang, count: int) -> str:
    if count == 0:
        return t._("Everyone concerned already has the task (or cannot be reached in private).")
    return t.ngettext("{n} make-up message queued.", "{n} make-up messages queued.", count)


def no_minutes(t: Lang) -> str:
    return t._("This meeting has no minutes yet: record them with /record first.")


def state(t: Lang, value: State) -> str:
    return {State.HELD: t._("✅ held"), State.OPEN: t._("▫️ open"), State.DUE_SOON: t._("⏰ due soon"),
            State.OVERDUE: t._("❌ overdue")}[value]


def _row(t: Lang, types: MeetingTypes, row: Expectation, zone: str) -> str:
    kind = aside(t, escape(type_name(t, types, row.type)), escape(row.party_group) if row.party_group else None)
    text = f"{kind}: {state(t, row.state)} {row.held}/{row.expected}"
    if row.state in (State.OPEN, State.DUE_SOON):
        text += " " + t._("(by {day})", day=local(row.deadline - timedelta(seconds=1), zone, "%Y-%m-%d"))
    if row.scheduled:
        text += " " + t.ngettext("· {n} called", "· {n} called", row.scheduled)
    return text


def compliance(t: Lang, types: MeetingTypes, report: BranchCompliance) -> list[str]:
    """One branch: each period (newest first) and each expected type in it."""
    lines = [t._("<b>Meeting cadence of {title}</b>", title=escape(report.title))]
    by_period: dict[str, list[Expectation]] = {}
    for row in sorted(report.rows, key=lambda r: (r.span.first, r.span.period), reverse=True):
        by_period.setdefault(row.span.label, []).append(row)
    for label, rows in by_period.items():
        lines += ["", f"<b>{label}</b>"]
        lines += ["• " + _row(t, types, row, report.timezone) for row in rows]
    return chunks(lines)


def overview(t: Lang, types: MeetingTypes, reports: Sequence[BranchCompliance], page: int, pages: int) -> str:
    """Every branch in one compact line each: overdue, due soon, held of expected (this period and the last)."""
    lines = [t._("<b>Meeting cadence, all branches</b> (page {page}/{pages})", page=page + 1, pages=pages), ""]
    for report in reports:
        held = report.count(State.HELD)
        lines.append(t._("{title}: ❌ {overdue} · ⏰ {soon} · ✅ {held}/{total}", title=escape(report.title),
                         overdue=report.count(State.OVERDUE), soon=report.count(State.DUE_SOON), held=held,
                         total=len(report.rows)))
        missing = [row for row in report.rows if row.state in (State.OVERDUE, State.DUE_SOON)]
        if missing:
            lines.append("   " + "；".join(f"{row.span.label} {escape(type_name(t, types, row.type))}"
                                         for row in missing[:6]))
    if not reports:
        lines.append(t._("There are no branches yet."))
    lines.append("")
    lines.append(t._("Tap a branch for its details."))
    return "\n".join(lines)
