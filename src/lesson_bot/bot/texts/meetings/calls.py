"""Texts of the /meeting wizard, RSVP and 请假 answers, 签到 answers and /attendance."""

from __future__ import annotations

from datetime import datetime
from html import escape

from lesson_bot.bot.texts import common
from lesson_bot.bot.texts.quote import quoted
from lesson_bot.bot.texts.schedules import errors as schedule_errors
from lesson_bot.domain.attendance import Status, Tally
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import InvalidInput, NotFound, ServiceError
from lesson_bot.services.meetings.views import MeetingView
from lesson_bot.services.messages.meetings import (
    aside,
    card,
    format_duration_text,
    listing,
    reminders_text,
    when,
)

SHORT = 60  # characters of a topic shown on a button or in an alert


def choose_branch(t: Lang) -> str:
    return t._("Which branch is the meeting for?")


def ask_type(t: Lang, branch: str) -> str:
    return t._("<b>Call a meeting</b> for {branch}. Which type?", branch=escape(branch))


def ask_group(t: Lang) -> str:
    return t._("Which party group meets? Tap it or type its name.")


def ask_topic(t: Lang, kind: str) -> str:
    return t._("{kind}: type the topic.", kind=escape(kind))


def ask_lesson(t: Lang) -> str:
    return t._("Which lesson does this party lecture teach? Members absent or on leave get it to study afterwards "
               "(补学). Tap one, type its title, or tap “No lesson”.")


def ask_when(t: Lang, zone: str) -> str:
    return t._("When does it start? Tap a time or type one, e.g. 明天 19:30 or 2026-12-03 19:30 ({zone}).",
               zone=escape(zone))


def ask_place(t: Lang) -> str:
    return t._("Where? Type the place, or an online meeting link (https://…).")


def ask_host(t: Lang) -> str:
    return t._("Who hosts the meeting (主持人)? Tap a name, type @username or their roster name, or skip.")


def ask_recorder(t: Lang) -> str:
    return t._("Who takes the minutes (记录人)? Tap a name, type @username or their roster name, or skip.")


def ask_duration(t: Lang) -> str:
    return t._("How long will it take?")


def summary(t: Lang, view: MeetingView, with_code: bool, repeat: str | None = None) -> str:
    """The confirm step: the notice as it will read, and the settings the secretary may still change."""
    lines = [t._("<b>Please check</b>"), card(t, view), "",
             t._("Reminders before the start: {reminders}", reminders=reminders_text(view.rules.reminders)),
             t._("Sign-in from {before} min before to {after} min after the start; leave closes {leave} before.",
                 before=view.rules.sign_in_before, after=view.rules.sign_in_after,
                 leave=format_duration_text(t, view.rules.leave_closes)),
             t._("Sign-in code: on (typed to me in private)") if with_code else t._("Sign-in code: off (the group "
                                                                                      "button is enough)"),
             repeats(t, repeat), "", t._("Tap “Confirm” to send the notice to the group.")]
    return "\n".join(lines)


def repeats(t: Lang, repeat: str | None) -> str:
    match repeat:
        case "weekly":
            return t._("Repeats: every week, same day and time (each notice goes out 6 days ahead)")
        case "monthly":
            return t._("Repeats: every month, same day and time (each notice goes out 6 days ahead)")
    return t._("Repeats: no (a one-off meeting)")


def called(t: Lang, view: MeetingView, in_private: bool) -> str:
    lines = [t._("✅ Meeting called; the notice is in the group of {branch}.", branch=escape(view.branch_title))]
    if view.sign_in_code and in_private:
        lines.append(t._("Sign-in code: <b>{code}</b> — show it at the meeting; members send it to me in private.",
                         code=view.sign_in_code))
    elif view.sign_in_code:
        lines.append(t._("The sign-in code was sent to you in private."))
    return "\n".join(lines)


