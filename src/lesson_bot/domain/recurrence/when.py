"""What a secretary types for "when", in zh-Hans or en, as a one-off local time or a repeating rule. Pure.

One-off: "2026-12-01 19:30", "12-01 19:30", "12月1日 19:30", "1号 8点", "明天 20:00", "后天 8:00", "今晚 8点",
"下周五 19:30", "tomorrow 8pm", "Dec 1 19:30", "Friday 19:30". Repeating (rules as `recurrence` stores them):
"每周一、三 19:30", "每周一至周五 8点", "每天 8:00", "每月1日 9:00", "每月最后一天 9:00", "每月第一个周五 15:00",
"every Monday and Wednesday 20:00", "every weekday 8am", "every month on the 1st at 9:00",
"the last Sunday of every month 10:00". Times: "19:30", "8点", "8点半", "晚上8点", "8pm", "8:30 p.m.".

Dates without a year are the next such date (today counts); a bare weekday is the next one (today counts);
"下周五" is the Friday of next week, while English "next Friday" is refused as ambiguous. Whether the result is in
the past is the caller's decision. Errors are WhenError(problem, part=..., position=...) pointing into the text.
This module finds the time of day and the repeating rules; lesson_bot.domain.recurrence.when_dates reads the dates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.when_dates import EN_DAY, ZH_DAY, ZH_WEEK, date_of, en_day, zh_day

MAX_LENGTH = 100
YEARS_AHEAD = 10  # a one-off date further ahead is a typo, and past what the schedules can compute
ALL_DAYS = list(range(7))
WORKDAYS = list(range(5))
_EN_NTH = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
           "fifth": 5, "5th": 5, "last": -1}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_EVENING_WORDS = {"今晚", "明晚", "tonight"}
_PM_PERIODS = {"下午", "傍晚", "晚上", "夜里", "夜间"}
_EN_EVERY_MONTH = r"of\s+(?:every|each|the)\s+month"
_TIME_RE = re.compile(
    r"(?:\bat\s*|@\s*|在\s*)?(?P<period>早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|夜间|凌晨)?\s*(?:"
    r"(?P<h1>[0-9]{1,2})\s*:\s*(?P<m1>[0-9]{2})"
    r"|(?P<h2>[0-9]{1,2})\s*[点时]\s*(?:(?P<m2>[0-9]{1,2})\s*分?|(?P<half>半)|整)?"
    r"|(?P<h3>[0-9]{1,2})(?=\s*[ap]\.?m)|(?<=at\s)(?P<h4>[0-9]{1,2})(?![0-9]))"
    r"\s*(?P<ampm>[ap])?(?(ampm)\.?m\.?)"
)
_LEADING_FILLER = re.compile(r"^(?:\s|,|、|的|在|\bat\b|\bon\b)+")
_TRAILING_FILLER = re.compile(r"(?:\s|,|、|的|在|\bat\b|\bon\b)+$")


class WhenError(ValueError):
    """Text that is not a time we understand: a stable problem code and where (part, position in the text)."""

    def __init__(self, problem: str, **params: Any) -> None:
        super().__init__(f"{problem} {params}" if params else problem)
        self.problem = problem
        self.params: dict[str, Any] = params


@dataclass(frozen=True)
class OneOff:
    """A single moment, as a wall-clock time in now_local's zone (not yet checked against the past)."""

    local: datetime


@dataclass(frozen=True)
class Repeating:
    """A repeating rule: WEEKLY {"days", "time"} or MONTHLY {"day" | "weekday"+"nth", "time"}."""

    kind: RecurrenceType
    rule: dict[str, Any]


When = OneOff | Repeating


