"""Start presets for a routine meeting follow its cadence: the period still owed, like last time, then free
weekday evenings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from lesson_bot.domain.cadence import Cadence, MeetingFact, Period
from lesson_bot.domain.meeting_slots import start_presets

ZONE = "Asia/Shanghai"
MONTHLY = Cadence(Period.MONTH)
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tue 1 Dec, 10:00 in Shanghai
LAST = datetime(2026, 11, 10, 11, 30, tzinfo=UTC)  # Tue 10 Nov, 19:30


def local(moments: list[datetime]) -> list[str]:
    return [f"{m.astimezone(ZoneInfo(ZONE)):%m-%d %a %H:%M}" for m in moments]


def test_the_owed_month_offers_last_times_day_and_the_next_weekday_evenings() -> None:
    """December owes a 支委会: the 10th at 19:30 like November's, and Wed 2 and Thu 3 December."""
    presets = start_presets("committee", MONTHLY, ZONE, [], NOW, last=LAST)
    assert local(presets) == ["12-02 Wed 19:30", "12-03 Thu 19:30", "12-10 Thu 19:30"]


def test_a_month_already_called_moves_the_offers_to_the_next() -> None:
    """A 支委会 called for 10 December: January is owed, still on the 10th (a Sunday) at the same time."""
    called = MeetingFact("committee", datetime(2026, 12, 10, 11, 30, tzinfo=UTC), held=False)
    presets = start_presets("committee", MONTHLY, ZONE, [called], NOW, last=called.starts_at)
    assert local(presets) == ["01-01 Fri 19:30", "01-04 Mon 19:30", "01-10 Sun 19:30"]


def test_days_taken_by_other_meetings_and_weekends_are_skipped() -> None:
    """Without a last meeting: weekday evenings at 19:30, not on a day another meeting has."""
    taken = {date(2026, 12, 2), date(2026, 12, 4)}
    presets = start_presets("committee", MONTHLY, ZONE, [], NOW, taken=taken)
    assert local(presets) == ["12-03 Thu 19:30", "12-07 Mon 19:30", "12-08 Tue 19:30"]


def test_a_fixed_day_type_offers_its_day_and_no_cadence_offers_the_next_evenings() -> None:
    """主题党日 on the 1st: 1 January (1 December is today); a type without cadence: the next weekday evenings."""
    theme = start_presets("theme_day", Cadence(Period.MONTH, fixed_day=1), ZONE, [], NOW)
    assert local(theme)[0] == "12-02 Wed 19:30" and "01-01 Fri 19:30" in local(theme)
    free = start_presets("volunteer", None, ZONE, [], NOW)
    assert local(free) == ["12-02 Wed 19:30", "12-03 Thu 19:30", "12-04 Fri 19:30"]
