"""Reading what a secretary types for "when": one-off times and repeating rules, in Chinese and English."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence.when import MAX_LENGTH, OneOff, Repeating, WhenError, parse_when

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=SHANGHAI)  # a Wednesday afternoon
W, M = RecurrenceType.WEEKLY, RecurrenceType.MONTHLY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 19:30", "2026-12-01 19:30"),
        ("2026/12/1 19:30", "2026-12-01 19:30"),
        ("2026.12.01 19:30", "2026-12-01 19:30"),
        ("2026-12-01T19:30", "2026-12-01 19:30"),
        ("2027年1月5日 8:00", "2027-01-05 08:00"),
        ("12-01 19:30", "2026-12-01 19:30"),
        ("03-01 9:00", "2027-03-01 09:00"),  # already past this year: next year
        ("06-10 20:00", "2026-06-10 20:00"),  # today counts
        ("12月1日 19:30", "2026-12-01 19:30"),
        ("12月1号19:30", "2026-12-01 19:30"),
        ("十二月一日 下午三点", "2026-12-01 15:00"),
        ("1号 8点", "2026-07-01 08:00"),
        ("明天 20:00", "2026-06-11 20:00"),
        ("明天20：00", "2026-06-11 20:00"),
        ("后天 8:00", "2026-06-12 08:00"),
        ("大后天 上午9点", "2026-06-13 09:00"),
        ("今晚 8点", "2026-06-10 20:00"),
        ("今晚八点半", "2026-06-10 20:30"),
        ("明晚7点", "2026-06-11 19:00"),
        ("明天晚上八点", "2026-06-11 20:00"),
        ("明天下午3点15分", "2026-06-11 15:15"),
        ("明早 7点", "2026-06-11 07:00"),
        ("今天 中午12点", "2026-06-10 12:00"),
        ("今天 中午1点", "2026-06-10 13:00"),
        ("明天 凌晨1点", "2026-06-11 01:00"),
        ("两天后", None),
        ("周五 19:30", "2026-06-12 19:30"),
        ("星期三 8:00", "2026-06-10 08:00"),  # today counts; whether it is past is the caller's call
        ("本周一 9:00", "2026-06-08 09:00"),
        ("下周五 19:30", "2026-06-19 19:30"),
        ("下个星期天 10点", "2026-06-21 10:00"),
        ("２０２６年１２月１日　１９：３０", "2026-12-01 19:30"),
        ("tomorrow 20:00", "2026-06-11 20:00"),
        ("Tomorrow at 8 pm", "2026-06-11 20:00"),
        ("tomorrow at 8", "2026-06-11 08:00"),
        ("today 8:30 p.m.", "2026-06-10 20:30"),
        ("tonight 8", None),
        ("tonight at 8", "2026-06-10 20:00"),
        ("the day after tomorrow 9am", "2026-06-12 09:00"),
        ("12am tomorrow", "2026-06-11 00:00"),
        ("at 12pm tomorrow", "2026-06-11 12:00"),
        ("Dec 1 19:30", "2026-12-01 19:30"),
        ("December 1st, 2027 at 7pm", "2027-12-01 19:00"),
        ("1 Dec 19:30", "2026-12-01 19:30"),
        ("the 1st of December at 9am", "2026-12-01 09:00"),
        ("Friday 19:30", "2026-06-12 19:30"),
        ("on Fri at 7pm", "2026-06-12 19:00"),
        ("this Monday 9:00", "2026-06-15 09:00"),
    ],
)
def test_one_off_forms(text: str, expected: str | None) -> None:
    """Each common way of writing a single date and time gives that local moment in the branch's zone."""
    if expected is None:
        with pytest.raises(WhenError):
            parse_when(text, NOW)
        return
    result = parse_when(text, NOW)
    assert isinstance(result, OneOff)
    assert result.local.strftime("%Y-%m-%d %H:%M") == expected
    assert result.local.tzinfo is SHANGHAI


