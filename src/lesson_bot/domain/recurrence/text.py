"""A schedule in words, for the secretary who confirms it, in the language of the Translation passed in.

Every phrase is a catalog message (English msgid; zh-Hans and en in lesson_bot/locale), so a new language needs
translations, not code. Days of the month carry the context "day of the month" ("1st" is "1日" in Chinese).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.rules import parse_time
from lesson_bot.domain.translation import N_, NP_, Translation

if TYPE_CHECKING:
    from lesson_bot.domain.recurrence.model import Recurrence

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
NTH_WEEKDAY = {1: N_("first {weekday}"), 2: N_("second {weekday}"), 3: N_("third {weekday}"),
               4: N_("fourth {weekday}"), 5: N_("fifth {weekday}"), -1: N_("last {weekday}")}
# Literal calls, so that the extractor sees each context and message.
DAYS_OF_MONTH = (NP_("day of the month", "1st"), NP_("day of the month", "2nd"), NP_("day of the month", "3rd"),
                 NP_("day of the month", "4th"), NP_("day of the month", "5th"), NP_("day of the month", "6th"),
                 NP_("day of the month", "7th"), NP_("day of the month", "8th"), NP_("day of the month", "9th"),
                 NP_("day of the month", "10th"), NP_("day of the month", "11th"), NP_("day of the month", "12th"),
                 NP_("day of the month", "13th"), NP_("day of the month", "14th"), NP_("day of the month", "15th"),
                 NP_("day of the month", "16th"), NP_("day of the month", "17th"), NP_("day of the month", "18th"),
                 NP_("day of the month", "19th"), NP_("day of the month", "20th"), NP_("day of the month", "21st"),
                 NP_("day of the month", "22nd"), NP_("day of the month", "23rd"), NP_("day of the month", "24th"),
                 NP_("day of the month", "25th"), NP_("day of the month", "26th"), NP_("day of the month", "27th"),
                 NP_("day of the month", "28th"), NP_("day of the month", "29th"), NP_("day of the month", "30th"),
                 NP_("day of the month", "31st"))
DATES = (N_("{day} January {year}"), N_("{day} February {year}"), N_("{day} March {year}"),
         N_("{day} April {year}"), N_("{day} May {year}"), N_("{day} June {year}"), N_("{day} July {year}"),
         N_("{day} August {year}"), N_("{day} September {year}"), N_("{day} October {year}"),
         N_("{day} November {year}"), N_("{day} December {year}"))
_WORKDAYS = [0, 1, 2, 3, 4]


def describe(rec: Recurrence, t: Translation) -> str:
    """The schedule in one line, e.g. "每周一、周三 20:00（Asia/Shanghai）" or its English form."""
    tz = ZoneInfo(rec.timezone)
    rule = rec.rule
    if rec.kind is RecurrenceType.ONCE:
        local = rec.starts_at.astimezone(tz)
        return t._("Once, on {date} at {time} ({zone})", date=_date(t, local), time=f"{local:%H:%M}",
                   zone=rec.timezone)
    if rec.kind is RecurrenceType.CRON:
        text = t._("On the cron schedule “{expr}” ({zone})", expr=rule["expr"], zone=rec.timezone)
    else:
        text = t._("{when} at {time} ({zone})", when=_when(rec, t), time=_hhmm(rule), zone=rec.timezone)
        day = rule.get("day") if rec.kind is RecurrenceType.MONTHLY else None
        if isinstance(day, int) and day > 28:
            text += t._(", skipped in months without a {day}", day=_day_of_month(t, day))
    if rec.ends_at is not None:
        text += t._(", until {date}", date=_date(t, rec.ends_at.astimezone(tz)))
    if rec.max_count is not None:
        text += t.ngettext(", {n} time in all", ", {n} times in all", rec.max_count)
    if rec.skip_dates:
        text += t.ngettext(", skipping {n} holiday", ", skipping {n} holidays", len(rec.skip_dates))
    return text


def _when(rec: Recurrence, t: Translation) -> str:
    """The days a weekly or monthly schedule fires on, e.g. "Every Monday", "On the last day of every month"."""
    rule = rec.rule
    if rec.kind is RecurrenceType.WEEKLY:
        days = sorted(rule["days"])
        if len(days) == len(WEEKDAYS):
            return t._("Every day")
        if days == _WORKDAYS:
            return t._("Every weekday (Monday to Friday)")
        return t._("Every {days}", days=_days(t, [t._(WEEKDAYS[d]) for d in days]))
    if rule.get("day") == "last":
        day = t.pgettext("day of the month", "last day")
    elif "day" in rule:
        day = _day_of_month(t, rule["day"])
    else:
        day = t._(NTH_WEEKDAY[rule["nth"]], weekday=t._(WEEKDAYS[rule["weekday"]]))
    return t._("On the {day} of every month", day=day)


def _days(t: Translation, names: list[str]) -> str:
    """Weekday names as a list: "Monday, Wednesday and Friday"."""
    text = names[0]
    for index, name in enumerate(names[1:], start=2):
        if index == len(names):
            text = t._("{days} and {day}", days=text, day=name)
        else:
            text = t._("{days}, {day}", days=text, day=name)
    return text


def _day_of_month(t: Translation, day: int) -> str:
    return t.pgettext(*DAYS_OF_MONTH[day - 1])


def _date(t: Translation, moment: datetime) -> str:
    return t._(DATES[moment.month - 1], day=moment.day, year=moment.year)


def _hhmm(rule: Any) -> str:
    hour, minute = parse_time(rule["time"])
    return f"{hour:02d}:{minute:02d}"
