"""Texts and buttons of what meetings send through the outbox (notice, reminders, 签到, leave, summary).

Messages are the typed values of domain/messages.py; callback data follows `mt:<verb>:<id>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.attendance import Status, Tally
from lesson_bot.domain.callbacks import Rsvp, RsvpDecision, RsvpLeave, SignIn
from lesson_bot.domain.meeting_types import Expected, format_duration
from lesson_bot.domain.messages import Keyboard, Text, keyboard
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.views import MeetingView
from tgrules.limits import MESSAGE_TEXT_MAX


def listing(t: Lang, items: Iterable[str], *, with_notes: bool = False) -> str:
    """Names as the language lists them: 、 in Chinese (；between names with a note), commas in English."""
    chinese = t.locale == "zh-Hans"
    return ("；" if with_notes else "、").join(items) if chinese else ("; " if with_notes else ", ").join(items)


def aside(t: Lang, text: str, note: str | None) -> str:
    """A name (or type) with a note after it, in the language's brackets: 赵六（出差）, Dan (night shift)."""
    if not note:
        return text
    return f"{text}（{note}）" if t.locale == "zh-Hans" else f"{text} ({note})"


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def buttons(*rows: list[tuple[str, str]]) -> Keyboard:
    return keyboard(*rows)


def message(text: str, markup: Keyboard = ()) -> Text:
    if len(text) > MESSAGE_TEXT_MAX:  # a very long list of names: cut at a line, where no HTML tag is open
        text = text[: text.rfind("\n", 0, MESSAGE_TEXT_MAX - 2)] + "\n…"
    return Text(text, markup)


def who_expected(t: Lang, view: MeetingView) -> str:
    match view.rules.expected:
        case Expected.COMMITTEE:
            return t._("committee members")
        case Expected.PARTY_GROUP:
            return t._("party group {group}", group=escape(view.party_group or "—"))
        case _:
            return t._("all members")


def card(t: Lang, view: MeetingView) -> str:
    """The meeting's facts, as every message about it shows them."""
    lines = [f"<b>{escape(view.kind.name(t.locale))}</b>: {escape(view.topic)}",
             t._("Time: {start}–{end} ({minutes} min)", start=when(view.local_start),
                 end=view.local_end.strftime("%H:%M"), minutes=view.minutes)]
    if view.place:
        lines.append(t._("Place: {place}", place=escape(view.place)))
    if view.online_link:
        lines.append(t._("Online: {link}", link=escape(view.online_link)))
    if view.lesson:
        lines.append(t._("Lesson: {title}", title=escape(view.lesson)))
    if view.host or view.recorder:
        lines.append(t._("Host: {host} · Recorder: {recorder}", host=escape(view.host or "—"),
                         recorder=escape(view.recorder or "—")))
    lines.append(t._("Expected: {who}", who=who_expected(t, view)))
    return "\n".join(lines)


def rsvp_buttons(t: Lang, meeting_id: int) -> Keyboard:
    return buttons([(t._("Attend"), Rsvp(meeting_id).encode()), (t._("Ask for leave"), RsvpLeave(meeting_id).encode())])


def notice(t: Lang, view: MeetingView, deadline: datetime, now: datetime) -> Text:
    """The call to the group, with 参加 and 请假 (only 参加 when it is called too late for leave)."""
    if deadline > now:
        ask = t._("Tap “Attend”, or “Ask for leave” before {deadline}.",
                  deadline=when(deadline.astimezone(ZoneInfo(view.timezone))))
        markup = rsvp_buttons(t, view.id)
    else:
        ask = t._("Tap “Attend”. For leave, please tell the secretary directly.")
        markup = buttons([(t._("Attend"), Rsvp(view.id).encode())])
    return message("\n".join([t._("📣 <b>Meeting notice</b>"), card(t, view), "", ask]), markup)


def reminder(t: Lang, view: MeetingView, minutes: int, *, private: bool) -> Text:
    """A reminder `minutes` before the start, to the group or to one member who has not answered."""
    head = t._("⏰ <b>Reminder</b>: the meeting starts in {left}.", left=format_duration_text(t, minutes))
    lines = [head, card(t, view)]
    if private:
        lines += ["", t._("You have not answered yet: will you attend?")]
        return message("\n".join(lines), rsvp_buttons(t, view.id))
    return message("\n".join(lines))


