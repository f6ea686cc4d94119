"""Plain values the schedule use cases return, and the time presets a secretary picks from (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lesson_bot.domain.enums import ScheduleStatus
from lesson_bot.domain.meeting_types import MeetingTypeDef

TONIGHT = time(20, 0)
SATURDAY_MORNING = time(9, 0)
SATURDAY = 5
# Weekly slots offered for a series (weekday 0 = Monday, local wall time); anything else can be typed.
WEEKLY_SLOTS = ((0, "20:00"), (2, "20:00"), (4, "20:00"), (5, "09:00"))
_ZH_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class LessonPlan:
    """What a lesson schedule delivers: one lesson (by its stable id) or a whole series in order."""

    lesson_slug: str | None = None
    series: str | None = None


@dataclass(frozen=True)
class SchedulePreview:
    description: str
    next: tuple[datetime, ...]  # local times, in the branch's zone


@dataclass(frozen=True)
class ScheduleView:
    id: int
    what: str
    description: str
    status: ScheduleStatus
    next: tuple[datetime, ...]


@dataclass(frozen=True)
class LessonChoice:
    """A lesson as the wizard lists it, with what this branch already has of it."""

    id: int
    slug: str
    position: int
    title: str
    summary: str
    scheduled: bool  # an active schedule of this branch will deliver it
    delivered: bool  # this branch has had it delivered already
    own: bool = False  # the branch's own lesson (/import), not the library's
    quiz_unwritten: bool = False  # an imported lesson whose quiz is still the draft's placeholder: not schedulable


@dataclass(frozen=True)
class SeriesChoice:
    name: str
    lessons: tuple[LessonChoice, ...]


@dataclass(frozen=True)
class Catalog:
    """The lesson library as one branch sees it: series in the branch's language first."""

    branch_title: str
    timezone: str
    series: tuple[SeriesChoice, ...]

    def find_series(self, name: str) -> SeriesChoice | None:
        return next((s for s in self.series if s.name == name), None)


@dataclass(frozen=True)
class TimePreset:
    """A time offered as a button: `when` is what the service parses, the rest is for the label."""

    code: str  # "usual" (the branch's usual slot), "tonight", "tomorrow", "saturday" (one-off) or "weekly"
    when: str
    clock: str  # "20:00"
    local: datetime | None = None  # one-off presets: the moment, in the branch's zone
    weekday: int | None = None  # weekly presets: 0 = Monday


@dataclass(frozen=True)
class PlannedLesson:
    local: datetime
    title: str


@dataclass(frozen=True)
class PlanPreview:
    """A whole series at a weekly slot: which lesson on which date (local times)."""

    series: str
    description: str
    lessons: tuple[PlannedLesson, ...]


@dataclass(frozen=True)
class UpcomingLesson:
    schedule_id: int
    local: datetime
    title: str


@dataclass(frozen=True)
class Blocked:
    """What a skipped day holds back: one firing of a recurring schedule or meeting series."""

    schedule_id: int
    local: datetime
    what: str  # the lesson's title, or the meeting's topic
    meeting: bool


@dataclass(frozen=True)
class SkippedDay:
    """A holiday set: whether it was set already, and what it holds back that day."""

    day: date
    already: bool
    blocked: tuple[Blocked, ...]


@dataclass(frozen=True)
class ScheduleLine:
    """An active schedule with something still to deliver."""

    id: int
    what: str
    description: str
    recurring: bool
    next: datetime  # local


@dataclass(frozen=True)
class CalledMeeting:
    """A meeting already called (its notice queued or sent) that has not started yet."""

    id: int
    kind: MeetingTypeDef
    topic: str
    local: datetime
    series_id: int | None  # the meeting series (schedule) that called it, if any


@dataclass(frozen=True)
class MeetingSeries:
    """An active meeting series (a meeting schedule) and the start of the next meeting it will call."""

    id: int
    kind: MeetingTypeDef
    topic: str
    description: str
    next: datetime  # local


