"""Cadence compliance from the meetings' rows, per branch and for admins, and its reminder tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lesson_bot.db.models import OutboxMessage
from lesson_bot.domain.cadence import State
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import Refused
from lesson_bot.services.meetings.cadence_reminders import CadenceReminders
from tests.support.records import OUTSIDER, SEC, add_meeting, branch_with_committee, record_services
from tests.support.services import ADMIN, Services

NOV = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)
LATE_DEC = datetime(2026, 12, 26, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, six days before the year ends


def _states(rows: object, type_key: str) -> list[tuple[str, State]]:
    return [(r.span.label, r.state) for r in rows if r.type == type_key]  # type: ignore[attr-defined]


async def test_held_missing_and_overdue_per_type(services: Services) -> None:
    """支委会: November held (sign-ins), October's closed with nobody signed in and no record (not held: overdue),
    December still missing six days before its end (due soon). 党员大会 held in Q4 by its record alone."""
    _, _, cadence = record_services(services)
    branch_id = await branch_with_committee(services)
    await add_meeting(services.db, branch_id, start=NOV)
    await add_meeting(services.db, branch_id, start=OCT, signed=(), leave=())
    congress = await add_meeting(services.db, branch_id, type_key="party_congress", start=OCT, signed=(), leave=())
    records, _, _ = record_services(services)
    services.clock.set(OCT + timedelta(days=1))
    await records.submit(SEC.telegram_user_id, congress, minutes="大会纪要", decisions=None)
    services.clock.set(LATE_DEC)
    report = await cadence.branch(SEC.telegram_user_id, branch_id)
    assert _states(report.rows, "committee") == [("2026-12", State.DUE_SOON), ("2026-11", State.HELD),
                                                 ("2026-10", State.OVERDUE)]
    assert _states(report.rows, "party_congress")[0] == ("2026Q4", State.HELD)
    assert _states(report.rows, "party_group") == []  # no 党小组 on this roster
    assert report.count(State.OVERDUE) >= 1


async def test_admins_see_every_branch_secretaries_their_own(services: Services) -> None:
    """The overview lists both branches for an admin, one for each secretary; a member is refused (audited)."""
    _, _, cadence = record_services(services)
    await branch_with_committee(services)
    await services.branches.register(ADMIN, -1002, "二支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    services.clock.set(LATE_DEC)
    assert [b.title for b in await cadence.overview(ADMIN.telegram_user_id)] == ["一支部", "二支部"]
    assert [b.title for b in await cadence.overview(SEC.telegram_user_id)] == ["一支部"]
    with pytest.raises(Refused):
        await cadence.overview(OUTSIDER.telegram_user_id)


async def test_the_tick_reminds_the_secretary_once_per_missing_meeting(services: Services) -> None:
    """On 26 Dec the secretary is told, in private, that December's 支委会 is missing; the next tick adds nothing.
    On 20 Dec (before the last seven days) nothing is due; on the day the branch registered, the 主题党日 due that
    day is not reminded (too late for notice)."""
    _, _, cadence = record_services(services)
    branch_id = await branch_with_committee(services)
    await add_meeting(services.db, branch_id, start=NOV)
    tick = CadenceReminders(services.db, services.clock, Translator(), cadence, MeetingTypes())
    report = await cadence.branch(SEC.telegram_user_id, branch_id, 1)
    assert ("2026-12", State.DUE_SOON) in _states(report.rows, "theme_day")  # due today, 1 Dec
    assert await tick() == 0  # but the branch was registered today, after its reminder moment
    services.clock.set(datetime(2026, 12, 20, 2, tzinfo=UTC))
    assert await tick() == 0
    services.clock.set(LATE_DEC)
    first = await tick()
    assert first >= 1 and await tick() == 0
    async with services.db.transaction() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("cad:%")))).scalars().all()
    committee = [r for r in rows if f"cad:{branch_id}:committee:-:2026-12:" in r.dedupe_key]
    assert [r.chat_id for r in committee] == [SEC.telegram_user_id]
    assert "支部委员会" in committee[0].payload["params"]["text"]
    assert "2026-12-31" in committee[0].payload["params"]["text"]


async def test_a_new_branch_is_not_overdue_for_months_before_it_was_registered(services: Services) -> None:
    """Registered on 1 Dec without meetings: on 1 Jan the report shows January and December (its 支委会 overdue),
    not November or October."""
    _, _, cadence = record_services(services)
    branch_id = await branch_with_committee(services)
    services.clock.set(datetime(2027, 1, 1, 2, 0, tzinfo=UTC))
    report = await cadence.branch(SEC.telegram_user_id, branch_id)
    assert _states(report.rows, "committee") == [("2027-01", State.OPEN), ("2026-12", State.OVERDUE)]
    assert [r.span.label for r in report.rows if r.type == "life_meeting"] == ["2027", "2026"]
