"""Cadence compliance rules: local periods, quarter and year boundaries, the fixed 主题党日, overdue and due-soon."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lesson_bot.domain.cadence import (
    Cadence,
    MeetingFact,
    Period,
    Span,
    State,
    assess,
    deadlines,
    following,
    previous,
    recent,
    report,
    span_at,
    span_of,
)

SH = "Asia/Shanghai"
MONTHLY = Cadence(Period.MONTH)
QUARTERLY = Cadence(Period.QUARTER)
THEME_DAY = Cadence(Period.MONTH, fixed_day=15)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_quarters_and_years_follow_the_calendar() -> None:
    """A date falls in its calendar quarter; the next and previous quarters cross the year correctly."""
    q4 = span_of(Period.QUARTER, date(2026, 11, 30))
    assert (q4.first, q4.end, q4.label) == (date(2026, 10, 1), date(2027, 1, 1), "2026Q4")
    assert following(q4).label == "2027Q1" and previous(q4).label == "2026Q3"
    assert span_of(Period.YEAR, date(2026, 2, 1)).label == "2026"
    assert span_of(Period.MONTH, date(2026, 12, 31)).end == date(2027, 1, 1)
    assert [s.label for s in recent(Period.MONTH, utc(2026, 1, 10), SH, 3)] == ["2026-01", "2025-12", "2025-11"]


def test_the_period_is_the_branch_s_local_one() -> None:
    """30 Sep 17:00 UTC is already 1 Oct in Shanghai: a new month and a new quarter there, not in Berlin."""
    instant = utc(2026, 9, 30, 17, 0)
    assert span_at(Period.QUARTER, instant, SH).label == "2026Q4"
    assert span_at(Period.QUARTER, instant, "Europe/Berlin").label == "2026Q3"
    start, end = span_at(Period.MONTH, instant, SH).bounds(SH)
    assert (start, end) == (utc(2026, 9, 30, 16, 0), utc(2026, 10, 31, 16, 0))


def test_a_month_crossing_daylight_saving_time_ends_at_local_midnight() -> None:
    """In Berlin, March has a DST change: it still ends at local midnight (22:00 UTC in summer time)."""
    start, end = Span(date(2026, 3, 1), date(2026, 4, 1), Period.MONTH).bounds("Europe/Berlin")
    assert start == utc(2026, 2, 28, 23, 0) and end == utc(2026, 3, 31, 22, 0)


def test_a_meeting_on_the_last_local_evening_counts_for_that_month() -> None:
    """A 支委会 at 23:30 Shanghai time on 30 Nov (15:30 UTC) is November's, not December's."""
    meeting = MeetingFact("committee", utc(2026, 11, 30, 15, 30), held=True)
    nov = span_of(Period.MONTH, date(2026, 11, 1))
    dec = span_of(Period.MONTH, date(2026, 12, 1))
    assert assess("committee", MONTHLY, nov, SH, [meeting], utc(2026, 12, 2)).state is State.HELD
    assert assess("committee", MONTHLY, dec, SH, [meeting], utc(2026, 12, 2)).held == 0


def test_a_period_without_its_meeting_is_overdue_once_it_ends() -> None:
    """November without a 支委会: overdue on 1 Dec; a cancelled or not-held one does not count."""
    nov = span_of(Period.MONTH, date(2026, 11, 1))
    not_held = MeetingFact("committee", utc(2026, 11, 10, 12), held=False)
    assert assess("committee", MONTHLY, nov, SH, [not_held], utc(2026, 11, 30, 16, 0)).state is State.OVERDUE
    assert assess("committee", MONTHLY, nov, SH, [not_held], utc(2026, 11, 30, 15, 59)).state is State.DUE_SOON


def test_due_soon_starts_at_nine_local_seven_days_before_the_deadline() -> None:
    """December's deadline is 1 Jan 00:00 Shanghai: due soon from 25 Dec 09:00 local (01:00 UTC)."""
    dec = span_of(Period.MONTH, date(2026, 12, 1))
    before = assess("committee", MONTHLY, dec, SH, [], utc(2026, 12, 25, 0, 59))
    after = assess("committee", MONTHLY, dec, SH, [], utc(2026, 12, 25, 1, 0))
    assert before.state is State.OPEN and after.state is State.DUE_SOON
    assert after.remind_at == utc(2026, 12, 25, 1, 0) and after.missing == 1


