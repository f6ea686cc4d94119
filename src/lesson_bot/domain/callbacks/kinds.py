"""Every kind of callback data the bot sends. Old buttons stay in chats for months, so a declared format never
changes: a new format is a new kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lesson_bot.domain.callbacks.codec import Callback, kind, plain_int

# Lessons


@kind("ls", "done")
@dataclass(frozen=True)
class LessonDone(Callback):
    """The lesson message's check-in button."""

    delivery: int


@kind("mk", "start")
@dataclass(frozen=True)
class MakeupStart(Callback):
    """补学 of a missed lesson (/lessons, and the private nudge)."""

    delivery: int


@kind("mk", "page")
@dataclass(frozen=True)
class MakeupPage(Callback):
    """A page of /lessons' missed lessons."""

    branch: int
    page: int


@kind("prog", "branch")
@dataclass(frozen=True)
class ProgressBranch(Callback):
    """/progress' choice of branch (`dialog` is always 0)."""

    dialog: int
    branch: int


@kind("prog", "show")
@dataclass(frozen=True)
class ProgressEarlier(Callback):
    """/progress of an earlier lesson."""

    branch: int
    delivery: int


@kind("deliv", "show")
@dataclass(frozen=True)
class DeliveriesBranch(Callback):
    """/deliveries' choice of branch (`dialog` is always 0)."""

    dialog: int
    branch: int


# Onboarding and branches


@kind("lang", "set")
@dataclass(frozen=True)
class LanguageSet(Callback):
    """/lang's choice."""

    locale: str


@kind("reg", "title", "tz", "cancel")
@dataclass(frozen=True)
class Register(Callback):
    """/register's wizard: the group's name as the title, a time zone, or cancel."""

    verb: str
    dialog: int
    zone: str | None = None

    def fits(self) -> bool:
        return (self.zone is not None) == (self.verb == "tz")


@kind("roster", "show", "import")
@dataclass(frozen=True)
class RosterBranch(Callback):
    """/roster's choice of branch (`dialog` is 0 for show), or of the branch an uploaded roster is for."""

    verb: str
    dialog: int
    branch: int


# Imported lessons

_IMPORT_NO_ARG = ("use", "cx", "more", "done")


@kind("imp", *_IMPORT_NO_ARG, "br", "ok", "qz")
@dataclass(frozen=True)
class ImportStep(Callback):
    """/import and /quiz: keep the draft, cancel, another question, finish; or a choice (`arg`): the branch, the
    correct option, the lesson whose quiz to write."""

    verb: str
    dialog: int
    arg: int | None = None

    def fits(self) -> bool:
        return (self.arg is None) == (self.verb in _IMPORT_NO_ARG)


# Schedules


_SCHEDULE_NO_ARG = ("bk", "cx", "st", "ok")


@kind("sch", *_SCHEDULE_NO_ARG, "br", "se", "ls", "pg", "wh")
@dataclass(frozen=True)
class ScheduleStep(Callback):
    """/schedule and /plan's wizard: back, cancel, as soon as possible, confirm; or a choice (`arg`)."""

    verb: str
    dialog: int
    arg: int | None = None

    def fits(self) -> bool:
        return (self.arg is None) == (self.verb in _SCHEDULE_NO_ARG)


@kind("up", "back", "cx", "cxok", "ms", "msok", "sk", "skok")
@dataclass(frozen=True)
class Upcoming(Callback):
    """/upcoming: back to the list; cancel a schedule or stop a meeting series (and confirm); skip a day."""

    verb: str
    branch: int
    schedule: int | None = None
    day: date | None = None

    def fits(self) -> bool:
        return ((self.schedule is None) == (self.verb == "back")
                and (self.day is not None) == (self.verb in ("sk", "skok")))


# Meetings


_MEETING_NO_ARG = ("back", "cancel", "ok", "rem", "code", "rep", "same")
_MEETING_INT_ARG = ("branch", "group", "lesson", "lpage", "when", "host", "recorder", "dur", "edit")


