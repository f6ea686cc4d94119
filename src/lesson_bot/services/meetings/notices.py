"""Texts of a meeting's record, and the private messages the record, 补学 and cadence queue in the outbox.

The outbox messages are typed (domain/messages.py); the bot's own replies render the record with the same
`record_text`, so both always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.callbacks import MeetingMakeupDone, MeetingMakeupLesson, RecordConfirm
from lesson_bot.domain.enums import SignInMethod
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.messages import Keyboard, Text, keyboard
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.facts import Absentee, Attendant, Person, RecordView, split
from lesson_bot.services.messages.meetings import aside, listing
from tgrules.limits import MESSAGE_TEXT_MAX

PIECE = 800  # raw characters of one long line per piece: escaped, it still fits a message
CHUNK = MESSAGE_TEXT_MAX - 96


def local(at: datetime, zone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return at.astimezone(ZoneInfo(zone)).strftime(fmt)


def names(t: Lang, people: Sequence[Person], empty: str = "—") -> str:
    return listing(t, (escape(p.name) for p in people)) or empty


def marks(t: Lang, who: Attendant) -> str | None:
    """How an attendee signed in, when it was not on time by themselves: 迟到, 代签, 线下."""
    found = [t._("late")] if who.late else []
    if who.method is SignInMethod.PROXY:
        found.append(t._("by proxy"))
    elif who.method is SignInMethod.OFFLINE:
        found.append(t._("offline"))
    return ("，" if t.locale == "zh-Hans" else ", ").join(found) or None


def attendants(t: Lang, people: Sequence[Attendant], empty: str = "—") -> str:
    """Names with their sign-in marks: 张三（迟到）、李四（代签）; Ben (late), Dan (by proxy)."""
    return listing(t, (aside(t, escape(p.name), marks(t, p)) for p in people)) or empty


def _with_reasons(t: Lang, people: Sequence[Absentee]) -> str:
    return listing(t, (aside(t, escape(a.person.name), escape(a.reason) if a.reason else None) for a in people),
                   with_notes=True)


def _body(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines() or [""]:
        lines += [escape(raw[i:i + PIECE]) for i in range(0, max(len(raw), 1), PIECE)]
    return lines


def chunks(lines: Sequence[str], size: int = CHUNK) -> list[str]:
    """Lines joined into messages of at most `size` characters, never cutting a line."""
    result: list[str] = []
    current: list[str] = []
    length = 0
    for line in lines:
        if current and length + len(line) + 1 > size:
            result.append("\n".join(current))
            current, length = [], 0
        current.append(line)
        length += len(line) + 1
    if current:
        result.append("\n".join(current))
    return result


def record_lines(t: Lang, types: MeetingTypes, view: RecordView) -> list[str]:
    """Every field of the 三会一课 record, as HTML lines."""
    zone = view.timezone
    kind = escape(types.get(view.type).name(t.locale))
    head = t._("<b>Meeting record</b> · {type}", type=kind)
    if view.recorded_late and view.recorded_at is not None:
        head += " · " + t._("recorded late, {when}", when=local(view.recorded_at, zone))
    head += " · " + t._("ID {id}", id=view.meeting_id)  # what `lesson-bot meetings record ID` takes
    lines = [head, t._("Branch: {title}", title=escape(view.branch_title)),
             t._("Topic: {topic}", topic=escape(view.topic)),
             t._("Time: {start} – {end} ({zone})", start=local(view.starts_at, zone),
                 end=local(view.ends_at, zone, "%H:%M"), zone=escape(zone))]
    if view.place:
        lines.append(t._("Place: {place}", place=escape(view.place)))
    if view.online_link:
        lines.append(t._("Online: {link}", link=escape(view.online_link)))
    lines.append(t._("Host: {host}; recorder: {recorder}", host=escape(view.host.name) if view.host else "—",
                     recorder=escape(view.recorder.name) if view.recorder else "—"))
    full, probationary = split(view.expected)
    present_full, present_probationary = split(view.present)
    lines.append(t._("Expected: {n} ({full} full, {prob} probationary)", n=len(view.expected), full=full,
                     prob=probationary))
    lines.append(t._("Present: {n} ({full} full, {prob} probationary)", n=len(view.present),
                     full=present_full, prob=present_probationary))
    lines.append(t._("Attended: {names}", names=attendants(t, view.present)))
    if view.guests:
        lines.append(t._("Also attending (not expected): {names}", names=attendants(t, view.guests)))
    excused = [a for a in view.absentees if a.excused]
    absent = [a for a in view.absentees if not a.excused]
    if excused:
        lines.append(t._("On leave: {names}", names=_with_reasons(t, excused)))
    if absent:
        label = t._("Absent: {names}") if view.attendance_final else t._("Not signed in yet: {names}")
        lines.append(label.format(names=_with_reasons(t, absent)))
    if view.absentees and view.attendance_final:
        done = [a.person for a in view.absentees if a.made_up is not None]
        still = [a.person for a in view.absentees if a.made_up is None]
        lines.append(t._("Make-up done: {done}; still open: {open}", done=names(t, done), open=names(t, still)))
    lines += ["", t._("<b>Minutes</b>")]
    lines += _body(view.minutes) if view.minutes else [t._("(not recorded yet)")]
    lines += ["", t._("<b>Decisions</b>")]
    lines += _body(view.decisions) if view.decisions else [t._("(none)")]
    if view.attachments:
        photos = sum(a.kind == "photo" for a in view.attachments)
        lines += ["", t._("Attachments: {photos} photo(s), {files} file(s)", photos=photos,
                          files=len(view.attachments) - photos)]
    lines.append("")
    lines.append(confirmation_line(t, view))
    return lines


def confirmation_line(t: Lang, view: RecordView) -> str:
    if view.recorded_at is None:
        return t._("Not submitted yet.")

    def state(who: Person | None, at: datetime | None) -> str:
        if who is None:
            return "—"
        return t._("confirmed {when}", when=local(at, view.timezone)) if at else t._("awaiting confirmation")

    return t._("Submitted {when}. Host: {host}; recorder: {recorder}.", when=local(view.recorded_at, view.timezone),
               host=state(view.host, view.host_confirmed_at), recorder=state(view.recorder, view.recorder_confirmed_at))


def record_text(t: Lang, types: MeetingTypes, view: RecordView) -> list[str]:
    """The record as messages that each fit Telegram's limit."""
    return chunks(record_lines(t, types, view))