@dataclass(frozen=True)
class SeriesStopped:
    """A meeting series just stopped; `called` meetings it had called and that have not started stay."""

    id: int
    kind: MeetingTypeDef
    description: str
    called: int


@dataclass(frozen=True)
class BrokenSchedule:
    """An active schedule the planner cannot compute: it sends nothing until cancelled (a series: stopped)."""

    id: int
    what: str  # a lesson schedule's lesson or series; a meeting series' topic
    reason: str  # what is wrong, in the reader's language
    meeting_type: MeetingTypeDef | None = None  # set for a meeting series


@dataclass(frozen=True)
class Upcoming:
    """What /upcoming shows, each part at most `limit` long; `more_*` count what did not fit."""

    branch_title: str
    timezone: str
    lessons: tuple[UpcomingLesson, ...]
    schedules: tuple[ScheduleLine, ...]
    meetings: tuple[CalledMeeting, ...] = ()
    series: tuple[MeetingSeries, ...] = ()
    more_schedules: int = 0
    more_meetings: int = 0
    more_series: int = 0
    broken: tuple[BrokenSchedule, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.lessons or self.schedules or self.meetings or self.series or self.broken)


def weekly_when(weekday: int, clock: str) -> str:
    """The text the parser reads for a weekly slot ("每周一 20:00")."""
    return f"每周{_ZH_WEEKDAYS[weekday]} {clock}"


def usual_slot(moments: Sequence[datetime]) -> tuple[int, time] | None:
    """The weekday and local time most of a branch's lessons went out at (`moments` local, newest first: a tie
    goes to the most recent)."""
    counted = Counter((m.weekday(), m.time().replace(second=0, microsecond=0)) for m in moments)
    return counted.most_common(1)[0][0] if counted else None


def time_presets(now_local: datetime, usual: tuple[int, time] | None = None,
                 taken: Collection[datetime] = ()) -> tuple[TimePreset, ...]:
    """One-off and weekly presets in the branch's zone, none of them in the past; first the branch's usual slot
    (weekday and time), the next one with no lesson due yet (`taken`: local wall times), when it has one."""
    wall, today = now_local.replace(tzinfo=None), now_local.date()
    presets: list[TimePreset] = []

    def one_off(code: str, day: datetime) -> TimePreset:
        return TimePreset(code, f"{day:%Y-%m-%d %H:%M}", f"{day:%H:%M}", day.replace(tzinfo=now_local.tzinfo))

    if usual is not None:
        weekday, clock = usual
        slot = datetime.combine(today + timedelta(days=(weekday - today.weekday()) % 7), clock)
        busy = {m.replace(tzinfo=None) for m in taken}
        while slot <= wall or slot in busy:
            slot += timedelta(days=7)
        presets.append(one_off("usual", slot))

    tonight = datetime.combine(today, TONIGHT)
    if wall < tonight:
        presets.append(one_off("tonight", tonight))
    presets.append(one_off("tomorrow", tonight + timedelta(days=1)))
    saturday = datetime.combine(today + timedelta(days=(SATURDAY - today.weekday()) % 7), SATURDAY_MORNING)
    if saturday <= wall:
        saturday += timedelta(days=7)
    presets.append(one_off("saturday", saturday))
    presets.append(TimePreset("weekly", weekly_when(0, "20:00"), "20:00", weekday=0))
    usual_when = presets[0].when if usual is not None else None
    return tuple(p for i, p in enumerate(presets) if i == 0 or p.when != usual_when)  # no button twice


def slot_presets(usual: tuple[int, time] | None = None) -> tuple[TimePreset, ...]:
    """The weekly slots offered for a whole series; the branch's usual slot first, when it has one."""
    slots = [(day, clock) for day, clock in WEEKLY_SLOTS]
    if usual is not None:
        first = (usual[0], f"{usual[1]:%H:%M}")
        slots = [first, *(slot for slot in slots if slot != first)]
    return tuple(TimePreset("usual_weekly" if usual is not None and i == 0 else "weekly", weekly_when(day, clock),
                            clock, weekday=day) for i, (day, clock) in enumerate(slots))
