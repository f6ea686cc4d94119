"""Attendance rules: the sign-in window, late, the leave deadline, reminder moments (DST too), expected people,
and the 应到 / 实到 / 请假 / 缺席 tally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lesson_bot.domain.attendance import (
    Attendee,
    MeetingRules,
    Status,
    Timing,
    due_reminders,
    expected,
    leave_deadline,
    reason_deadline,
    reminder_at,
    tally,
    timing,
    window,
)
from lesson_bot.domain.meeting_types import Expected

START = datetime(2026, 12, 3, 11, 30, tzinfo=UTC)
RULES = MeetingRules()


def test_the_window_is_twenty_minutes_either_side_and_after_the_start_is_late() -> None:
    """Before the window: early; up to and at the start: on time; until 20 min after: late; then closed."""
    opens, closes = window(START, RULES)
    assert (opens, closes) == (START - timedelta(minutes=20), START + timedelta(minutes=20))
    second = timedelta(seconds=1)
    assert timing(opens - second, START, RULES) is Timing.EARLY
    assert timing(opens, START, RULES) is Timing.ON_TIME
    assert timing(START, START, RULES) is Timing.ON_TIME
    assert timing(START + second, START, RULES) is Timing.LATE
    assert timing(closes, START, RULES) is Timing.LATE
    assert timing(closes + second, START, RULES) is Timing.CLOSED
    wide = MeetingRules(sign_in_before=60, sign_in_after=5)
    assert timing(START - timedelta(minutes=59), START, wide) is Timing.ON_TIME
    assert timing(START + timedelta(minutes=6), START, wide) is Timing.CLOSED


def test_leave_closes_two_hours_before_by_default() -> None:
    assert leave_deadline(START, RULES) == START - timedelta(hours=2)


def test_a_leave_reason_is_taken_half_an_hour_after_the_tap_never_after_the_start() -> None:
    """Tapped at the deadline (17:30): until 18:00; tapped 10 minutes before the start: until the start."""
    deadline = leave_deadline(START, RULES)
    assert reason_deadline(deadline, START) == deadline + timedelta(minutes=30)
    assert reason_deadline(START - timedelta(minutes=10), START) == START


def test_reminders_are_due_from_their_moment_until_the_start_never_after() -> None:
    """At 1 day before only the day's reminder is due; both an hour before; none at the start."""
    zone = "Asia/Shanghai"
    assert due_reminders(START - timedelta(days=1, seconds=1), START, RULES, zone) == []
    assert [m for m, _ in due_reminders(START - timedelta(days=1), START, RULES, zone)] == [1440]
    assert [m for m, _ in due_reminders(START - timedelta(minutes=1), START, RULES, zone)] == [1440, 60]
    assert due_reminders(START, START, RULES, zone) == []


def test_a_day_reminder_keeps_the_wall_clock_across_a_daylight_saving_change() -> None:
    """Berlin springs forward on 2026-03-29: a meeting on Monday 30 March at 19:30 CEST is reminded on Sunday at
    19:30 CEST — 23 hours before, not 24 — while an hour's reminder stays exactly an hour."""
    start = datetime(2026, 3, 30, 17, 30, tzinfo=UTC)  # 19:30 CEST
    assert reminder_at(start, 1440, "Europe/Berlin") == datetime(2026, 3, 29, 17, 30, tzinfo=UTC)
    assert reminder_at(start - timedelta(days=1), 1440, "Europe/Berlin") == datetime(2026, 3, 28, 18, 30, tzinfo=UTC)
    assert reminder_at(start, 60, "Europe/Berlin") == start - timedelta(hours=1)


LI = Attendee(1, "李", is_committee=True, party_group="一组")
WANG = Attendee(2, "王", is_committee=True, party_group="二组")
ZHAO = Attendee(3, "赵", probationary=True, party_group="一组")
SUN = Attendee(4, "孙", party_group="二组")
ROSTER = [LI, WANG, ZHAO, SUN]


def test_who_is_expected_all_the_committee_or_one_party_group() -> None:
    assert expected(ROSTER, Expected.ALL) == ROSTER
    assert expected(ROSTER, Expected.COMMITTEE) == [LI, WANG]
    assert expected(ROSTER, Expected.PARTY_GROUP, "一组") == [LI, ZHAO]
    assert expected(ROSTER, Expected.PARTY_GROUP, None) == []


def test_the_tally_counts_each_person_once_with_signed_in_over_excused() -> None:
    """Li on time, Zhao late, Wang on approved leave but came (present), Sun absent with a rejected reason."""
    result = tally(ROSTER, {1: False, 3: True, 2: False}, {2}, {4: "加班"}, ROSTER)
    assert [(line.attendee.name, line.status) for line in result.lines] == [
        ("李", Status.PRESENT), ("王", Status.PRESENT), ("赵", Status.LATE), ("孙", Status.ABSENT)]
    assert (result.expected, result.present, result.late, result.excused, result.absent) == (4, 3, 1, 0, 1)
    assert result.split() == (3, 1) and result.split(Status.PRESENT, Status.LATE) == (2, 1)
    assert result.of(Status.ABSENT)[0].reason == "加班"


def test_someone_signed_in_but_not_expected_is_a_guest_outside_the_figures() -> None:
    committee = expected(ROSTER, Expected.COMMITTEE)
    result = tally(committee, {1: False, 4: False}, {2}, others=ROSTER)
    assert (result.expected, result.present, result.excused, result.absent) == (2, 1, 1, 0)
    assert result.guests == (SUN,)
