"""A schedule in words, for the secretary who confirms it: zh-Hans (the default) and en."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence_rules import parse_time

if TYPE_CHECKING:
    from lesson_bot.domain.recurrence import Recurrence

ZH_WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ZH_NTH = {1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", 5: "第五个", -1: "最后一个"}
EN_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
_WORKDAYS = [0, 1, 2, 3, 4]


def describe(rec: Recurrence, locale: str) -> str:
    """The schedule in one line, e.g. "每周一、周三 20:00（Asia/Shanghai）" or its English form."""
    if locale.lower().startswith("en"):  # zh-Hans is the default, as in lesson_bot.i18n
        return _english(rec)
    return _chinese(rec)


def _hhmm(rule: Any) -> str:
    hour, minute = parse_time(rule["time"])
    return f"{hour:02d}:{minute:02d}"


def _zh_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _en_date(moment: datetime) -> str:
    return f"{moment.day} {EN_MONTHS[moment.month - 1]} {moment.year}"


def _en_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _en_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _chinese(rec: Recurrence) -> str:
    tz = ZoneInfo(rec.timezone)
    rule = rec.rule
    if rec.kind is RecurrenceType.ONCE:
        local = rec.starts_at.astimezone(tz)
        return f"{_zh_date(local)} {local:%H:%M}（{rec.timezone}），仅一次"
    if rec.kind is RecurrenceType.WEEKLY:
        days = sorted(rule["days"])
        if len(days) == len(ZH_WEEKDAYS):
            head = "每天"
        elif days == _WORKDAYS:
            head = "周一至周五每天"
        else:
            head = "每" + "、".join(ZH_WEEKDAYS[d] for d in days)
        text = f"{head} {_hhmm(rule)}（{rec.timezone}）"
    elif rec.kind is RecurrenceType.MONTHLY:
        if rule.get("day") == "last":
            head = "每月最后一天"
        elif "day" in rule:
            head = f"每月{rule['day']}日"
        else:
            head = f"每月{ZH_NTH[rule['nth']]}{ZH_WEEKDAYS[rule['weekday']]}"
        text = f"{head} {_hhmm(rule)}（{rec.timezone}）"
        if isinstance(rule.get("day"), int) and rule["day"] > 28:
            text += f"，没有{rule['day']}日的月份不举行"
    else:
        text = f"按 cron 表达式“{rule['expr']}”（{rec.timezone}）"
    if rec.ends_at is not None:
        text += f"，至{_zh_date(rec.ends_at.astimezone(tz))}"
    if rec.max_count is not None:
        text += f"，共 {rec.max_count} 次"
    if rec.skip_dates:
        text += f"，跳过 {len(rec.skip_dates)} 个假日"
    return text


def _english(rec: Recurrence) -> str:
    tz = ZoneInfo(rec.timezone)
    rule = rec.rule
    if rec.kind is RecurrenceType.ONCE:
        local = rec.starts_at.astimezone(tz)
        return f"Once, on {_en_date(local)} at {local:%H:%M} ({rec.timezone})"
    if rec.kind is RecurrenceType.WEEKLY:
        days = sorted(rule["days"])
        if len(days) == len(EN_WEEKDAYS):
            head = "Every day"
        elif days == _WORKDAYS:
            head = "Every weekday (Monday to Friday)"
        else:
            head = "Every " + _en_list([EN_WEEKDAYS[d] for d in days])
        text = f"{head} at {_hhmm(rule)} ({rec.timezone})"
    elif rec.kind is RecurrenceType.MONTHLY:
        if rule.get("day") == "last":
            head = "On the last day of every month"
        elif "day" in rule:
            head = f"On the {_en_ordinal(rule['day'])} of every month"
        else:
            head = f"On the {EN_NTH[rule['nth']]} {EN_WEEKDAYS[rule['weekday']]} of every month"
        text = f"{head} at {_hhmm(rule)} ({rec.timezone})"
        if isinstance(rule.get("day"), int) and rule["day"] > 28:
            text += f", skipped in months without a {_en_ordinal(rule['day'])}"
    else:
        text = f"On the cron schedule “{rule['expr']}” ({rec.timezone})"
    if rec.ends_at is not None:
        text += f", until {_en_date(rec.ends_at.astimezone(tz))}"
    if rec.max_count is not None:
        text += f", {rec.max_count} time{'s' if rec.max_count != 1 else ''} in all"
    if rec.skip_dates:
        count = len(rec.skip_dates)
        text += f", skipping {count} holiday{'s' if count != 1 else ''}"
    return text