def test_a_meeting_already_called_before_the_deadline_is_not_due_soon() -> None:
    """A 支委会 called for 28 Dec keeps December open (with it counted as scheduled), not due soon."""
    dec = span_of(Period.MONTH, date(2026, 12, 1))
    called = MeetingFact("committee", utc(2026, 12, 28, 12), held=False)
    seen = assess("committee", MONTHLY, dec, SH, [called], utc(2026, 12, 26))
    assert (seen.state, seen.scheduled) == (State.OPEN, 1)


def test_the_theme_day_is_due_on_its_fixed_day() -> None:
    """主题党日 on the 15th: overdue from the 16th without one; one held on the 20th still makes the month held;
    a fixed day past the month's end falls on its last day."""
    dec = span_of(Period.MONTH, date(2026, 12, 1))
    assert deadlines(THEME_DAY, dec, SH) == [utc(2026, 12, 15, 16, 0)]
    assert assess("theme_day", THEME_DAY, dec, SH, [], utc(2026, 12, 15, 16, 0)).state is State.OVERDUE
    assert assess("theme_day", THEME_DAY, dec, SH, [], utc(2026, 12, 9, 1, 0)).state is State.DUE_SOON
    late = MeetingFact("theme_day", utc(2026, 12, 20, 2), held=True)
    assert assess("theme_day", THEME_DAY, dec, SH, [late], utc(2026, 12, 21)).state is State.HELD
    feb = span_of(Period.MONTH, date(2027, 2, 1))
    assert deadlines(Cadence(Period.MONTH, fixed_day=31), feb, SH) == [utc(2027, 2, 28, 16, 0)]


def test_a_quarterly_meeting_is_open_until_the_quarter_ends() -> None:
    """党员大会 quarterly: in November of Q4 it is still open; on 1 Jan it is overdue."""
    q4 = span_of(Period.QUARTER, date(2026, 10, 1))
    assert assess("party_congress", QUARTERLY, q4, SH, [], utc(2026, 11, 15)).state is State.OPEN
    assert assess("party_congress", QUARTERLY, q4, SH, [], utc(2026, 12, 31, 16)).state is State.OVERDUE


def test_party_group_meetings_are_expected_per_group() -> None:
    """Two 党小组 each owe a monthly 党小组会; a meeting of the first does not satisfy the second; no groups, none
    expected."""
    cadences = {"party_group": Cadence(Period.MONTH, per_party_group=True)}
    meetings = [MeetingFact("party_group", utc(2026, 12, 3, 12), held=True, party_group="第一党小组")]
    rows = report(cadences, SH, meetings, utc(2026, 12, 10), party_groups=["第二党小组", "第一党小组"])
    assert [(r.party_group, r.state) for r in rows] == [("第一党小组", State.HELD), ("第二党小组", State.OPEN)]
    assert report(cadences, SH, meetings, utc(2026, 12, 10)) == []


def test_the_report_covers_the_current_and_earlier_periods() -> None:
    """Three months back: November held, October overdue, December open."""
    meetings = [MeetingFact("committee", utc(2026, 11, 5, 12), held=True)]
    rows = report({"committee": MONTHLY}, SH, meetings, utc(2026, 12, 10), periods_back=3)
    assert [(r.span.label, r.state) for r in rows] == [
        ("2026-12", State.OPEN), ("2026-11", State.HELD), ("2026-10", State.OVERDUE)]


def test_a_theme_day_on_the_first_is_due_soon_while_the_month_before_is_current() -> None:
    """主题党日 on the 1st: on 26 Dec, January's is already due soon; looking ahead finds it."""
    rows = report({"theme_day": Cadence(Period.MONTH, fixed_day=1)}, SH, [], utc(2026, 12, 26, 2), ahead=True)
    assert [(r.span.label, r.state) for r in rows] == [("2027-01", State.DUE_SOON), ("2026-12", State.OVERDUE)]


def test_periods_that_ended_before_the_branch_existed_expect_nothing() -> None:
    """A branch whose history begins on 1 Dec at 10:00 (Shanghai): November and last year are not overdue, they
    are left out; December, and the year it is in, are expected as usual."""
    cadences = {"committee": MONTHLY, "life_meeting": Cadence(Period.YEAR)}
    rows = report(cadences, SH, [], utc(2027, 1, 1, 2), periods_back=3, since=utc(2026, 12, 1, 2))
    assert [(r.type, r.span.label, r.state) for r in rows] == [
        ("committee", "2027-01", State.OPEN), ("committee", "2026-12", State.OVERDUE),
        ("life_meeting", "2027", State.OPEN), ("life_meeting", "2026", State.OVERDUE)]
