"""What went wrong, in words: the bot's own translated sentences for a service failure, as plain text that names
the command line's argument or flag.

The language is the configured default (LESSON_BOT_DEFAULT_LOCALE, zh-Hans unless set), as the bot speaks to a user
who chose none.
"""

from __future__ import annotations

import html
import re

from lesson_bot.bot.texts import common
from lesson_bot.bot.texts import surveys as survey_texts
from lesson_bot.bot.texts.meetings import calls as meeting_texts
from lesson_bot.bot.texts.meetings import review as review_texts
from lesson_bot.bot.texts.schedules import errors as schedule_errors
from lesson_bot.bot.texts.schedules import upcoming as upcoming_texts
from lesson_bot.i18n import N_, Lang, Translator
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound, Refused, ServiceError
from lesson_bot.services.meetings.review import StaleReview

_TAG = re.compile(r"<[^>]+>")
# The service's field as the command line names it: an argument in capitals, an option with its dashes.
FLAGS = {"when": "WHEN", "lesson": "--lesson", "series": "--series", "start": "--start", "branch": "--branch",
         "comment": "--comment", "day": "DAY", "meeting": "MEETING", "schedule": "SCHEDULE",
         "survey.title": "--title", "survey.period": "--period", "survey.questions": "--question",
         "survey.question": "--question", "survey.closes": "--closes", "survey.scale": "--scale"}
# What a conflict means on the command line (the service names the problem; the bot words its own per screen).
CONFLICTS = {
    "already_registered": N_("This group is already registered as the branch “{title}”."),
    "meeting_not_open": N_("The meeting is no longer open (closed or cancelled)."),
    "meeting_cancelled": N_("The meeting was cancelled."),
    "record_changed": N_("The record was changed meanwhile; show it again and retry."),
    "no_branches": N_("There is no active branch to survey."),
}


def cli_lang(default_locale: str) -> Lang:
    """The translations the command line speaks."""
    return Translator(default_locale).lang(default_locale)


def plain(text: str) -> str:
    """A Telegram-HTML text as plain text, without the warning sign the bot puts before a problem."""
    return html.unescape(_TAG.sub("", text)).removeprefix("⚠️ ").strip()


def flag(field: str) -> str:
    """The argument or option a service field came from."""
    head = field.split(".")[0]
    return FLAGS.get(field, FLAGS.get(head, head))


def _not_found(t: Lang, exc: NotFound) -> str:
    key = exc.key
    match exc.what:
        case "series" | "lesson":
            return plain(schedule_errors.problem(t, exc))
        case "branch":
            return t._("There is no branch {id}: see `lesson-bot branches`.", id=key)
        case "meeting":
            return t._("There is no meeting {id}: see `lesson-bot meetings list --branch ID --past`.", id=key)
        case "schedule":
            return t._("There is no schedule {id}: see `lesson-bot schedule upcoming --branch ID`.", id=key)
    return plain(common.not_found(t, exc.what, key))


def _invalid(t: Lang, exc: InvalidInput) -> str:
    head = exc.field.split(".")[0]
    if (exc.field, exc.problem) == ("lesson", "missing"):
        return t._("Say what to schedule: --lesson ID (one lesson) or --series NAME (a whole series).")
    if head in {"when", "start", "branch"}:
        return plain(schedule_errors.problem(t, exc))
    if head == "survey":
        return plain(survey_texts.invalid(t, exc))
    if head in {"topic", "link", "duration"} or exc.problem == "length":
        return plain(meeting_texts.problem(t, exc))
    return plain(common.invalid(t, exc))


def failure(t: Lang, exc: ServiceError) -> str:
    """One or two lines for an expected failure: the field or flag first where there is one."""
    if isinstance(exc, Refused):
        return "\n".join((plain(common.refused(t, exc.grant)), t._(
            "The command acts as the Telegram user given with --as (by default the first of "
            "LESSON_BOT_ADMIN_IDS).")))
    if isinstance(exc, NotFound):
        return _not_found(t, exc)
    if isinstance(exc, InvalidInput):
        return f"{flag(exc.field)}: {_invalid(t, exc)}"
    if isinstance(exc, Conflict):
        return conflict(t, exc)
    return plain(common.service_error(t, exc))


def conflict(t: Lang, exc: Conflict) -> str:
    """A conflict: the known wording, else the bot's general one with the problem's name for the operator."""
    if isinstance(exc, StaleReview):
        return plain(review_texts.stale(t, exc.reason))
    if exc.problem == "schedule_cancelled":
        return upcoming_texts.already_cancelled(t, int(str(exc.params.get("id", 0))))
    if exc.problem == "series_stopped":
        return upcoming_texts.already_stopped(t, int(str(exc.params.get("id", 0))))
    known = CONFLICTS.get(exc.problem)
    if known is not None:
        try:
            return t._(known, **exc.params)
        except KeyError:
            pass
    details = ", ".join(f"{key}={value}" for key, value in exc.params.items())
    name = exc.problem.replace("_", " ") + (f": {details}" if details else "")
    return f"{plain(common.conflict(t, exc))} ({name})"
