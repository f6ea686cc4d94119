"""The dates a secretary types for "when", in zh-Hans or en: weekday names and one-off dates. Pure.

Absolute ("2026-12-01", "12月1日", "Dec 1", "the 1st of December 2026", "1号") and relative ("明天", "下周五",
"tomorrow", "Friday"); a date without a year is the next such date and a bare weekday the next such day (today
counts for both). lesson_bot.domain.recurrence.when finds the time of day and the repeating rules around them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_RELATIVE = {"今天": 0, "今日": 0, "今早": 0, "今晚": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "后天": 2,
             "大后天": 3, "today": 0, "tonight": 0, "tomorrow": 1, "day after tomorrow": 2, "the day after tomorrow": 2}
ZH_WEEK = r"(?:周|星期|礼拜)"
ZH_DAY = r"[1-7日天]"
EN_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"


def zh_day(char: str) -> int:
    """Monday = 0 for a Chinese weekday character ("1" to "7" once numerals are folded, or "日"/"天")."""
    return 6 if char in "日天7" else int(char) - 1


def en_day(word: str) -> int | None:
    """Monday = 0 for an English weekday name, abbreviation (3 letters or more) or plural; None if unclear."""
    word = word.rstrip("s") if word not in _EN_DAYS else word
    found = [i for i, name in enumerate(_EN_DAYS) if len(word) >= 3 and name.startswith(word)]
    return found[0] if len(found) == 1 else None


def date_of(part: str, today: date) -> date | None:
    """The date `part` names, None if it names none; ValueError for an impossible one."""
    if part in _RELATIVE:
        return today + timedelta(days=_RELATIVE[part])
    if found := re.fullmatch(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?t?", part):
        return date(int(found[1]), int(found[2]), int(found[3]))
    if found := re.fullmatch(r"([0-9]{1,2})\s*[-月]\s*([0-9]{1,2})\s*[日号]?", part):
        return _next_month_day(today, int(found[1]), int(found[2]))
    if found := re.fullmatch(r"(?:on\s+)?([a-z]{3,9})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?(?:,?\s+([0-9]{4}))?", part):
        return _en_date(today, found[1], int(found[2]), found[3])
    if found := re.fullmatch(r"(?:on\s+)?(?:the\s+)?([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?"
                             r"(?:,?\s+([0-9]{4}))?", part):
        return _en_date(today, found[2], int(found[1]), found[3])
    if found := re.fullmatch(r"([0-9]{1,2})\s*[日号]", part):
        return _next_day_of_month(today, int(found[1]))
    if found := re.fullmatch(rf"(本|这个?|下个?)?\s*{ZH_WEEK}({ZH_DAY})", part):
        monday = today - timedelta(days=today.weekday())
        if found[1]:
            return monday + timedelta(days=zh_day(found[2]) + (7 if found[1].startswith("下") else 0))
        return today + timedelta(days=(zh_day(found[2]) - today.weekday()) % 7)
    if (found := re.fullmatch(r"(?:on\s+)?(?:this\s+)?([a-z]+)", part)) and (weekday := en_day(found[1])) is not None:
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return None


def _en_date(today: date, month_word: str, day: int, year: str | None) -> date | None:
    months = [i + 1 for i, name in enumerate(_EN_MONTHS) if name.startswith(month_word)]
    if len(months) != 1:
        return None
    return date(int(year), months[0], day) if year else _next_month_day(today, months[0], day)


def _next_month_day(today: date, month: int, day: int) -> date:
    """The next date with this month and day (today counts); ValueError if there is none within a year."""
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"no {month}-{day} on or after {today}")


def _next_day_of_month(today: date, day: int) -> date:
    """The next date with this day of the month (today counts)."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
            if candidate >= today:
                return candidate
        except ValueError:
            pass
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"no day {day} in any month")
