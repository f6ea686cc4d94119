"""Daylight saving: local times hold across the changes, a missing time fires at the change, a doubled one once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lesson_bot.domain.enums import RecurrenceType
from lesson_bot.domain.recurrence import Recurrence, occurrences, resolve_local


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def fired(rec: Recurrence, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(local, UTC) pairs of every occurrence in the window."""
    return [(o.local.strftime("%m-%d %H:%M %Z"), o.due_at.strftime("%m-%d %H:%M"))
            for o in occurrences(rec, after=start, until=end)]


@pytest.mark.parametrize(
    ("zone", "winter_utc", "summer_utc", "spring", "autumn"),
    [
        ("Europe/Berlin", "08:00", "07:00", date(2026, 3, 29), date(2026, 10, 25)),
        ("America/New_York", "14:00", "13:00", date(2026, 3, 8), date(2026, 11, 1)),
        ("Asia/Shanghai", "01:00", "01:00", date(2026, 3, 29), date(2026, 10, 25)),
    ],
)
def test_weekly_nine_oclock_stays_nine_oclock_local_across_both_changes(
    zone: str, winter_utc: str, summer_utc: str, spring: date, autumn: date
) -> None:
    """Weekly on the changeover weekday at 09:00 fires at 09:00 local the week before and after each change."""
    days = sorted({spring.weekday(), autumn.weekday()})
    rec = Recurrence(RecurrenceType.WEEKLY, zone, utc(2026, 1, 1), {"days": days, "time": "09:00"})
    found = list(occurrences(rec, after=None, until=utc(2027, 1, 1)))
    assert {o.local.strftime("%H:%M") for o in found} == {"09:00"}
    by_date = {o.local.date(): o.due_at.strftime("%H:%M") for o in found}
    assert by_date[date.fromordinal(spring.toordinal() - 7)] == winter_utc
    assert by_date[spring] == summer_utc
    assert by_date[date.fromordinal(autumn.toordinal() - 7)] == summer_utc
    assert by_date[autumn] == winter_utc
    assert by_date[date.fromordinal(autumn.toordinal() + 7)] == winter_utc


@pytest.mark.parametrize(
    ("zone", "start", "end", "expected"),
    [
        # Berlin springs from 02:00 CET to 03:00 CEST on 29 March 2026: 02:30 does not exist that night.
        ("Europe/Berlin", utc(2026, 3, 27), utc(2026, 3, 31),
         [("03-27 02:30 CET", "03-27 01:30"), ("03-28 02:30 CET", "03-28 01:30"),
          ("03-29 03:00 CEST", "03-29 01:00"), ("03-30 02:30 CEST", "03-30 00:30")]),
        # New York springs from 02:00 EST to 03:00 EDT on 8 March 2026.
        ("America/New_York", utc(2026, 3, 7), utc(2026, 3, 10),
         [("03-07 02:30 EST", "03-07 07:30"), ("03-08 03:00 EDT", "03-08 07:00"),
          ("03-09 02:30 EDT", "03-09 06:30")]),
    ],
)
def test_a_time_that_does_not_exist_fires_at_the_change(
    zone: str, start: datetime, end: datetime, expected: list[tuple[str, str]]
) -> None:
    """Daily 02:30 on the spring-forward night fires at 03:00, the first valid instant after it; never skipped."""
    rec = Recurrence(RecurrenceType.CRON, zone, utc(2026, 1, 1), {"expr": "30 2 * * *"})
    assert fired(rec, start, end) == expected