@pytest.mark.parametrize(
    ("text", "kind", "rule"),
    [
        ("每周一 20:00", W, {"days": [0], "time": "20:00"}),
        ("每周一、三 19:30", W, {"days": [0, 2], "time": "19:30"}),
        ("每周一、周三 19:30", W, {"days": [0, 2], "time": "19:30"}),
        ("每周一和周四 晚上7点", W, {"days": [0, 3], "time": "19:00"}),
        ("每周一三五 8:00", W, {"days": [0, 2, 4], "time": "08:00"}),
        ("每周一至周五 8点半", W, {"days": [0, 1, 2, 3, 4], "time": "08:30"}),
        ("每星期天 10点", W, {"days": [6], "time": "10:00"}),
        ("每个礼拜六 9:00", W, {"days": [5], "time": "09:00"}),
        ("每周一8点", W, {"days": [0], "time": "08:00"}),
        ("每天 7:00", W, {"days": [0, 1, 2, 3, 4, 5, 6], "time": "07:00"}),
        ("工作日 9点", W, {"days": [0, 1, 2, 3, 4], "time": "09:00"}),
        ("每月1日 9:00", M, {"day": 1, "time": "09:00"}),
        ("每月十五号 下午2点", M, {"day": 15, "time": "14:00"}),
        ("每月最后一天 18:00", M, {"day": "last", "time": "18:00"}),
        ("每月第一个周五 15:00", M, {"weekday": 4, "nth": 1, "time": "15:00"}),
        ("每月第3个星期二 19:00", M, {"weekday": 1, "nth": 3, "time": "19:00"}),
        ("每月最后一个周日 10点", M, {"weekday": 6, "nth": -1, "time": "10:00"}),
        ("every Monday 20:00", W, {"days": [0], "time": "20:00"}),
        ("every Monday and Wednesday at 7:30pm", W, {"days": [0, 2], "time": "19:30"}),
        ("every mon, wed & fri 8am", W, {"days": [0, 2, 4], "time": "08:00"}),
        ("every Tuesday to Thursday 18:00", W, {"days": [1, 2, 3], "time": "18:00"}),
        ("every Sunday at 10", W, {"days": [6], "time": "10:00"}),
        ("weekly on Saturdays 9:00", W, {"days": [5], "time": "09:00"}),
        ("every day at 7", W, {"days": [0, 1, 2, 3, 4, 5, 6], "time": "07:00"}),
        ("daily 6:30", W, {"days": [0, 1, 2, 3, 4, 5, 6], "time": "06:30"}),
        ("every weekday 8am", W, {"days": [0, 1, 2, 3, 4], "time": "08:00"}),
        ("every month on the 1st at 9:00", M, {"day": 1, "time": "09:00"}),
        ("monthly on the 31st 9:00", M, {"day": 31, "time": "09:00"}),
        ("the 15th of every month 14:00", M, {"day": 15, "time": "14:00"}),
        ("the last day of every month 18:00", M, {"day": "last", "time": "18:00"}),
        ("the first Friday of every month at 3pm", M, {"weekday": 4, "nth": 1, "time": "15:00"}),
        ("every last Sunday 10:00", M, {"weekday": 6, "nth": -1, "time": "10:00"}),
        ("monthly on the 2nd Tuesday 19:00", M, {"weekday": 1, "nth": 2, "time": "19:00"}),
        ("20:00 every Monday", W, {"days": [0], "time": "20:00"}),
    ],
)
def test_repeating_forms(text: str, kind: RecurrenceType, rule: dict[str, Any]) -> None:
    """Repeating phrases become the weekly or monthly rule the scheduler stores."""
    assert parse_when(text, NOW) == Repeating(kind, rule)


