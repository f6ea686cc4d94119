"""What a survey sends to a branch group: a short introduction, then one anonymous poll per question (with the meta
the survey on-sent hook records from, services/surveys/closing.py), and at the close the stopPoll of each poll."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.messages import AnonymousPoll, Part, StopPoll, Text
from lesson_bot.domain.surveys import Scale
from lesson_bot.i18n import Lang


def scale_options(t: Lang, scale: Scale) -> tuple[str, ...]:
    """The poll options of a scale, best first (the order domain/surveys.py WEIGHTS follows)."""
    if scale is Scale.SATISFACTION:
        return (t._("Satisfied"), t._("Fairly satisfied"), t._("Dissatisfied"))
    return (t._("5 Very satisfied"), t._("4 Satisfied"), t._("3 Neutral"), t._("2 Dissatisfied"),
            t._("1 Very dissatisfied"))


def scale_name(t: Lang, scale: Scale) -> str:
    if scale is Scale.SATISFACTION:
        return t._("satisfied / fairly satisfied / dissatisfied")
    return t._("a scale of 5 (very satisfied) to 1 (very dissatisfied)")


def intro(t: Lang, title: str, period: str, questions: int, closes_at: datetime, zone: str) -> Part:
    """The message before the polls: what the survey is, that it is anonymous, and until when it runs."""
    local = closes_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    head = t._("📋 <b>Survey: {title}</b> ({period})", title=escape(title), period=escape(period)) if period \
        else t._("📋 <b>Survey: {title}</b>", title=escape(title))
    body = t.ngettext(
        "The {n} question below is an anonymous poll: I only learn how many chose each answer, never who chose what. "
        "Please vote before {closes}.",
        "The {n} questions below are anonymous polls: I only learn how many chose each answer, never who chose "
        "what. Please vote before {closes}.",
        questions, closes=local)
    return Part(Text(f"{head}\n{body}"))


def poll(t: Lang, question: str, scale: Scale, survey_poll_id: int) -> Part:
    """One question as an anonymous poll; the meta names its survey_polls row."""
    return Part(AnonymousPoll(question, scale_options(t, scale)), {"survey_poll": survey_poll_id})


def stop(message_id: int, survey_poll_id: int) -> Part:
    """Close a survey poll; the meta lets the on-sent hook keep its final counts."""
    return Part(StopPoll(message_id), {"survey_poll": survey_poll_id, "stop": True})


def keys(survey_id: int, branch_id: int, index: int) -> tuple[str, str]:
    """(dedupe key, group key) of a survey's part in a branch group: the intro is part 0, question n part n."""
    group = f"sv:{survey_id}:b:{branch_id}"
    return f"{group}:part:{index}", group


def stop_key(survey_poll_id: int) -> str:
    return f"sv:stop:{survey_poll_id}"