def code_for_secretary(t: Lang, view: MeetingView) -> str:
    return t._("Sign-in code for “{topic}”: <b>{code}</b> — show it at the meeting.", topic=escape(view.topic),
               code=view.sign_in_code or "")


def cancelled(t: Lang) -> str:
    return t._("Cancelled; nothing was saved.")


def problem(t: Lang, exc: ServiceError) -> str:
    """What was wrong with a typed answer, and what to do."""
    if isinstance(exc, InvalidInput):
        value = quoted(exc.params.get("value", ""))
        match (exc.field, exc.problem):
            case ("when", "not_one_off"):
                return t._("⚠️ A meeting needs one date and time, such as 2026-12-03 19:30 (“{value}” repeats).",
                           value=value)
            case ("when", _):
                return schedule_errors.problem(t, exc)
            case ("topic", "empty"):
                return t._("⚠️ The topic cannot be empty. Please type it.")
            case (_, "length"):
                return t._("⚠️ That is too long (at most {limit} characters). Please type a shorter one.",
                           limit=exc.params.get("limit", ""))
            case ("link", _):
                return t._("⚠️ “{value}” is not a link. Type a place, or a link starting with https://.", value=value)
    if isinstance(exc, NotFound) and exc.what == "lesson":
        return t._("⚠️ There is no lesson “{title}” in the library. Tap one of the lessons, or “No lesson”.",
                   title=quoted(exc.key))
    if isinstance(exc, NotFound) and exc.what == "member":
        return t._("⚠️ I could not find “{who}” on the roster. Tap a name or type their @username.",
                   who=quoted(exc.key))
    return common.service_error(t, exc)


def short(view: MeetingView) -> str:
    topic = view.topic if len(view.topic) <= SHORT else view.topic[: SHORT - 1] + "…"
    return f"{view.local_start:%m-%d %H:%M} {topic}"


# RSVP and 请假 (callback answers are plain text, at most 200 characters)

def rsvp_answer(t: Lang, status: str) -> str:
    match status:
        case "attending":
            return t._("Noted: you will attend.")
        case "already":
            return t._("You have already answered; see you there.")
    return t._("This meeting has started or was called off; there is nothing to answer.")


def leave_answer(t: Lang, status: str, view: MeetingView) -> str:
    match status:
        case "closed":
            return t._("Leave for this meeting closed {leave} before the start. Please tell the secretary directly.",
                       leave=format_duration_text(t, view.rules.leave_closes))
        case "not_expected":
            return t._("You are not expected at this meeting, so you need no leave.")
        case "decided":
            return t._("Your leave request for this meeting has already been decided.")
    return t._("I have asked you for the reason in private.")


def leave_start_first(t: Lang) -> str:
    return t._("To ask for leave, open our private chat: I will ask you the reason there.")


def leave_ask_reason(t: Lang, view: MeetingView, by: datetime | None = None) -> str:
    """The reason asked in private; `by` (local) is until when it is taken: the request counts from the tap."""
    ask = t._("Please type the reason in one message.")
    if by is not None:
        ask = t._("Please type the reason in one message by {by}: your request counts from your tap.", by=when(by))
    return "\n".join([t._("You are asking for leave from:"), card(t, view), "", ask])


def leave_sent(t: Lang, told: int) -> str:
    if told:
        return t._("Your request was sent to the secretary. I will tell you the decision.")
    return t._("Your request is recorded, but no secretary has started me in private: please tell them directly.")


def leave_decided_here(t: Lang, name: str, approved: bool) -> str:
    if approved:
        return t._("✅ Approved: leave for {name}.", name=escape(name))
    return t._("❌ Rejected: leave for {name}.", name=escape(name))


def leave_conflict(t: Lang) -> str:
    return t._("This request has already been decided, or the meeting is over.")


# 签到

