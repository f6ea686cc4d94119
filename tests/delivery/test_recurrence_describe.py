"""The one line a secretary reads before confirming a schedule, in Chinese (the default) and English.

The texts come from the gettext catalogs: these are the shipped translations, not strings in the code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import pytest

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Recurrence, describe
from lesson_bot.i18n import Translator

START = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator()


def rec(kind: RecurrenceType, rule: Mapping[str, Any], **kwargs: Any) -> Recurrence:
    return Recurrence(kind, kwargs.pop("timezone", "Asia/Shanghai"), kwargs.pop("starts_at", START), rule, **kwargs)


@pytest.mark.parametrize(
    ("schedule", "zh", "en"),
    [
        (rec(RecurrenceType.WEEKLY, {"days": [2, 0], "time": "20:00"}),
         "每周一、周三 20:00（Asia/Shanghai）", "Every Monday and Wednesday at 20:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.WEEKLY, {"days": [0, 2, 4], "time": "9:30"}),
         "每周一、周三、周五 09:30（Asia/Shanghai）", "Every Monday, Wednesday and Friday at 09:30 (Asia/Shanghai)"),
        (rec(RecurrenceType.WEEKLY, {"days": list(range(7)), "time": "07:00"}),
         "每天 07:00（Asia/Shanghai）", "Every day at 07:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.WEEKLY, {"days": [0, 1, 2, 3, 4], "time": "08:00"}),
         "周一至周五每天 08:00（Asia/Shanghai）", "Every weekday (Monday to Friday) at 08:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.MONTHLY, {"day": 1, "time": "09:00"}),
         "每月1日 09:00（Asia/Shanghai）", "On the 1st of every month at 09:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.MONTHLY, {"day": 31, "time": "09:00"}),
         "每月31日 09:00（Asia/Shanghai），没有31日的月份不举行",
         "On the 31st of every month at 09:00 (Asia/Shanghai), skipped in months without a 31st"),
        (rec(RecurrenceType.MONTHLY, {"day": "last", "time": "18:00"}),
         "每月最后一天 18:00（Asia/Shanghai）", "On the last day of every month at 18:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.MONTHLY, {"weekday": 4, "nth": 1, "time": "15:00"}),
         "每月第一个周五 15:00（Asia/Shanghai）", "On the first Friday of every month at 15:00 (Asia/Shanghai)"),
        (rec(RecurrenceType.MONTHLY, {"weekday": 6, "nth": -1, "time": "10:00"}, timezone="Europe/Berlin"),
         "每月最后一个周日 10:00（Europe/Berlin）", "On the last Sunday of every month at 10:00 (Europe/Berlin)"),
        (rec(RecurrenceType.CRON, {"expr": "0 9 * * 1-5"}),
         "按 cron 表达式“0 9 * * 1-5”（Asia/Shanghai）", "On the cron schedule “0 9 * * 1-5” (Asia/Shanghai)"),
        (rec(RecurrenceType.ONCE, {}, starts_at=datetime(2026, 12, 1, 11, 30, tzinfo=UTC)),
         "2026年12月1日 19:30（Asia/Shanghai），仅一次", "Once, on 1 December 2026 at 19:30 (Asia/Shanghai)"),
    ],
)
def test_a_schedule_reads_the_same_in_both_languages(
    translator: Translator, schedule: Recurrence, zh: str, en: str
) -> None:
    """Days, times and the zone are said in the secretary's language."""
    assert describe(schedule, translator.lang("zh-Hans")) == zh
    assert describe(schedule, translator.lang("en")) == en


def test_limits_and_holidays_are_said_too(translator: Translator) -> None:
    """An end date, a count and holidays are part of what the secretary confirms."""
    limited = rec(
        RecurrenceType.WEEKLY, {"days": [0], "time": "20:00"}, ends_at=datetime(2026, 12, 31, 15, tzinfo=UTC),
        max_count=10, skip_dates=frozenset({date(2026, 10, 1), date(2026, 10, 5)}),
    )
    zh, en = translator.lang("zh-Hans"), translator.lang("en")
    assert describe(limited, zh) == "每周一 20:00（Asia/Shanghai），至2026年12月31日，共 10 次，跳过 2 个假日"
    assert describe(limited, en) == (
        "Every Monday at 20:00 (Asia/Shanghai), until 31 December 2026, 10 times in all, skipping 2 holidays"
    )
    single = rec(RecurrenceType.WEEKLY, {"days": [0], "time": "20:00"}, max_count=1,
                 skip_dates=frozenset({date(2026, 10, 5)}))
    assert describe(single, en).endswith(", 1 time in all, skipping 1 holiday")


@pytest.mark.parametrize(
    ("locale", "start"), [("zh", "每"), ("zh-CN", "每"), ("en-GB", "Every"), ("fr", "每"), ("", "每")]
)
def test_telegram_language_codes_pick_the_language(translator: Translator, locale: str, start: str) -> None:
    """A Telegram language code picks the closest supported language; anything else gets Chinese."""
    weekly = rec(RecurrenceType.WEEKLY, {"days": [0], "time": "20:00"})
    assert describe(weekly, translator.lang(locale)).startswith(start)