@pytest.mark.parametrize(
    ("text", "problem", "part"),
    [
        ("", "empty", None),
        ("   ", "empty", None),
        ("明天", "time_missing", ""),
        ("every Monday", "time_missing", ""),
        ("20:00", "date_missing", "20:00"),
        ("明天 25:00", "time_invalid", "25:00"),
        ("明天 9:75", "time_invalid", "9:75"),
        ("明天 二十四点", "time_invalid", "二十四点"),
        ("tomorrow 13pm", "time_invalid", "13pm"),
        ("tomorrow 0am", "time_invalid", "0am"),
        ("明天晚上12点", "time_ambiguous", "晚上12点"),
        ("2026-02-30 8:00", "date_invalid", "2026-02-30"),
        ("2026-13-01 8:00", "date_invalid", "2026-13-01"),
        ("02-30 8:00", "date_invalid", "02-30"),
        ("32号 8点", "date_invalid", "32号"),
        ("Feb 30 9am", "date_invalid", "Feb 30"),
        ("12/01 8:00", "date_ambiguous", "12/01"),
        ("next Friday 8pm", "date_ambiguous", "next Friday"),
        ("下下周 8点", "not_understood", "下下周"),
        ("每周八 8点", "not_understood", "每周八"),
        ("每周 8点", "not_understood", "每周"),
        ("每月32日 8点", "not_understood", "每月32日"),
        ("every funday 8pm", "not_understood", "every funday"),
        ("every Friday to Monday 8pm", "not_understood", "every Friday to Monday"),
        ("every 9th Friday 8pm", "not_understood", "every 9th Friday"),
        ("Jux 1 8pm", "not_understood", "Jux 1"),
        ("ju 1 8pm", "not_understood", "ju 1"),
        ("soon 8pm", "not_understood", "soon"),
        ("明天 8点 然后", "time_missing", ""),
    ],
)
def test_what_is_not_understood_is_named(text: str, problem: str, part: str | None) -> None:
    """A bad input raises WhenError with a stable code and the part of the text to fix."""
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW)
    assert caught.value.problem == problem
    assert caught.value.params.get("part") == part


def test_the_error_position_points_into_the_original_text() -> None:
    """Positions count characters of what was typed, even when full-width characters were folded."""
    with pytest.raises(WhenError) as caught:
        parse_when("明天　２５：００", NOW)
    assert caught.value.params == {"part": "２５：００", "position": 3}


def test_long_input_is_refused_without_parsing() -> None:
    """Pasting a paragraph gets a clear 'too long' instead of a guess."""
    with pytest.raises(WhenError) as caught:
        parse_when("明天 8点" + "。" * MAX_LENGTH, NOW)
    assert caught.value.problem == "too_long"


def test_the_zone_comes_from_now_and_a_naive_now_is_a_programming_error() -> None:
    """The result is in the branch's zone as given by now_local; a naive now is refused."""
    berlin = datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    result = parse_when("明天 9:00", berlin)
    assert isinstance(result, OneOff)
    assert result.local.tzinfo is berlin.tzinfo
    with pytest.raises(ValueError, match="aware"):
        parse_when("明天 9:00", datetime(2026, 6, 10, 9, 0))


PIECES = [
    " ", "每周", "每月", "每天", "一", "三", "十", "二十", "、", "至", "周", "星期", "日", "号",
    "月", "年", "点", "半", "分", "明天", "今晚", "晚上", "下午", "下", "第", "个", "最后",
    "every", "monday", "fri", "and", "to", "the", "first", "last", "of",
    "month", "at", "on", "pm", "am", "p.m.", ":", "：", ".", "-", "/", "12",
    "31", "2026", "0", "99", "t", "next", "tomorrow", "dec",
]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(PIECES), max_size=14).map("".join)))
def test_any_text_either_parses_or_raises_when_error(text: str) -> None:
    """Whatever is typed, the answer is a result or a WhenError the bot can explain; never a crash."""
    try:
        result = parse_when(text, NOW)
    except WhenError as error:
        assert error.problem
        return
    assert isinstance(result, OneOff | Repeating)