@pytest.mark.parametrize(
    ("zone", "expr", "start", "end", "expected"),
    [
        # Berlin falls back from 03:00 CEST to 02:00 CET on 25 October 2026: 02:30 happens twice.
        ("Europe/Berlin", "30 2 * * *", utc(2026, 10, 24), utc(2026, 10, 27),
         [("10-24 02:30 CEST", "10-24 00:30"), ("10-25 02:30 CEST", "10-25 00:30"),
          ("10-26 02:30 CET", "10-26 01:30")]),
        # New York falls back from 02:00 EDT to 01:00 EST on 1 November 2026: 01:30 happens twice.
        ("America/New_York", "30 1 * * *", utc(2026, 10, 31), utc(2026, 11, 3),
         [("10-31 01:30 EDT", "10-31 05:30"), ("11-01 01:30 EDT", "11-01 05:30"),
          ("11-02 01:30 EST", "11-02 06:30")]),
    ],
)
def test_a_time_that_happens_twice_fires_once_at_the_first(
    zone: str, expr: str, start: datetime, end: datetime, expected: list[tuple[str, str]]
) -> None:
    """The repeated hour of the fall-back night fires once, in summer time; the next day is back to normal."""
    rec = Recurrence(RecurrenceType.CRON, zone, utc(2026, 1, 1), {"expr": expr})
    assert fired(rec, start, end) == expected


def test_several_times_inside_one_gap_fire_once_at_the_change() -> None:
    """Every half hour through Berlin's spring-forward gap: 02:00 and 02:30 collapse into one 03:00, then 03:30."""
    rec = Recurrence(RecurrenceType.CRON, "Europe/Berlin", utc(2026, 1, 1), {"expr": "0,30 1-3 * * *"})
    found = list(occurrences(rec, after=utc(2026, 3, 28, 23), until=utc(2026, 3, 29, 2)))
    assert [o.local.strftime("%H:%M %Z") for o in found] == ["01:00 CET", "01:30 CET", "03:00 CEST", "03:30 CEST"]
    assert [o.seq for o in found] == list(range(found[0].seq, found[0].seq + 4))


def test_every_half_hour_through_the_fall_back_night_never_repeats_an_instant() -> None:
    """Through the doubled hour, each wall time fires once: no instant twice, and time only moves forward."""
    rec = Recurrence(RecurrenceType.CRON, "Europe/Berlin", utc(2026, 1, 1), {"expr": "0,30 * * * *"})
    found = list(occurrences(rec, after=utc(2026, 10, 24, 22), until=utc(2026, 10, 25, 4)))
    assert [o.local.strftime("%H:%M %Z") for o in found] == [
        "00:30 CEST", "01:00 CEST", "01:30 CEST", "02:00 CEST", "02:30 CEST",
        "03:00 CET", "03:30 CET", "04:00 CET", "04:30 CET", "05:00 CET",
    ]
    dues = [o.due_at for o in found]
    assert dues == sorted(set(dues))


def test_a_half_hour_change_follows_the_same_rules() -> None:
    """Lord Howe Island moves its clock by 30 minutes: 02:15 on its spring night fires at 02:30, the change."""
    rec = Recurrence(RecurrenceType.CRON, "Australia/Lord_Howe", utc(2026, 1, 1), {"expr": "15 2 * * *"})
    found = list(occurrences(rec, after=utc(2026, 10, 3), until=utc(2026, 10, 5)))
    assert [o.local.strftime("%m-%d %H:%M") for o in found] == ["10-04 02:30", "10-05 02:15"]


def test_a_one_off_typed_in_local_time_follows_the_rules() -> None:
    """A secretary's local time becomes an instant by the same rules: a missing time moves to the change, a
    doubled one is the first, an ordinary one is itself."""
    berlin = ZoneInfo("Europe/Berlin")
    assert resolve_local(datetime(2026, 3, 29, 2, 30, tzinfo=berlin), "Europe/Berlin") == utc(2026, 3, 29, 1)
    assert resolve_local(datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=berlin), "Europe/Berlin") == utc(
        2026, 10, 25, 0, 30
    )
    assert resolve_local(datetime(2026, 6, 1, 9, 0, tzinfo=berlin), "Europe/Berlin") == utc(2026, 6, 1, 7)
