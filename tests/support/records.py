"""A branch with a 支委会 that took place, for the record, 补学 and cadence tests.

Meetings are written as the meetings feature leaves them (Meeting, SignIn, Rsvp rows, attendance_closed_at), so
these tests do not depend on the calling wizard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from lesson_bot.db.models import Meeting, Member, Membership, Rsvp, SignIn
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, PartyStatus, RsvpAnswer, SignInMethod
from lesson_bot.domain.meeting_types import BUILTIN, MeetingTypes, type_settings
from lesson_bot.i18n import Translator
from lesson_bot.services.meetings.cadence import CadenceService
from lesson_bot.services.meetings.makeup import MeetingMakeupService
from lesson_bot.services.meetings.records import MeetingRecordService
from lesson_bot.services.meetings.review import RecordReviewService
from lesson_bot.services.views import Person
from tests.support.services import Services

SEC = Person(101, "书记老周", "zhou")
HOST = Person(201, "张三", "zhang")
RECORDER = Person(202, "李四", "li")
PROBATIONARY = Person(203, "王五", "wang")
ON_LEAVE = Person(204, "赵六", "zhao")
ABSENT = Person(205, "孙八", "sun")
OUTSIDER = Person(206, "钱七", "qian")  # on the roster, not on the committee
CHAT = -1001
START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


@dataclass
class Records:
    services: Services
    records: MeetingRecordService
    makeup: MeetingMakeupService
    cadence: CadenceService
    branch_id: int


def record_services(services: Services) -> tuple[MeetingRecordService, MeetingMakeupService, CadenceService]:
    translator = Translator()
    return (MeetingRecordService(services.db, services.clock, services.access, translator, MeetingTypes()),
            MeetingMakeupService(services.db, services.clock, services.access, translator, MeetingTypes()),
            CadenceService(services.db, services.clock, services.access, MeetingTypes()))


def review_service(services: Services, admin_chat_id: int | None = None) -> RecordReviewService:
    return RecordReviewService(services.db, services.clock, services.access, Translator(), MeetingTypes(),
                               admin_chat_id=admin_chat_id)


async def branch_with_committee(services: Services) -> int:
    """一支部: the secretary and six members (five on the committee, 王五 probationary), all started the bot."""
    branch = await services.branches.register(SEC, CHAT, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    for person in (HOST, RECORDER, PROBATIONARY, ON_LEAVE, ABSENT, OUTSIDER):
        await services.roster.start(person, branch.invite_code)
        await services.roster.update_member(
            SEC.telegram_user_id, branch.id, person.telegram_user_id, is_committee=person is not OUTSIDER,
            party_status=PartyStatus.PROBATIONARY if person is PROBATIONARY else PartyStatus.FULL)
    await services.roster.start(SEC, None)
    return branch.id


async def member_id(db: Database, person: Person) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(Member.id).where(
            Member.telegram_user_id == person.telegram_user_id))).scalar_one())


async def add_meeting(db: Database, branch_id: int, *, type_key: str = "committee", start: datetime = START,
                      topic: str = "研究十二月工作", signed: tuple[Person, ...] = (HOST, RECORDER, PROBATIONARY),
                      leave: tuple[tuple[Person, str, LeaveStatus], ...] = ((ON_LEAVE, "出差", LeaveStatus.APPROVED),),
                      closed: bool = True, lesson_id: int | None = None,
                      status: MeetingStatus = MeetingStatus.SCHEDULED, roster_before: bool = False) -> int:
    """A meeting as the meetings feature leaves it after its sign-in window. `roster_before`: the branch's roster
    was in place when it was held (a closed meeting counts the roster of its close), for meetings dated before the
    test registered the branch."""
    kind = next(t for t in BUILTIN if t.key == type_key)
    host, recorder = await member_id(db, HOST), await member_id(db, RECORDER)
    people = {p: await member_id(db, p) for p in {*signed, *(p for p, _, _ in leave)}}
    async with db.transaction() as s:
        meeting = Meeting(branch_id=branch_id, type=type_key, topic=topic, starts_at=start,
                          ends_at=start + timedelta(minutes=90), place="党员活动室", host_member_id=host,
                          recorder_member_id=recorder, status=status, settings=type_settings(kind), lesson_id=lesson_id,
                          attendance_closed_at=start + timedelta(minutes=20) if closed else None)
        s.add(meeting)
        await s.flush()
        if roster_before:
            await s.execute(update(Membership).where(Membership.branch_id == branch_id, Membership.joined_at > start)
                            .values(joined_at=start))
        for person, reason, decision in leave:
            s.add(Rsvp(meeting_id=meeting.id, member_id=people[person], answer=RsvpAnswer.LEAVE, reason=reason,
                       leave_status=decision, answered_at=start - timedelta(days=1)))
        for i, person in enumerate(signed):
            s.add(SignIn(meeting_id=meeting.id, member_id=people[person], signed_at=start + timedelta(minutes=i),
                         method=SignInMethod.BUTTON, late=i > 0))
        return meeting.id
