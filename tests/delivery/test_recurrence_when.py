"""What a secretary types becomes a schedule the delivery engine accepts, previews and describes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Recurrence, describe, preview, resolve_local, validate
from lesson_bot.domain.recurrence.when import OneOff, Repeating, WhenError, parse_when
from lesson_bot.i18n import Translator

ZONE = "Europe/Berlin"
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=ZoneInfo(ZONE))  # the Wednesday before the spring change


@pytest.mark.parametrize(
    ("text", "first_three"),
    [
        ("每周一、三 19:30", ["03-25 19:30 CET", "03-30 19:30 CEST", "04-01 19:30 CEST"]),
        ("每月第一个周五 15:00", ["04-03 15:00 CEST", "05-01 15:00 CEST", "06-05 15:00 CEST"]),
        ("every day at 9am", ["03-26 09:00 CET", "03-27 09:00 CET", "03-28 09:00 CET"]),
        ("the last day of every month 18:00", ["03-31 18:00 CEST", "04-30 18:00 CEST", "05-31 18:00 CEST"]),
    ],
)
def test_a_typed_repeating_rule_previews_in_local_time(text: str, first_three: list[str]) -> None:
    """The rule read from the text validates and previews at the typed local time across the DST change."""
    parsed = parse_when(text, NOW)
    assert isinstance(parsed, Repeating)
    rec = Recurrence(parsed.kind, ZONE, NOW.astimezone(UTC), parsed.rule)
    assert [o.local.strftime("%m-%d %H:%M %Z") for o in preview(rec, NOW, 3)] == first_three
    assert describe(rec, Translator().lang("zh-Hans")).endswith(f"（{ZONE}）")


def test_a_typed_one_off_in_the_missing_hour_fires_at_the_change() -> None:
    """"Sunday 02:30" on Berlin's spring night does not exist: the one-off fires at 03:00 CEST, as the rules say."""
    parsed = parse_when("周日 2:30", NOW)
    assert isinstance(parsed, OneOff)
    rec = Recurrence(RecurrenceType.ONCE, ZONE, resolve_local(parsed.local, ZONE), {})
    [only] = preview(rec, NOW, 5)
    assert only.local.strftime("%Y-%m-%d %H:%M %Z") == "2026-03-29 03:00 CEST"


PIECES = [
    " ", "每周", "每月", "每天", "一", "三", "五", "日", "十", "、", "至", "第", "个", "最后",
    "号", "晚上", "8点", "半", "every", "monday", "fri", "and", "to", "the", "first",
    "last", "day", "of", "month", "on", "at", "9pm", "31", "2nd", "weekday",
    "daily", "19:30",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join))
def test_every_rule_the_parser_returns_is_a_valid_schedule(text: str) -> None:
    """Whatever repeating rule the parser accepts, the delivery engine accepts too."""
    try:
        parsed = parse_when(text, NOW)
    except WhenError:
        return
    if isinstance(parsed, Repeating):
        validate(parsed.kind, parsed.rule, ZONE, starts_at=NOW)
