"""What /meeting proposes for a routine meeting, read from a real database (SQLite and PostgreSQL): the last
meeting of the type's place, host, recorder, duration and topic, and start times in the period still owed."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lesson_bot.domain.meeting_types import load_types
from lesson_bot.i18n import Translator
from lesson_bot.services.meetings.calls import MeetingDraft, MeetingService
from lesson_bot.services.views import Person
from tests.support.services import Services

CHAT = -5101
SEC = Person(301, "李书记", "li")
WANG = Person(302, "王委员", "wang")
DEC_3 = datetime(2026, 12, 3, 11, 30, tzinfo=UTC)  # Thu 19:30 in Shanghai; the clock stands at Tue 1 Dec 10:00


async def test_the_last_committee_meeting_supplies_the_defaults_and_january_is_owed(services: Services) -> None:
    """After a 支委会 called for 3 December: its place, host, recorder, 120 minutes and topic; December has its
    meeting, so the offers are in January: the 3rd (like last time) and the first free weekday evenings."""
    branch = await services.branches.register(SEC, CHAT, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.roster.seen(CHAT, WANG)
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    ids = {e.name: e.member_id for e in roster.entries}
    meetings = MeetingService(services.db, services.clock, services.access, Translator(), load_types(""))
    first = await meetings.routine(SEC.telegram_user_id, branch.id, "committee")
    assert first.last is None and first.minutes == 90 and first.host is None and len(first.starts) == 3

    await meetings.call(SEC.telegram_user_id, branch.id, MeetingDraft(
        type="committee", topic="研究发展党员工作", starts_at=DEC_3, minutes=120, place="党员活动室",
        host_member_id=ids["李书记"], recorder_member_id=ids["王委员"]))
    found = await meetings.routine(SEC.telegram_user_id, branch.id, "committee")
    assert (found.last, found.topic, found.place, found.minutes) == (DEC_3, "研究发展党员工作", "党员活动室", 120)
    assert (found.host, found.recorder) == (ids["李书记"], ids["王委员"])
    local = [f"{s.astimezone(ZoneInfo('Asia/Shanghai')):%m-%d %H:%M}" for s in found.starts]
    assert local == ["01-01 19:30", "01-03 19:30", "01-04 19:30"]  # Fri, Sun (the 3rd, like last time), Mon

    other = await meetings.routine(SEC.telegram_user_id, branch.id, "party_congress")  # nothing to repeat
    assert other.last is None and other.place is None
