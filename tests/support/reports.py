"""A scripted quarter (2026-Q4, Asia/Shanghai) for the report tests, played through the real services.

一支部 (A): 李书记 (secretary), Bob and Carol from 1 October; Dan joins on 15 November.
二支部 (B): 王书记 (secretary) and Eve from 1 October.

Lessons (group deliveries): A gets L1 on 10 October and L2 on 20 November (after Dan joined), and L3 on
3 January 2027 (next quarter); B gets L1 on 12 October.
- Bob: L1 on time, answers q0 right and q1 wrong; L2 on time; L3 on time.
- Carol: answers L1 q0 wrong in the group, then studies L1 as 补学 (check-in, q0 right again: too late to count);
  misses L2.
- Dan: L2 as 补学. 李书记: nothing. Eve: L1 on time, q0 right. 王书记: nothing.
Meetings of A (支部党员大会, both closed and held): M1 on 20 October (Bob on time, Carol late, 李书记 approved
leave; recorded on time) and M2 on 10 December (Carol and Dan on time; Bob absent and made it up; 李书记 absent;
recorded late, 补录).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from lesson_bot.db.models import Meeting, ParticipationEvent, Rsvp, SignIn
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import (
    LeaveStatus,
    MeetingStatus,
    ParticipationKind,
    ParticipationMode,
    RsvpAnswer,
    SignInMethod,
)
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.support.progress import deliver_lesson, member_id

SEC_A = Person(1101, "李书记", "li")
BOB = Person(1202, "Bob", "bob")
CAROL = Person(1303, "Carol", "carol")
DAN = Person(1404, "Dan", "dan")
SEC_B = Person(2101, "王书记", "wang")
EVE = Person(2505, "Eve", "eve")
OUTSIDER = Person(3999, "Nobody", None)
GROUP_A, GROUP_B = -100701, -100702
NOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 2, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass
class Quarter:
    branch_a: int
    branch_b: int
    members: dict[str, int]  # name -> member id


class QuarterServices(Protocol):
    """What playing the quarter needs: the test services bundle and the real container both have it."""

    @property
    def db(self) -> Database: ...
    @property
    def branches(self) -> BranchService: ...
    @property
    def roster(self) -> RosterService: ...


async def _meeting(services: QuarterServices, branch_id: int, starts: datetime, *, late_record: bool,
                   signed: dict[int, bool], leave: set[int], made_up: set[int]) -> int:
    async with services.db.transaction() as s:
        meeting = Meeting(branch_id=branch_id, type="party_congress", topic="党员大会", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), status=MeetingStatus.HELD, settings={},
                          attendance_closed_at=starts + timedelta(minutes=20), recorded_at=starts + timedelta(hours=3),
                          recorded_late=late_record, minutes="一、学习。")
        s.add(meeting)
        await s.flush()
        for member, late in signed.items():
            s.add(SignIn(meeting_id=meeting.id, member_id=member, method=SignInMethod.BUTTON, late=late,
                         signed_at=starts + timedelta(minutes=5 if late else -5)))
        for member in leave:
            s.add(Rsvp(meeting_id=meeting.id, member_id=member, answer=RsvpAnswer.LEAVE, reason="出差",
                       leave_status=LeaveStatus.APPROVED, answered_at=starts - timedelta(days=1)))
        for member in made_up:
            s.add(ParticipationEvent(
                dedupe_key=f"makeup:{meeting.id}:{member}", kind=ParticipationKind.MAKEUP_DONE,
                mode=ParticipationMode.MAKEUP, occurred_at=starts + timedelta(days=2),
                recorded_at=starts + timedelta(days=2), branch_id=branch_id, member_id=member, meeting_id=meeting.id))
        return meeting.id


async def play_quarter(services: QuarterServices, clock: FixedClock) -> Quarter:
    """The quarter above, through BranchService, RosterService and ParticipationRecorder (meetings as rows)."""
    clock.set(at(10, 1))
    a = await services.branches.register(SEC_A, GROUP_A, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    b = await services.branches.register(SEC_B, GROUP_B, "二支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    for person in (BOB, CAROL):
        await services.roster.seen(GROUP_A, person)
    await services.roster.seen(GROUP_B, EVE)
    recorder = ParticipationRecorder(services.db, clock)
    ids = {p.full_name: await member_id(services.db, p) for p in (SEC_A, BOB, CAROL, SEC_B, EVE)}

    l1 = await deliver_lesson(services.db, a.id, GROUP_A, "red-first-congress", at(10, 10), key="a1")
    clock.set(at(10, 10, 3))
    await recorder.record_checkin(l1.delivery_id, GROUP_A, BOB)
    await recorder.record_answer(l1.polls[0], BOB, [l1.correct[0]])
    await recorder.record_answer(l1.polls[1], BOB, [(l1.correct[1] + 1) % 2])
    await recorder.record_answer(l1.polls[0], CAROL, [(l1.correct[0] + 1) % 2])
    b1 = await deliver_lesson(services.db, b.id, GROUP_B, "red-first-congress", at(10, 12), key="b1")
    clock.set(at(10, 12, 3))
    await recorder.record_checkin(b1.delivery_id, GROUP_B, EVE)
    await recorder.record_answer(b1.polls[0], EVE, [b1.correct[0]])
    clock.set(at(10, 15))
    makeup = await deliver_lesson(services.db, a.id, CAROL.telegram_user_id, "red-first-congress", clock.now(),
                           member_id=ids["Carol"], mode=ParticipationMode.MAKEUP, key="m1")
    await recorder.record_checkin(makeup.delivery_id, CAROL.telegram_user_id, CAROL)
    await recorder.record_answer(makeup.polls[0], CAROL, [makeup.correct[0]])
    await recorder.aclose()
    m1 = await _meeting(services, a.id, at(10, 20, 11), late_record=False,
                        signed={ids["Bob"]: False, ids["Carol"]: True}, leave={ids["李书记"]}, made_up=set())

    clock.set(at(11, 15))
    await services.roster.seen(GROUP_A, DAN)
    ids["Dan"] = await member_id(services.db, DAN)
    recorder = ParticipationRecorder(services.db, clock)
    l2 = await deliver_lesson(services.db, a.id, GROUP_A, "red-nanchang-uprising", at(11, 20), key="a2")
    clock.set(at(11, 20, 3))
    await recorder.record_checkin(l2.delivery_id, GROUP_A, BOB)
    clock.set(at(11, 25))
    dan_makeup = await deliver_lesson(services.db, a.id, DAN.telegram_user_id, "red-nanchang-uprising", clock.now(),
                               member_id=ids["Dan"], mode=ParticipationMode.MAKEUP, key="m2")
    await recorder.record_checkin(dan_makeup.delivery_id, DAN.telegram_user_id, DAN)
    await recorder.aclose()
    await _meeting(services, a.id, at(12, 10, 11), late_record=True,
                   signed={ids["Carol"]: False, ids["Dan"]: False}, leave=set(), made_up={ids["Bob"]})

    recorder = ParticipationRecorder(services.db, clock)
    l3 = await deliver_lesson(services.db, a.id, GROUP_A, "red-long-march", at(1, 3, year=2027), key="a3")
    clock.set(at(1, 3, 3, year=2027))
    await recorder.record_checkin(l3.delivery_id, GROUP_A, BOB)
    await recorder.aclose()
    clock.set(NOW)
    assert m1
    return Quarter(a.id, b.id, ids)