def format_duration_text(t: Lang, minutes: int) -> str:
    if minutes % 1440 == 0:
        return t.ngettext("{n} day", "{n} days", minutes // 1440)
    if minutes % 60 == 0:
        return t.ngettext("{n} hour", "{n} hours", minutes // 60)
    return t.ngettext("{n} minute", "{n} minutes", minutes)


def sign_in_open(t: Lang, view: MeetingView, closes: datetime) -> Text:
    """The 签到 button in the group while the window is open."""
    lines = [t._("✍️ <b>Sign-in is open</b> until {closes}.", closes=closes.strftime("%H:%M")), card(t, view)]
    if view.sign_in_code:
        lines.append(t._("This meeting uses a code: tap “Sign in”, then send me the code shown at the meeting."))
    return message("\n".join(lines), buttons([(t._("Sign in"), SignIn(view.id).encode())]))


def sign_in_nudge(t: Lang, view: MeetingView, closes: datetime) -> Text:
    """A secretary's reminder, in private, to a member not signed in while the window is open."""
    lines = [t._("⏰ Sign-in is open and you have not signed in yet. It closes at {closes}.",
                 closes=closes.strftime("%H:%M")), card(t, view)]
    if view.sign_in_code:
        lines.append(t._("This meeting uses a code: tap “Sign in”, then send me the code shown at the meeting."))
    return message("\n".join(lines), buttons([(t._("Sign in"), SignIn(view.id).encode())]))


def sign_in_mentions(t: Lang, view: MeetingView, closes: datetime, people: Sequence[tuple[str, int | None]]) -> Text:
    """The same reminder in the group, naming the members I cannot write to (name, Telegram id when known)."""
    names = listing(t, (f'<a href="tg://user?id={uid}">{escape(name)}</a>' if uid is not None else escape(name)
                        for name, uid in people))
    return message(t._("⏰ Not signed in yet: {names}. Please tap “Sign in” above before {closes}.", names=names,
                       closes=closes.strftime("%H:%M")))


def leave_request(t: Lang, view: MeetingView, rsvp_id: int, name: str, reason: str) -> Text:
    """To a secretary: a member asks for leave, with 批准 / 驳回."""
    text = "\n".join([
        t._("🙋 <b>Leave request</b> from {name}", name=escape(name)), card(t, view),
        t._("Reason: {reason}", reason=escape(reason)),
    ])
    return message(text, buttons([(t._("Approve"), RsvpDecision("ok", rsvp_id).encode()),
                                  (t._("Reject"), RsvpDecision("no", rsvp_id).encode())]))


def leave_decided(t: Lang, view: MeetingView, approved: bool, by: str) -> Text:
    """To the member: what the secretary decided."""
    if approved:
        head = t._("✅ Your leave for this meeting was approved by {by}. You will not be reminded.", by=escape(by))
    else:
        head = t._("❌ Your leave for this meeting was rejected by {by}. Please attend.", by=escape(by))
    return message("\n".join([head, card(t, view)]))


def summary_text(t: Lang, view: MeetingView, result: Tally) -> str:
    """应到 / 实到 / 请假 / 缺席 with names."""
    full, probationary = result.split()
    present_full, present_prob = result.split(Status.PRESENT, Status.LATE)
    lines = [
        t._("📋 <b>Attendance</b>"), card(t, view), "",
        t._("Expected {expected} (full {full}, probationary {prob}) · Present {present} (full {pf}, probationary "
            "{pp}) · On leave {excused} · Absent {absent}", expected=result.expected, full=full, prob=probationary,
            present=result.present, pf=present_full, pp=present_prob, excused=result.excused, absent=result.absent),
    ]
    groups = [
        (t._("Present: {names}"), result.of(Status.PRESENT)),
        (t._("Late: {names}"), result.of(Status.LATE)),
        (t._("On leave: {names}"), result.of(Status.EXCUSED)),
        (t._("Absent: {names}"), result.of(Status.ABSENT)),
    ]
    for label, people in groups:
        if people:
            names = listing(t, (aside(t, escape(p.attendee.name), escape(p.reason) if p.reason and p.status in
                                      (Status.EXCUSED, Status.ABSENT) else None) for p in people))
            lines.append(label.replace("{names}", names))
    if result.guests:
        lines.append(t._("Also attended: {names}", names=listing(t, (escape(g.name) for g in result.guests))))
    return "\n".join(lines)


def reminders_text(minutes: tuple[int, ...]) -> str:
    return ", ".join(format_duration(timedelta(minutes=m)) for m in minutes) or "—"
