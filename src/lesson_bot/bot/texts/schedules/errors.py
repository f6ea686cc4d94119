"""What was wrong with a typed answer in the scheduling wizards: the field, the problem, an example."""

from __future__ import annotations

from html import escape

from lesson_bot.bot.texts.quote import quoted
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import InvalidInput, NotFound, ServiceError

EXAMPLES = "2026-12-01 19:30 · 明天 20:00 · every Monday 20:00"


def _when(t: Lang, problem: str, value: str, part: str, params: dict[str, object]) -> str:
    match problem:
        case "in_the_past":
            return t._("{when} is in the past (it is {now} now). Choose a later time.",
                       when=quoted(params.get("local", value)), now=quoted(params.get("now", "")))
        case "time_missing" | "empty":
            return t._("“{value}” has no time of day. Add one, e.g. 明天 20:00 or every Monday 20:00.", value=value)
        case "date_missing":
            return t._("“{value}” has a time but no day. Add a day, e.g. 明天 20:00 or 2026-12-01 19:30.",
                       value=value)
        case "time_invalid":
            return t._("“{part}” is not a time of day. Use 24-hour HH:MM such as 19:30, or 8pm.", part=part)
        case "time_ambiguous":
            return t._("“{part}” could be noon or midnight. Write 12:00 or 00:00.", part=part)
        case "date_invalid":
            return t._("“{part}” is not a date that exists. Check the month and the day, e.g. 2026-12-01.",
                       part=part)
        case "date_too_far":
            return t._("“{part}” is too far ahead. Choose a date within {years} years.", part=part,
                       years=params.get("years", ""))
        case "date_ambiguous":
            return t._("“{part}” can be read more than one way. Write the date as 2026-12-01 or 12月1日.", part=part)
        case "too_long":
            return t._("That is too long for a time (at most {limit} characters).", limit=params.get("limit", ""))
        case "not_repeating":
            return t._("“{value}” is a single moment, but a series needs a repeating time such as 每周一 20:00 or "
                       "every Tuesday 19:30.", value=value)
        case "not_understood" if part and part != value:
            return t._("I did not understand “{part}” in “{value}”. Examples: {examples}.", part=part, value=value,
                       examples=EXAMPLES)
    return t._("I did not understand “{value}” as a time. Examples: {examples}.", value=value, examples=EXAMPLES)


def problem(t: Lang, exc: ServiceError) -> str:
    """One line naming the field that was wrong, what was wrong with it, and an example of a good answer."""
    if isinstance(exc, NotFound):
        key = quoted(exc.key)
        match exc.what:
            case "series":
                body = t._("Series: there is no series “{key}”. Tap one of the buttons or type its number.", key=key)
            case "lesson":
                body = t._("Lesson: there is no lesson “{key}” in this series. Tap one of the buttons or type its "
                           "number.", key=key)
            case _:
                body = t._("That no longer exists.")
        return f"⚠️ {body}"
    assert isinstance(exc, InvalidInput)
    value = quoted(exc.params.get("value", ""))
    part = quoted(exc.params.get("part", ""))
    if exc.field.startswith("when"):
        body = t._("Time: {problem}", problem=_when(t, exc.problem, value, part, exc.params))
    elif exc.field == "start" and exc.problem == "in_the_past":
        body = t._("Start date: {value} is before today ({today}). Type today or a later date.", value=value,
                   today=quoted(exc.params.get("today", "")))
    elif exc.field == "start":
        body = t._("Start date: “{value}” is not a date. Type one such as 2026-12-14, 12月14日 or 下周一.", value=value)
    elif exc.field == "lesson" and exc.problem == "quiz_unwritten":
        body = t._("Lesson: “{value}” was imported by your branch and its quiz is not written yet, so it cannot be "
                   "scheduled. Send /quiz in our private chat to write it, then schedule the lesson.", value=value)
    elif exc.field == "branch":
        body = t._("The branch “{value}” is inactive (the bot is not in its group), so nothing can be scheduled.",
                   value=value)
    else:
        body = t._("That value is not valid: {field}.", field=escape(exc.field))
    return f"⚠️ {body}"