def sign_in_answer(t: Lang, status: str, view: MeetingView | None) -> str:
    match status:
        case "on_time":
            return t._("✅ Signed in, on time.")
        case "late":
            return t._("✅ Signed in — marked late (after the start).")
        case "already":
            return t._("You have already signed in.")
        case "early" if view is not None:
            return t._("Sign-in opens {minutes} min before the start ({start}).", minutes=view.rules.sign_in_before,
                       start=when(view.local_start))
        case "need_code":
            return t._("This meeting signs in with a code: I asked you for it in private.")
        case "bad_code" if view is not None:
            return t._("That code is not right for “{topic}”. Check the code shown at the meeting and send it again.",
                       topic=escape(view.topic))
        case "no_meeting":
            return t._("No meeting of yours is open for sign-in right now.")
    return t._("Sign-in for this meeting is closed.")


def code_start_first(t: Lang) -> str:
    return t._("This meeting signs in with a code: open our private chat and send it to me there.")


def ask_code(t: Lang, view: MeetingView) -> str:
    return "\n".join([t._("Send me the sign-in code shown at the meeting:"), card(t, view)])


def signin_usage(t: Lang) -> str:
    return t._("Send /signin followed by the code shown at the meeting, e.g. /signin 123456.")


# /attendance

def choose_meeting(t: Lang) -> str:
    return t._("Which meeting?")


def no_meetings(t: Lang) -> str:
    return t._("There is no meeting open for attendance. Call one with /meeting.")


def attendance(t: Lang, view: MeetingView, result: Tally, closed: bool) -> str:
    """The secretary's view: figures and names so far (signed in, on leave, not signed in); buttons record 代签 or
    offline attendance and remind those not signed in."""
    lines = [t._("<b>Attendance</b> (final)") if closed else t._("<b>Attendance so far</b>"), card(t, view), "",
             t._("Expected {expected} · Present {present} (late {late}) · On leave {excused} · Not signed in {absent}",
                 expected=result.expected, present=result.present, late=result.late, excused=result.excused,
                 absent=result.absent)]
    if closed:
        return "\n".join(lines)
    signed = result.of(Status.PRESENT, Status.LATE)
    if signed:
        lines.append(t._("Signed in: {names}", names=listing(t, (
            aside(t, escape(m.attendee.name), t._("late") if m.status is Status.LATE else None) for m in signed))))
    excused = result.of(Status.EXCUSED)
    if excused:
        lines.append(t._("On leave: {names}", names=listing(t, (
            aside(t, escape(m.attendee.name), escape(m.reason) if m.reason else None) for m in excused))))
    missing = result.of(Status.ABSENT)
    if missing:
        lines.append(t._("Not signed in: {names}", names=listing(t, (escape(m.attendee.name) for m in missing))))
        lines.append(t._("Tap “Proxy” to sign someone in on their behalf (代签), or “Offline” for attendance taken "
                         "on paper; both are marked as such."))
        lines.append(t._("“Remind” writes to those not signed in (in private, or by name in the group if they "
                         "never started me)."))
    return "\n".join(lines)


def reminded(t: Lang, status: str, private: tuple[str, ...], group: tuple[str, ...]) -> str:
    """The answer to “Remind” (an alert: at most 200 characters)."""
    match status:
        case "early":
            return t._("Sign-in has not opened yet: there is no one to remind.")
        case "closed":
            return t._("Sign-in for this meeting is closed.")
        case "none":
            return t._("Everyone expected has signed in or is on leave.")
    parts = []
    if private:
        parts.append(t._("Reminded in private: {names}", names=listing(t, private)))
    if group:
        parts.append(t._("Named in the group: {names}", names=listing(t, group)))
    return "\n".join(parts)[:200]


def recorded(t: Lang, names: tuple[str, ...], already: tuple[str, ...]) -> str:
    if names:
        return t._("Recorded: {names}", names=listing(t, names))[:200]
    return t._("Already signed in: {names}", names=listing(t, already))[:200]