def _items(prefix: str, chat_id: int, texts: Sequence[str], buttons: Keyboard, now: datetime,
           branch_id: int) -> list[OutboxItem]:
    """The texts as the parts of one message group, the buttons under the last."""
    return [OutboxItem(f"{prefix}:part:{i}", chat_id, "notice", Text(text, buttons if i == len(texts) - 1 else ()),
                       now, prefix, seq=i, branch_id=branch_id) for i, text in enumerate(texts)]


def confirm_request(t: Lang, types: MeetingTypes, view: RecordView, chat_id: int, roles: tuple[str, ...],
                    now: datetime) -> list[OutboxItem]:
    """The submitted record, sent to its host or recorder with a confirm button for this version."""
    role = t._("host and recorder") if len(roles) == 2 else (t._("host") if roles == ("host",) else t._("recorder"))
    intro = t._("Please check the record of this meeting: you are its {role}. Tap “Confirm” if it is right; if "
                "not, tell the secretary.", role=role)
    texts = record_text(t, types, view)
    texts = [intro + "\n\n" + texts[0], *texts[1:]] if len(intro) + len(texts[0]) < CHUNK else [intro, *texts]
    markup = keyboard([(t._("Confirm"), RecordConfirm(view.meeting_id, view.stamp).encode())])
    return _items(f"rc:ask:{view.meeting_id}:{view.stamp}:{chat_id}", chat_id, texts, markup, now, view.branch_id)


def makeup_task(t: Lang, types: MeetingTypes, view: RecordView, chat_id: int, now: datetime,
                lesson_title: str | None, *, excused: bool = False) -> list[OutboxItem]:
    """A 补学 task for one absentee (worded for approved leave or absence): the lesson of a 党课, otherwise the
    minutes, and a “studied” button."""
    kind = escape(types.get(view.type).name(t.locale))
    if excused:
        intro = t._("<b>Make-up</b>: you were on approved leave from the {type} “{topic}” on {when}. Please study "
                    "what it covered and tap “Studied” when you are done.", type=kind, topic=escape(view.topic),
                    when=local(view.starts_at, view.timezone))
    else:
        intro = t._("<b>Make-up</b>: you missed the {type} “{topic}” on {when}. Please study what it covered "
                    "and tap “Studied” when you are done.", type=kind, topic=escape(view.topic),
                    when=local(view.starts_at, view.timezone))
    buttons = [(t._("Studied"), MeetingMakeupDone(view.meeting_id).encode())]
    if lesson_title is not None:
        texts = [intro + "\n\n" + t._("The lecture's lesson: “{title}”. Tap “Study the lesson” to receive it here.",
                                      title=escape(lesson_title))]
        rows = [[(t._("Study the lesson"), MeetingMakeupLesson(view.meeting_id).encode())], buttons]
    else:
        body = [intro, "", t._("<b>Minutes</b>"), *_body(view.minutes or "")]
        if view.decisions:
            body += ["", t._("<b>Decisions</b>"), *_body(view.decisions)]
        texts, rows = chunks(body), [buttons]
    return _items(f"mkmt:task:{view.meeting_id}:{chat_id}", chat_id, texts, keyboard(*rows), now, view.branch_id)
