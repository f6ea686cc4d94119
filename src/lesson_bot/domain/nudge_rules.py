"""Nudges about a lesson a member has not studied: when, whom and how, as pure rules (time is an argument).

- A group delivery falls due `after` its delivery. Nothing is sent inside the branch's quiet hours (local wall
  time, so a DST change moves the UTC instant): what falls due inside them waits for their end.
- Only deliveries of the last `window` are nudged, and each member at most once per delivery.
- Whom: members on the roster when the lesson was delivered (and still there) who have no check-in for that lesson
  version in any mode, and who are not on approved leave. Approved leave is the only absence the product records:
  an approved 请假 for a meeting of the branch starting between the delivery and the nudge excuses the member.
- How: in private to those the bot can message there; the others are mentioned in one group message, at most
  `group_per_day` of them per branch per local day (the rest wait for the next day).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tgrules.html import parse_html, utf16_len
from tgrules.limits import MESSAGE_TEXT_MAX

_HOURS_RE = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
# Telegram publishes no cap on mentions per message; a modest one keeps each message readable and well clear of
# whatever the servers enforce.
MENTIONS_PER_MESSAGE = 50


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time with no nudges; it may wrap past midnight (22:00-08:00). start == end: none."""

    start: time = time(22, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """From "HH:MM-HH:MM"; ValueError otherwise."""
        match = _HOURS_RE.match(text)
        if match is None:
            raise ValueError("must look like 22:00-08:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, local: time) -> bool:
        """Whether this local wall time is inside the quiet hours."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class NudgeRules:
    after: timedelta = timedelta(hours=24)
    quiet: QuietHours = field(default_factory=QuietHours)
    group_per_day: int = 1  # group messages per branch per local day; 0: no group nudges
    window: timedelta = timedelta(days=7)


def wall_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first UTC instant whose local wall time in `zone` is at or after `day` `at`: the earlier one when the
    time occurs twice (clocks go back), the moment the clocks jump when it does not occur at all (clocks go on)."""
    naive = datetime.combine(day, at)
    candidates = [naive.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)]
    real = [c for c in candidates if c.astimezone(zone).replace(tzinfo=None) == naive]
    if real:
        return min(real)
    lo, hi = min(candidates), max(candidates)  # a gap: local time jumps from before `naive` to after it in here
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0)


def in_quiet_hours(at: datetime, zone: str, quiet: QuietHours) -> bool:
    """Whether `at` falls inside the quiet hours in the zone."""
    return quiet.contains(at.astimezone(ZoneInfo(zone)).time())


def quiet_end_after(at: datetime, zone: str, quiet: QuietHours) -> datetime:
    """`at` if it is outside the quiet hours, else the moment they end."""
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    if not quiet.contains(local.time()):
        return at
    day = local.date()
    if quiet.start > quiet.end and local.time() >= quiet.start:
        day += timedelta(days=1)  # in the evening part of a span that wraps past midnight
    return wall_instant(day, quiet.end, tz)


def next_quiet_start(at: datetime, zone: str, quiet: QuietHours) -> datetime | None:
    """The next moment after `at` when quiet hours begin (None when there are none)."""
    if quiet.start == quiet.end:
        return None
    tz = ZoneInfo(zone)
    day = at.astimezone(tz).date()
    for offset in range(3):
        begins = wall_instant(day + timedelta(days=offset), quiet.start, tz)
        if begins > at:
            return begins
    return None  # unreachable: a start occurs every local day


def due_at(delivered_at: datetime, zone: str, rules: NudgeRules) -> datetime:
    """When members who have not studied a delivery are nudged: `after` it, out of quiet hours."""
    return quiet_end_after(delivered_at + rules.after, zone, rules.quiet)


def is_due(delivered_at: datetime, now: datetime, zone: str, rules: NudgeRules) -> bool:
    """Whether a delivery's nudges may go now: due, still within the window, and not in quiet hours."""
    if now - delivered_at > rules.window or in_quiet_hours(now, zone, rules.quiet):
        return False
    return now >= due_at(delivered_at, zone, rules)


def local_day(now: datetime, zone: str) -> tuple[datetime, datetime]:
    """The UTC bounds [start, end) of the local day containing `now` (23 or 25 hours long on DST days)."""
    tz = ZoneInfo(zone)
    day = now.astimezone(tz).date()
    return wall_instant(day, time(0), tz), wall_instant(day + timedelta(days=1), time(0), tz)


def on_leave(leave_meeting_starts: Iterable[datetime], delivered_at: datetime, now: datetime) -> bool:
    """Approved leave excuses a member when the meeting it is for starts between the delivery and the nudge."""
    return any(delivered_at <= starts <= now for starts in leave_meeting_starts)


@dataclass(frozen=True)
class Candidate:
    """A member expected to study a delivered lesson, as the rules see them."""

    member_id: int
    studied: bool
    on_leave: bool
    reachable: bool  # the bot can message them in private
    nudged: bool = False  # already nudged about this delivery, either way


@dataclass(frozen=True)
class Plan:
    missing: tuple[int, ...]  # not studied and not on leave: the members to nudge, in the order given
    private: tuple[int, ...]  # nudged in private now
    group: tuple[int, ...]  # mentioned in the group now
    postponed: tuple[int, ...]  # to be mentioned in the group, but the branch's group messages for today are used
    on_leave: tuple[int, ...]


def plan(candidates: Sequence[Candidate], group_slots: int, group_enabled: bool = True) -> Plan:
    """Who is nudged how, now. `group_slots`: group messages the branch may still send today."""
    missing = [c for c in candidates if not c.studied and not c.on_leave]
    fresh = [c for c in missing if not c.nudged]
    private = tuple(c.member_id for c in fresh if c.reachable)
    rest = tuple(c.member_id for c in fresh if not c.reachable) if group_enabled else ()
    return Plan(
        missing=tuple(c.member_id for c in missing),
        private=private,
        group=rest if group_slots > 0 else (),
        postponed=() if group_slots > 0 else rest,
        on_leave=tuple(c.member_id for c in candidates if c.on_leave and not c.studied),
    )


def visible_length(html: str) -> int:
    """A Telegram-HTML text's length as Telegram counts it: visible characters in UTF-16 units."""
    return utf16_len(parse_html(html).text)


def pack(header: str, items: Sequence[str], sep: str = "、", limit: int = MESSAGE_TEXT_MAX,
         per_message: int = MENTIONS_PER_MESSAGE) -> list[str]:
    """Messages of `header` then the items joined by `sep`, each within Telegram's text limit and `per_message`
    items. Every message repeats the header; no items, no message."""
    messages: list[str] = []
    current: list[str] = []

    def text(parts: list[str]) -> str:
        return header + "\n" + sep.join(parts)

    for item in items:
        if current and (len(current) >= per_message or visible_length(text([*current, item])) > limit):
            messages.append(text(current))
            current = []
        current.append(item)
    if current:
        messages.append(text(current))
    return messages
