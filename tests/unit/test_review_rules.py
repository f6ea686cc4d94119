"""Spacing of the re-quiz of mistakes: 1, 3, 7 days; a right answer closes; quiet hours wait for 08:00."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lesson_bot.domain.review_rules import (
    Answer,
    after_quiet_hours,
    in_quiet_hours,
    interval,
    is_due,
    open_mistake,
    quiet_start_after,
    release_at,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def wrong(days: float) -> Answer:
    return Answer(T0 + timedelta(days=days), False)


def right(days: float) -> Answer:
    return Answer(T0 + timedelta(days=days), True)


def test_intervals_grow_1_3_7_and_stay_at_7() -> None:
    """The wait after the 1st, 2nd, 3rd and 5th wrong answer in a row is 1, 3, 7 and 7 days."""
    assert [interval(n).days for n in (1, 2, 3, 5)] == [1, 3, 7, 7]
    with pytest.raises(ValueError):
        interval(0)


def test_no_answers_or_a_right_last_answer_means_nothing_open() -> None:
    """A question never answered, or answered right last, is not reviewed."""
    assert open_mistake([]) is None
    assert open_mistake([right(0)]) is None
    assert open_mistake([wrong(0), wrong(1), right(2)]) is None


def test_the_interval_follows_the_wrong_streak() -> None:
    """Wrong once: due a day later; wrong again on that review: due 3 days after that; then 7."""
    first = open_mistake([wrong(0)])
    assert first is not None and first.due_at == T0 + timedelta(days=1) and first.streak == 1
    second = open_mistake([wrong(0), wrong(1)])
    assert second is not None and second.due_at == T0 + timedelta(days=4) and second.streak == 2
    third = open_mistake([wrong(0), wrong(1), wrong(4)])
    assert third is not None and third.due_at == T0 + timedelta(days=11)
    fourth = open_mistake([wrong(0), wrong(1), wrong(4), wrong(11)])
    assert fourth is not None and fourth.due_at == T0 + timedelta(days=18) and fourth.wrong_total == 4


def test_a_wrong_answer_after_a_right_one_starts_again_at_one_day() -> None:
    """Right closes the streak; a later mistake is new (1 day) but keeps counting wrong answers overall."""
    mistake = open_mistake([wrong(0), wrong(1), right(4), wrong(10)])
    assert mistake is not None
    assert mistake.streak == 1 and mistake.wrong_total == 3
    assert mistake.due_at == T0 + timedelta(days=11)


def test_answer_order_is_by_time_not_by_list_position() -> None:
    """Answers given out of order are sorted: the latest decides."""
    assert open_mistake([right(2), wrong(0)]) is None
    assert open_mistake([wrong(3), right(1)]) is not None


@pytest.mark.parametrize(("local", "quiet"), [
    ((21, 59), False), ((22, 0), True), ((23, 30), True), ((0, 0), True), ((7, 59), True), ((8, 0), False),
])
def test_quiet_hours_wrap_past_midnight(local: tuple[int, int], quiet: bool) -> None:
    """22:00 up to (not including) 08:00 local time is quiet."""
    at = datetime(2026, 12, 1, *local, tzinfo=SHANGHAI)
    assert in_quiet_hours(at, SHANGHAI) is quiet


def test_a_review_due_at_night_waits_for_eight_in_the_morning() -> None:
    """Due at 23:00 local: released at 08:00 the next day; due at 03:00: at 08:00 the same day."""
    late = datetime(2026, 12, 1, 23, 0, tzinfo=SHANGHAI)
    assert after_quiet_hours(late, SHANGHAI) == datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI)
    early = datetime(2026, 12, 2, 3, 0, tzinfo=SHANGHAI)
    assert after_quiet_hours(early, SHANGHAI) == datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI)
    day = datetime(2026, 12, 2, 12, 0, tzinfo=SHANGHAI)
    assert after_quiet_hours(day, SHANGHAI) == day
    mistake = open_mistake([Answer(late.astimezone(UTC) - timedelta(days=1), False)])
    assert mistake is not None and release_at(mistake, SHANGHAI) == datetime(2026, 12, 2, 8, 0, tzinfo=SHANGHAI)


def test_eight_oclock_survives_a_dst_change() -> None:
    """In Berlin on the night clocks go forward, the quiet hours still end at 08:00 wall-clock time."""
    night = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)  # before the 02:00 -> 03:00 jump
    released = after_quiet_hours(night, BERLIN)
    assert released.astimezone(BERLIN).hour == 8 and released.utcoffset() == timedelta(hours=2)
    assert quiet_start_after(night, BERLIN) == datetime(2026, 3, 29, 22, 0, tzinfo=BERLIN)


def test_is_due_waits_for_the_time_and_for_daylight() -> None:
    """Not before its time, not at night, and not twice for the same wrong answer."""
    mistake = open_mistake([wrong(0)])  # wrong at 10:00 local, due next day 10:00
    assert mistake is not None
    assert not is_due(mistake, T0 + timedelta(hours=23), SHANGHAI, None)
    assert is_due(mistake, T0 + timedelta(days=1), SHANGHAI, None)
    night = datetime(2026, 12, 2, 23, 0, tzinfo=SHANGHAI)  # the service was down all day: not at night either
    assert not is_due(mistake, night, SHANGHAI, None)
    assert not is_due(mistake, T0 + timedelta(days=1), SHANGHAI, T0 + timedelta(days=1))
    # A review sent before the latest wrong answer does not count for it.
    assert is_due(mistake, T0 + timedelta(days=1), SHANGHAI, T0 - timedelta(hours=1))
