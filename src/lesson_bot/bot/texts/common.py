"""Texts shared by every audience: refusals, service errors, the generic failure, /help, /lang."""

from __future__ import annotations

from html import escape

from lesson_bot.bot.texts.quote import quoted
from lesson_bot.domain.permissions import Grant
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound, Refused, ServiceError


def refused(t: Lang, grant: Grant) -> str:
    """A polite refusal that says who may do it."""
    match grant:
        case Grant.ADMIN:
            return t._("Sorry, only an admin can do this.")
        case Grant.SECRETARY:
            return t._("Sorry, only this branch's secretary or an admin can do this.")
        case Grant.GROUP_ADMIN:
            return t._("Sorry, only an administrator of this group can register it as a branch.")
        case Grant.ANY_SECRETARY:
            return t._("Sorry, only branch secretaries and admins can do this.")


def not_found(t: Lang, what: str, key: object) -> str:
    match what:
        case "branch":
            return t._("This group is not registered as a branch yet. A group admin can register it with /register.")
        case "appointee":
            return t._("I do not know {who} yet, so I cannot make them secretary. Ask them to write in this group "
                       "(or send /join), then reply to their message with /addsecretary.", who=quoted(key))
        case "member" | "secretary":
            return t._("I could not find {who} on this branch's roster.", who=quoted(key))
    return t._("That no longer exists.")


def invalid(t: Lang, exc: InvalidInput) -> str:
    limit = exc.params.get("limit", "")
    value = quoted(exc.params.get("value", ""))
    match (exc.field, exc.problem):
        case ("title", "empty"):
            return t._("The branch name cannot be empty. Please type a name.")
        case ("title", "too_long"):
            return t._(
                "The branch name is too long (at most {limit} characters). Please type a shorter one.", limit=limit
            )
        case ("timezone", _):
            return t._(
                "“{value}” is not a time zone I know. Type a zone name such as Asia/Shanghai or Europe/Berlin.",
                value=value,
            )
        case ("locale", _):
            return t._("I speak 简体中文 (zh-Hans) and English (en).")
        case (_, "length"):
            return t._("That value is too long (at most {limit} characters).", limit=limit)
    return t._("That value is not valid: {field}.", field=escape(exc.field))


def conflict(t: Lang, exc: Conflict) -> str:
    if exc.problem == "already_registered":
        return t._(
            "This group is already registered as the branch “{title}”.", title=quoted(exc.params.get("title", ""))
        )
    return t._("That cannot be done in the current state.")


def service_error(t: Lang, exc: ServiceError) -> str:
    """The user-facing text of any expected failure."""
    if isinstance(exc, Refused):
        return refused(t, exc.grant)
    if isinstance(exc, NotFound):
        return not_found(t, exc.what, exc.key)
    if isinstance(exc, InvalidInput):
        return invalid(t, exc)
    if isinstance(exc, Conflict):
        return conflict(t, exc)
    return t._("That cannot be done in the current state.")


def unexpected_error(t: Lang) -> str:
    return t._("Sorry, something went wrong on my side. The admins have been told; please try again later.")


def help_text(t: Lang, *, is_admin: bool, is_secretary: bool, in_group: bool) -> str:
    """/help: only what the caller may do."""
    lines = [t._("<b>What I can do for you</b>")]
    if in_group:
        lines.append(t._("/join — put yourself on this branch's roster"))
    else:
        lines.append(t._("/start — start me here so I can send you reminders and make-up lessons"))
        lines.append(t._("/lang — choose 简体中文 or English"))
        lines.append(t._("/lessons — the lessons you missed: study them here (补学)"))
        lines.append(t._("/review — answer again the quiz questions you got wrong"))
        lines.append(t._("/signin 123456 — sign in to a meeting with the code shown there (签到)"))
    lines.append(t._("/me — your record: lessons, quiz, meetings, points"))
    lines.append(t._("/report — a period's report: a summary, a chart and an XLSX file, sent in private"))
    lines.append(t._("/help — this list"))
    lines.append(t._("/cancel — stop the wizard or question open here"))
    if is_secretary or is_admin:
        lines.append("")
        lines.append(t._("<b>For secretaries</b>"))
        lines.append(t._("/roster — the roster, and who has not started me in private"))
        lines.append(t._("/addsecretary @user — make someone a secretary of this branch (in the group)"))
        lines.append(t._("Send me a CSV file in private to import a roster."))
        lines.append(t._("/branches — your branches"))
        lines.append(t._("/deliveries — what was sent, retried, failed or missed"))
        lines.append(t._("/schedule — schedule a lesson; /plan — a whole series, one lesson a week"))
        lines.append(t._("/import — an article (link, text or file) as your branch's lesson; /quiz — write its quiz"))
        lines.append(t._("/upcoming — what will be sent next: cancel or skip"))
        lines.append(t._("/progress — a lesson's check-ins, quiz results and who is missing"))
        lines.append(t._("/meeting — call a meeting (支委会, 党课…); /attendance — 代签 and offline attendance"))
        lines.append(t._("/meetings — upcoming meetings: call one off or change its reminders"))
        lines.append(t._("/record — minutes and decisions of a meeting; /makeups — who still owes a make-up"))
        lines.append(t._("/cadence — meetings held and missing, per period"))
    if in_group:
        lines.append("")
        lines.append(t._("Group administrators: /register makes this group a branch."))
    if is_admin:
        lines.append("")
        lines.append(t._("<b>For admins</b>"))
        lines.append(t._("/branches — every branch and its status"))
        lines.append(t._("/cadence — every branch's meetings held and missing"))
        lines.append(t._("/reviewrecords — review the branches' meeting records: approve or return them"))
        lines.append(t._("/removesecretary @user — make a secretary an ordinary member (in the group)"))
        lines.append(t._("/survey — open a satisfaction survey (民主测评) in every branch; /survey results"))
    return "\n".join(lines)


def cancelled(t: Lang) -> str:
    return t._("Cancelled. Nothing of it was saved.")


def nothing_to_cancel(t: Lang) -> str:
    return t._("Nothing to cancel: I am not waiting for an answer from you here.")


def private_hint(t: Lang) -> str:
    return t._("I answer commands and buttons. Send /help to see what you can do.")


def unknown_command(t: Lang, command: str) -> str:
    return t._("I do not know {command}. Send /help to see the commands you can use.", command=escape(command))


def lang_prompt(t: Lang) -> str:
    return t._("Choose the language I use with you:")


def lang_set(t: Lang) -> str:
    return t._("From now on I will speak English with you.")


def private_answer_sent(t: Lang) -> str:
    return t._("I have sent you the answer in private.")


def private_answer_start_first(t: Lang) -> str:
    return t._("This answer is not for this group: start me in a private chat first, then send the command there.")


def open_private_chat(t: Lang) -> str:
    return t._("Open a private chat")
