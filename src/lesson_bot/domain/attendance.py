"""Attendance rules for a meeting: the sign-in window, late, the leave deadline, reminder moments, who is
expected, and the 应到 / 实到 / 请假 / 缺席 tally. Pure: the caller gives the times and the people.

Rules (the lead's where the issue is silent):

- The window opens `sign_in_before` minutes before the start and closes `sign_in_after` minutes after it. A
  sign-in at or before the start is on time; after the start and until the window closes it is late; outside
  the window it is refused.
- 请假 can be asked until `leave_closes` minutes before the start. The request counts from the tap: the reason,
  asked in private, is taken for `REASON_GRACE` (30 minutes) after the tap, even past the leave deadline, but never
  after the start (and always while the leave deadline has not passed). The prompt says until when.
- A reminder `n` minutes before the start: a whole number of days is counted on the branch's wall clock (a
  meeting at 19:30 is reminded at 19:30 the day before, across a daylight-saving change too); anything else is
  exact minutes before the start instant.
- Expected: every active member; at a 支委会 the committee members; at a 党小组会 the members of its 党小组.
- At the close, an expected member who signed in is present (late or not), even with leave approved; one with
  approved leave is excused (请假); everyone else expected is absent, a pending or rejected request included.
  Someone who signed in without being expected is listed as attending as a guest (列席), outside the figures.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.domain.meeting_types import Expected
from lesson_bot.domain.recurrence.clock import resolve_local

DAY_MINUTES = 1440
REASON_GRACE = timedelta(minutes=30)  # time to type a leave reason asked for, even right at the deadline


@dataclass(frozen=True)
class MeetingRules:
    """A meeting's own settings (copied from its type when called, then the secretary's to change)."""

    reminders: tuple[int, ...] = (DAY_MINUTES, 60)  # minutes before the start
    sign_in_before: int = 20
    sign_in_after: int = 20
    leave_closes: int = 120
    expected: Expected = Expected.ALL
    summary_to_group: bool = False

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> MeetingRules:
        """The rules stored in Meeting.settings (missing keys take the defaults)."""
        default = cls()
        return cls(
            reminders=tuple(sorted((int(m) for m in settings.get("reminders", default.reminders)), reverse=True)),
            sign_in_before=int(settings.get("sign_in_before", default.sign_in_before)),
            sign_in_after=int(settings.get("sign_in_after", default.sign_in_after)),
            leave_closes=int(settings.get("leave_closes", default.leave_closes)),
            expected=Expected(settings.get("expected", default.expected)),
            summary_to_group=bool(settings.get("summary_to_group", default.summary_to_group)),
        )


class Timing(enum.StrEnum):
    EARLY = "early"  # the window is not open yet
    ON_TIME = "on_time"
    LATE = "late"
    CLOSED = "closed"  # the window has closed


def window(starts_at: datetime, rules: MeetingRules) -> tuple[datetime, datetime]:
    """When the sign-in window opens and closes."""
    return (starts_at - timedelta(minutes=rules.sign_in_before), starts_at + timedelta(minutes=rules.sign_in_after))


def timing(at: datetime, starts_at: datetime, rules: MeetingRules) -> Timing:
    """Whether a sign-in at `at` is early, on time, late or after the window."""
    opens, closes = window(starts_at, rules)
    if at < opens:
        return Timing.EARLY
    if at <= starts_at:
        return Timing.ON_TIME
    return Timing.LATE if at <= closes else Timing.CLOSED


def leave_deadline(starts_at: datetime, rules: MeetingRules) -> datetime:
    """The last moment 请假 can be asked."""
    return starts_at - timedelta(minutes=rules.leave_closes)


def reason_deadline(asked_at: datetime, starts_at: datetime, grace: timedelta = REASON_GRACE) -> datetime:
    """Until when the reason for 请假 tapped (in time) at `asked_at` is taken: `grace` after the tap, never after the
    start."""
    return min(asked_at + grace, starts_at)


def reminder_at(starts_at: datetime, minutes: int, zone: str) -> datetime:
    """When the reminder `minutes` before the start goes (whole days on the branch's wall clock)."""
    if minutes > 0 and minutes % DAY_MINUTES == 0:
        local = starts_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None) - timedelta(days=minutes // DAY_MINUTES)
        return resolve_local(local, zone)
    return starts_at - timedelta(minutes=minutes)


def due_reminders(now: datetime, starts_at: datetime, rules: MeetingRules, zone: str) -> list[tuple[int, datetime]]:
    """The reminders whose moment has come, before the start: (minutes before, moment). Never at or after it."""
    if now >= starts_at:
        return []
    moments = [(m, reminder_at(starts_at, m, zone)) for m in rules.reminders]
    return [(m, at) for m, at in moments if at <= now]


@dataclass(frozen=True)
class Attendee:
    """A roster member as attendance sees them."""

    member_id: int
    name: str
    probationary: bool = False  # 预备党员
    is_committee: bool = False
    party_group: str | None = None


def expected(roster: Sequence[Attendee], rule: Expected, party_group: str | None = None) -> list[Attendee]:
    """Who is expected at a meeting: all, the committee, or one 党小组 (none when the group is not named)."""
    match rule:
        case Expected.ALL:
            return list(roster)
        case Expected.COMMITTEE:
            return [a for a in roster if a.is_committee]
        case Expected.PARTY_GROUP:
            return [a for a in roster if party_group is not None and a.party_group == party_group]


class Status(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"  # 请假, approved
    ABSENT = "absent"


@dataclass(frozen=True)
class Line:
    """One expected person's outcome."""

    attendee: Attendee
    status: Status
    reason: str | None = None  # the leave reason, when one was given


@dataclass(frozen=True)
class Tally:
    """应到 / 实到 / 请假 / 缺席, person by person."""

    lines: tuple[Line, ...]
    guests: tuple[Attendee, ...] = ()  # signed in without being expected (列席)

    def of(self, *statuses: Status) -> list[Line]:
        return [line for line in self.lines if line.status in statuses]

    @property
    def expected(self) -> int:
        return len(self.lines)

    @property
    def present(self) -> int:
        """实到: on time and late."""
        return len(self.of(Status.PRESENT, Status.LATE))

    @property
    def late(self) -> int:
        return len(self.of(Status.LATE))

    @property
    def excused(self) -> int:
        return len(self.of(Status.EXCUSED))

    @property
    def absent(self) -> int:
        return len(self.of(Status.ABSENT))

    def split(self, *statuses: Status) -> tuple[int, int]:
        """(正式, 预备) among the lines with these statuses (all lines when none given)."""
        lines = self.of(*statuses) if statuses else list(self.lines)
        probationary = sum(1 for line in lines if line.attendee.probationary)
        return len(lines) - probationary, probationary


def tally(expected_people: Sequence[Attendee], signed: Mapping[int, bool], excused: Collection[int],
          reasons: Mapping[int, str] | None = None, others: Sequence[Attendee] = ()) -> Tally:
    """The outcome for each expected person. `signed` maps member id -> late; `excused` has approved leave;
    `others` are roster members not expected (those of them who signed in are guests)."""
    reasons = reasons or {}
    lines = []
    for person in expected_people:
        if person.member_id in signed:
            status = Status.LATE if signed[person.member_id] else Status.PRESENT
        elif person.member_id in excused:
            status = Status.EXCUSED
        else:
            status = Status.ABSENT
        lines.append(Line(person, status, reasons.get(person.member_id)))
    expected_ids = {p.member_id for p in expected_people}
    guests = tuple(p for p in others if p.member_id in signed and p.member_id not in expected_ids)
    return Tally(tuple(lines), guests)