@kind("mtw", *_MEETING_NO_ARG, *_MEETING_INT_ARG, "type")
@dataclass(frozen=True)
class MeetingStep(Callback):
    """/meeting's wizard: back, cancel, confirm, the confirm screen's changes; or a choice (`arg`; a meeting
    type's key, else a number)."""

    verb: str
    dialog: int
    arg: str | None = None

    def fits(self) -> bool:
        if self.arg is None:
            return self.verb in _MEETING_NO_ARG
        return self.verb == "type" or (self.verb in _MEETING_INT_ARG and plain_int(self.arg) is not None)


@kind("mt", "in")
@dataclass(frozen=True)
class SignIn(Callback):
    """The meeting's 签到 button."""

    meeting: int


@kind("mt", "rsvp")
@dataclass(frozen=True)
class Rsvp(Callback):
    """The notice's “attend” button."""

    meeting: int


@kind("mt", "leave")
@dataclass(frozen=True)
class RsvpLeave(Callback):
    """The notice's “ask for leave” button."""

    meeting: int


@kind("mt", "ok", "no")
@dataclass(frozen=True)
class RsvpDecision(Callback):
    """A secretary approves or rejects a request for leave."""

    verb: str
    rsvp: int


@kind("mt", "att", "px", "off", "rmd")
@dataclass(frozen=True)
class MeetingAttendance(Callback):
    """/attendance: a meeting's attendance; a member signed in by proxy (代签) or as present offline; the members
    not signed in reminded (rmd)."""

    verb: str
    meeting: int
    member: int | None = None

    def fits(self) -> bool:
        return (self.member is None) == (self.verb in ("att", "rmd"))


@kind("mls", "br", "cx", "cxok", "rm", "rs")
@dataclass(frozen=True)
class MeetingList(Callback):
    """/meetings: back to a branch's list (`key` the branch), call off (and confirm), reminders (and a preset)."""

    verb: str
    key: int
    preset: int | None = None

    def fits(self) -> bool:
        return (self.preset is not None) == (self.verb == "rs")


@kind("rc", "next", "submit", "redo", "cancel")
@dataclass(frozen=True)
class RecordStep(Callback):
    """/record's draft: done with this step, submit, start over, cancel."""

    verb: str
    dialog: int


@kind("rc", "pick")
@dataclass(frozen=True)
class RecordPick(Callback):
    """/record's choice of meeting."""

    meeting: int


@kind("rc", "view")
@dataclass(frozen=True)
class RecordShow(Callback):
    """/record: show a meeting's record."""

    meeting: int


@kind("rc", "ok")
@dataclass(frozen=True)
class RecordConfirm(Callback):
    """The host or recorder confirms the record's version `stamp` they were sent."""

    meeting: int
    stamp: int


@kind("mk", "mt")
@dataclass(frozen=True)
class MeetingMakeupDone(Callback):
    """An absentee studied what the meeting covered."""

    meeting: int


@kind("mk", "ml")
@dataclass(frozen=True)
class MeetingMakeupLesson(Callback):
    """An absentee asks for the meeting's lesson."""

    meeting: int


@kind("mk", "send")
@dataclass(frozen=True)
class MakeupTasksSend(Callback):
    """/makeups: a secretary sends a meeting's make-up tasks now."""

    meeting: int


@kind("mkl", "show")
@dataclass(frozen=True)
class MakeupsBranch(Callback):
    """/makeups' choice of branch (`dialog` is always 0)."""

    dialog: int
    branch: int


@kind("cad", "br", "page")
@dataclass(frozen=True)
class Cadence(Callback):
    """/cadence: a branch, or a page of the branches."""

    verb: str
    arg: int


# Reports


@kind("rp", "pd")
@dataclass(frozen=True)
class ReportPeriod(Callback):
    """/report's choice of period (its label: 2026-12, 2026-Q4, 2026)."""

    period: str


@kind("rp", "org", "br", "pg")
@dataclass(frozen=True)
class ReportScope(Callback):
    """/report's choice for a period: the organization (`key` 0), a branch (`key`), or a page of the branches."""

    verb: str
    key: int
    period: str
