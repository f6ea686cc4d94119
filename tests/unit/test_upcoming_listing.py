"""The /upcoming text stays within Telegram's 4096 characters however long the names are."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lesson_bot.bot.texts.schedules.upcoming import listing
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.schedules.views import CalledMeeting, MeetingSeries, ScheduleLine, Upcoming, UpcomingLesson
from tgrules.html import parse_html, utf16_len
from tgrules.limits import MESSAGE_TEXT_MAX

NOW = datetime(2026, 12, 7, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DESCRIPTION = "每周一、周三、周五 20:00（Asia/Shanghai），至2027年12月31日，共 52 次，跳过 3 个假日"


def crowded() -> Upcoming:
    """Ten of everything, every name at its longest (a lesson title is at most 100 characters, a topic 200)."""
    kind = MeetingTypes().get("committee")
    days = [NOW + timedelta(days=i) for i in range(10)]
    return Upcoming(
        "第一党支部" * 10, "Asia/Shanghai",
        lessons=tuple(UpcomingLesson(100 + i, day, "课" * 100) for i, day in enumerate(days)),
        schedules=tuple(ScheduleLine(100 + i, "系" * 100, DESCRIPTION, True, day) for i, day in enumerate(days)),
        meetings=tuple(CalledMeeting(i, kind, "议" * 200, day, 200 + i) for i, day in enumerate(days)),
        series=tuple(MeetingSeries(200 + i, kind, "议" * 200, DESCRIPTION, day) for i, day in enumerate(days)),
        more_schedules=5, more_meetings=7, more_series=3)


@pytest.mark.parametrize("locale", ["zh-Hans", "en"])
def test_a_crowded_listing_fits_and_says_what_it_left_out(locale: str) -> None:
    """Every schedule and series keeps its line (their buttons name them); the last deliveries and meetings give
    way, and the text says how many more there are."""
    t = Translator().lang(locale)
    text = listing(t, crowded(), notice=t._("Schedule #{id} cancelled.", id=99))
    visible = parse_html(text).text
    assert utf16_len(visible) <= MESSAGE_TEXT_MAX
    for number in range(100, 110):
        assert f"#{number} " in visible  # every lesson schedule
    for number in range(200, 210):
        assert f"\n#{number} " in visible  # every meeting series
    lessons_shown = visible.count("课" * 100)
    assert 0 < lessons_shown < 10
    more = t._("… and {n} more", n=10 - lessons_shown)
    assert more in visible
