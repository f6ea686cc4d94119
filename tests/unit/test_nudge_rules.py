"""Nudge timing and targeting rules: quiet hours (wrapping midnight, DST), the window, leave, the group limit."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from lesson_bot.config import ConfigError, load_settings
from lesson_bot.domain.nudge_rules import (
    Candidate,
    NudgeRules,
    QuietHours,
    due_at,
    in_quiet_hours,
    is_due,
    local_day,
    next_quiet_start,
    on_leave,
    pack,
    plan,
    quiet_end_after,
    visible_length,
)

SH = "Asia/Shanghai"  # UTC+8, no DST
NY = "America/New_York"  # DST starts 2026-03-08 02:00 (to 03:00), ends 2026-11-01 02:00 (to 01:00)
QUIET = QuietHours(time(22), time(8))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("local_hour", "quiet"), [(21, False), (22, True), (23, True), (0, True), (7, True),
                                                    (8, False), (12, False)])
def test_quiet_hours_wrap_past_midnight(local_hour: int, quiet: bool) -> None:
    """22:00-08:00 covers the late evening and the early morning, not the day."""
    assert QUIET.contains(time(local_hour, 30 if local_hour == 7 else 0)) is quiet


def test_quiet_hours_within_a_day_and_none() -> None:
    """A span that does not wrap (12:00-14:00) covers only itself; equal ends mean no quiet hours."""
    assert QuietHours(time(12), time(14)).contains(time(13)) and not QuietHours(time(12), time(14)).contains(time(15))
    assert not QuietHours(time(8), time(8)).contains(time(8))
    assert QuietHours.parse("22:30-07:15") == QuietHours(time(22, 30), time(7, 15))
    with pytest.raises(ValueError, match="22:00-08:00"):
        QuietHours.parse("10pm-8am")


def test_a_nudge_due_in_the_night_waits_for_the_morning_in_the_branch_zone() -> None:
    """Delivered at 23:30 Shanghai time, due 24 h later at 23:30: it waits until 08:00 the next morning."""
    delivered = utc(2026, 12, 1, 15, 30)  # 23:30 in Shanghai
    assert due_at(delivered, SH, NudgeRules()) == utc(2026, 12, 3, 0, 0)  # 08:00 on the 3rd
    assert due_at(utc(2026, 12, 1, 2, 0), SH, NudgeRules()) == utc(2026, 12, 2, 2, 0)  # 10:00: not held back


def test_a_nudge_due_after_midnight_waits_until_the_same_morning() -> None:
    """Due at 01:00 local: the quiet hours end at 08:00 that same day, not the next."""
    assert quiet_end_after(utc(2026, 12, 1, 17, 0), SH, QUIET) == utc(2026, 12, 2, 0, 0)


def test_the_end_of_quiet_hours_follows_the_wall_clock_across_dst() -> None:
    """On the night the clocks go forward in New York, 08:00 local is 12:00 UTC (EDT), not 13:00 (EST)."""
    due = utc(2026, 3, 8, 6, 0)  # 01:00 EST
    assert quiet_end_after(due, NY, QUIET) == utc(2026, 3, 8, 12, 0)
    # Going back: 08:00 local on 2026-11-01 is 13:00 UTC (EST).
    assert quiet_end_after(utc(2026, 11, 1, 5, 0), NY, QUIET) == utc(2026, 11, 1, 13, 0)


def test_quiet_hours_ending_inside_the_spring_gap_end_when_the_clocks_jump() -> None:
    """Quiet until 02:30, which does not exist on 2026-03-08 in New York: they end at the jump (07:00 UTC)."""
    quiet = QuietHours(time(22), time(2, 30))
    assert quiet_end_after(utc(2026, 3, 8, 6, 0), NY, quiet) == utc(2026, 3, 8, 7, 0)


def test_the_next_quiet_start_and_the_local_day() -> None:
    """Quiet hours begin next at 22:00 local; a local day is 23 hours long when the clocks go forward."""
    assert next_quiet_start(utc(2026, 12, 1, 2, 0), SH, QUIET) == utc(2026, 12, 1, 14, 0)
    assert next_quiet_start(utc(2026, 12, 1, 15, 0), SH, QUIET) == utc(2026, 12, 2, 14, 0)  # inside: tomorrow's
    assert next_quiet_start(utc(2026, 12, 1, 2, 0), SH, QuietHours(time(8), time(8))) is None
    start, end = local_day(utc(2026, 3, 8, 15, 0), NY)
    assert (start, end - start) == (utc(2026, 3, 8, 5, 0), timedelta(hours=23))


def test_due_means_after_the_delay_within_the_window_and_out_of_quiet_hours() -> None:
    """Not before `after`, never in quiet hours, never for deliveries older than the window."""
    rules = NudgeRules()
    delivered = utc(2026, 12, 1, 2, 0)  # 10:00 Shanghai
    assert not is_due(delivered, delivered + timedelta(hours=23), SH, rules)
    assert is_due(delivered, delivered + timedelta(hours=24), SH, rules)
    assert in_quiet_hours(utc(2026, 12, 2, 15, 0), SH, rules.quiet)  # 23:00 local
    assert not is_due(delivered, utc(2026, 12, 2, 15, 0), SH, rules)
    assert is_due(delivered, delivered + timedelta(days=7), SH, rules)
    assert not is_due(delivered, delivered + timedelta(days=7, minutes=1), SH, rules)


def test_leave_counts_only_for_a_meeting_between_the_delivery_and_the_nudge() -> None:
    """Approved leave for a meeting before the delivery, or after the nudge, excuses nothing."""
    delivered, now = utc(2026, 12, 1), utc(2026, 12, 2)
    assert on_leave([utc(2026, 12, 1, 12)], delivered, now)
    assert not on_leave([utc(2026, 11, 30), utc(2026, 12, 3)], delivered, now)


def test_the_plan_nudges_each_missing_member_once_by_the_right_way() -> None:
    """Studied and on-leave members are left alone; reachable ones in private, the rest in the group; a member
    nudged before is not nudged again; with no group message left today the group mentions wait."""
    people = [
        Candidate(1, studied=True, on_leave=False, reachable=True),
        Candidate(2, studied=False, on_leave=True, reachable=True),
        Candidate(3, studied=False, on_leave=False, reachable=True),
        Candidate(4, studied=False, on_leave=False, reachable=False),
        Candidate(5, studied=False, on_leave=False, reachable=True, nudged=True),
    ]
    now = plan(people, group_slots=1)
    assert (now.missing, now.private, now.group, now.postponed, now.on_leave) == ((3, 4, 5), (3,), (4,), (), (2,))
    later = plan(people, group_slots=0)
    assert (later.private, later.group, later.postponed) == ((3,), (), (4,))
    off = plan(people, group_slots=1, group_enabled=False)
    assert (off.group, off.postponed) == ((), ())


def test_mentions_are_packed_within_telegrams_limit_and_a_count() -> None:
    """A long list splits into messages each at most 4096 visible characters and 50 mentions; nothing is lost."""
    items = [f'<a href="tg://user?id={1000 + i}">{"名" * 60}{i}</a>' for i in range(120)]
    messages = pack("<b>提醒</b>", items)
    assert len(messages) >= 3
    assert all(visible_length(m) <= 4096 and m.count("tg://user") <= 50 for m in messages)
    assert sum(m.count("tg://user") for m in messages) == 120
    assert all(m.startswith("<b>提醒</b>\n") for m in messages)
    assert pack("header", []) == []
    assert len(pack("h", ["x" * 3000, "y" * 3000])) == 2


def test_nudge_settings_come_from_the_environment_and_bad_ones_are_named() -> None:
    """LESSON_BOT_NUDGE_* build the rules; a malformed quiet-hours value names the variable and the form."""
    rules = load_settings(nudge_after_hours=12, nudge_quiet_hours="23:00-07:30", nudge_group_per_day=2).nudge_rules
    assert rules == NudgeRules(timedelta(hours=12), QuietHours(time(23), time(7, 30)), 2, timedelta(days=7))
    with pytest.raises(ConfigError, match=r"^LESSON_BOT_NUDGE_QUIET_HOURS: must look like 22:00-08:00; expected"):
        load_settings(nudge_quiet_hours="10pm-8am")
    with pytest.raises(ConfigError, match=r"^LESSON_BOT_NUDGE_GROUP_PER_DAY:"):
        load_settings(nudge_group_per_day=-1)