class _Text:
    """The typed text normalised (full-width folded, lower case, Chinese numerals as digits), mapped back."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        chars: list[tuple[str, int]] = []
        for i, ch in enumerate(raw):
            chars.extend((c, i) for c in unicodedata.normalize("NFKC", ch).lower())
        out: list[tuple[str, int]] = []
        i = 0
        while i < len(chars):
            j = i
            while j < len(chars) and (chars[j][0] in _ZH_DIGITS or chars[j][0] == "十"):
                j += 1
            if j == i:
                out.append(chars[i])
                i += 1
                continue
            number = _zh_number("".join(c for c, _ in chars[i:j]))
            # A space keeps "周一8点" from reading as "周18点".
            pad = [(" ", chars[i][1])] if out and out[-1][0].isdigit() else []
            tail = [(" ", chars[j - 1][1])] if j < len(chars) and chars[j][0].isdigit() else []
            digits = [(c, chars[i][1]) for c in number] if number is not None else chars[i:j]
            out.extend(pad + digits + tail)
            i = j
        self.text = "".join(c for c, _ in out)
        self._index = [pos for _, pos in out]

    def error(self, problem: str, start: int, end: int, **params: Any) -> WhenError:
        """A WhenError quoting the original text behind text[start:end]."""
        if start >= len(self._index):
            return WhenError(problem, part="", position=len(self.raw), **params)
        first, last = self._index[start], self._index[max(start, end - 1)] + 1
        part = self.raw[first:last]
        return WhenError(problem, part=part.strip(), position=first + len(part) - len(part.lstrip()), **params)


def _zh_number(run: str) -> str | None:
    if "十" not in run:
        return "".join(str(_ZH_DIGITS[c]) for c in run)
    tens, _, ones = run.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return str((_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0))


def parse_when(text: str, now_local: datetime) -> When:
    """Read a one-off time or a weekly/monthly rule from what a secretary typed; raise WhenError if unclear."""
    if now_local.tzinfo is None:
        raise ValueError("now_local must be timezone-aware")
    if len(text) > MAX_LENGTH:
        raise WhenError("too_long", limit=MAX_LENGTH)
    typed = _Text(text)
    body = typed.text.rstrip(" .。!！")
    if not body.strip():
        raise WhenError("empty")
    match = _find_time(body)
    if match is None:
        raise typed.error("time_missing", len(body), len(body))
    rest_start, rest_end = (0, match.start()) if match.end() == len(body) else (match.end(), len(body))
    rest = body[rest_start:rest_end]
    filler = _LEADING_FILLER.match(rest)
    lead = len(filler[0]) if filler else 0
    date_part = _TRAILING_FILLER.sub("", rest[lead:])
    if not date_part:
        raise typed.error("date_missing", match.start(), match.end())
    span = (rest_start + lead, rest_start + lead + len(date_part))
    hour, minute = _clock(typed, match, evening=date_part in _EVENING_WORDS)
    clock = f"{hour:02d}:{minute:02d}"
    repeating = _repeating(date_part, clock, typed, span)
    if repeating is not None:
        return repeating
    day = _one_off_date(date_part, now_local.date(), typed, span)
    return OneOff(datetime(day.year, day.month, day.day, hour, minute, tzinfo=now_local.tzinfo))


def _find_time(body: str) -> re.Match[str] | None:
    at_end = None
    for found in _TIME_RE.finditer(body):
        if found.group(0).strip() and body[found.end():].strip() == "":
            at_end = found
            break
    if at_end is not None:
        return at_end
    at_start = _TIME_RE.match(body.lstrip())
    if at_start is None or not at_start.group(0).strip():
        return None
    return _TIME_RE.match(body, len(body) - len(body.lstrip()))


def _clock(typed: _Text, match: re.Match[str], *, evening: bool) -> tuple[int, int]:
    hour = int(match["h1"] or match["h2"] or match["h3"] or match["h4"])
    minute = 30 if match["half"] else int(match["m1"] or match["m2"] or 0)
    period, ampm = match["period"], match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            raise typed.error("time_invalid", match.start(), match.end())
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif period in _PM_PERIODS or evening:
        if hour == 12 and period != "下午":
            raise typed.error("time_ambiguous", match.start(), match.end())
        hour += 12 if 1 <= hour <= 11 else 0
    elif period == "中午" and hour <= 2:
        hour += 12
    if hour > 23 or minute > 59:
        raise typed.error("time_invalid", match.start(), match.end())
    return hour, minute


def _zh_days(spec: str) -> list[int] | None:
    """A Chinese weekday list such as "1、3", "1、周3", "1至5", "1和3" (digits already folded), or None."""
    days: set[int] = set()
    for item in re.split(r"\s*[、,/和及与]\s*|\s+", spec.strip()):
        if re.fullmatch(rf"{ZH_DAY}{{2,}}", item):  # "每周一三五"
            days.update(zh_day(c) for c in item)
            continue
        found = re.fullmatch(rf"{ZH_WEEK}?({ZH_DAY})(?:\s*[至到~-]\s*{ZH_WEEK}?({ZH_DAY}))?", item)
        if found is None:
            return None
        low, high = (zh_day(found[1]), zh_day(found[2] or found[1]))
        if low > high:
            return None
        days.update(range(low, high + 1))
    return sorted(days)



def _en_days(spec: str) -> list[int] | None:
    days: set[int] = set()
    for item in re.split(r"\s*(?:,|/|&|\band\b)\s*", spec.strip()):
        found = re.fullmatch(r"([a-z]+)(?:\s*(?:-|to|through)\s*([a-z]+))?", item.strip())
        if found is None:
            return None
        low, high = en_day(found[1]), en_day(found[2] or found[1])
        if low is None or high is None or low > high:
            return None
        days.update(range(low, high + 1))
    return sorted(days)


def _weekly(days: list[int] | None, clock: str) -> Repeating | None:
    return Repeating(RecurrenceType.WEEKLY, {"days": days, "time": clock}) if days else None


def _monthly(clock: str, **rule: Any) -> Repeating:
    return Repeating(RecurrenceType.MONTHLY, {**rule, "time": clock})


def _repeating(part: str, clock: str, typed: _Text, span: tuple[int, int]) -> Repeating | None:
    forms: list[tuple[str, Callable[[re.Match[str]], Repeating | None]]] = [
        (r"每天|每日|天天|每1天|every\s*day|daily", lambda m: _weekly(ALL_DAYS, clock)),
        (r"(?:每个?)?工作日(?:每天)?|(?:every|each|on)\s+weekday|weekdays|every\s+workday",
         lambda m: _weekly(WORKDAYS, clock)),
        (rf"每个?{ZH_WEEK}(.+)", lambda m: _weekly(_zh_days(m[1]), clock)),
        (rf"(?:every|each|weekly\s+on)\s+({EN_DAY}(?:\s*(?:,|/|&|and|-|to|through)\s*{EN_DAY})*)",
         lambda m: _weekly(_en_days(m[1]), clock)),
        (r"每个?月的?([0-9]{1,2})\s*[日号]", lambda m: _month_day(int(m[1]), clock)),
        (r"每个?月的?最后1天|(?:every\s+month|monthly)\s+on\s+the\s+last\s+day|"
         rf"(?:on\s+)?the\s+last\s+day\s+{_EN_EVERY_MONTH}", lambda m: _monthly(clock, day="last")),
        (r"(?:every\s+month|monthly|each\s+month)\s+on\s+(?:the\s+|day\s+)?([0-9]{1,2})(?:st|nd|rd|th)?",
         lambda m: _month_day(int(m[1]), clock)),
        (rf"(?:on\s+)?(?:the\s+)?([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+)?{_EN_EVERY_MONTH}",
         lambda m: _month_day(int(m[1]), clock)),
        (rf"每个?月的?(?:第([1-5])个?|(最后)1个)\s*{ZH_WEEK}({ZH_DAY})",
         lambda m: _monthly(clock, weekday=zh_day(m[3]), nth=-1 if m[2] else int(m[1]))),
        (rf"(?:every\s+month|monthly)\s+on\s+the\s+([a-z0-9]+)\s+({EN_DAY})|"
         rf"(?:every\s+|on\s+)?(?:the\s+)?([a-z0-9]+)\s+({EN_DAY})\s+{_EN_EVERY_MONTH}|"
         rf"every\s+([a-z0-9]+)\s+({EN_DAY})",
         lambda m: _en_nth(m, clock)),
    ]
    for pattern, build in forms:
        found = re.fullmatch(pattern, part)
        if found is not None:
            result = build(found)
            if result is None:
                raise typed.error("not_understood", *span)
            return result
    return None


def _month_day(day: int, clock: str) -> Repeating | None:
    return _monthly(clock, day=day) if 1 <= day <= 31 else None


def _en_nth(found: re.Match[str], clock: str) -> Repeating | None:
    nth_word, day_word = next((found[i], found[i + 1]) for i in (1, 3, 5) if found[i])
    weekday = en_day(day_word)
    if nth_word not in _EN_NTH or weekday is None:
        return None
    return _monthly(clock, weekday=weekday, nth=_EN_NTH[nth_word])


def _one_off_date(part: str, today: date, typed: _Text, span: tuple[int, int]) -> date:
    try:
        day = date_of(part, today)
    except (ValueError, OverflowError) as exc:
        raise typed.error("date_invalid", *span) from exc
    if day is None:
        problem = "date_ambiguous" if re.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}|next\s+\S+", part) else "not_understood"
        raise typed.error(problem, *span)
    if day.year > today.year + YEARS_AHEAD:
        raise typed.error("date_too_far", *span, years=YEARS_AHEAD)
    return day
