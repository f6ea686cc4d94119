"""One transaction per use case, its permission check inside it; refusals audited whatever is rolled back.

Each test on SQLite and on PostgreSQL. Commits are counted with the engine's own `commit` event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from lesson_bot.db.models import AuditEntry, Meeting, OutboxMessage, SkipDate
from lesson_bot.domain.enums import AuditOutcome, MeetingStatus, OutboxStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.permissions import Action
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import NotFound, Refused
from lesson_bot.services.meetings.calls import MeetingDraft, MeetingService
from lesson_bot.services.views import Person
from tests.support.services import ADMIN, Services

SEC = Person(301, "李书记", "li")
SEC_OTHER = Person(302, "外支部书记", "other")
STRANGER = Person(303, "路人", "stranger")


@contextmanager
def commits(services: Services) -> Iterator[list[object]]:
    """The COMMITs the database receives inside the block."""
    seen: list[object] = []

    def on_commit(conn: Any) -> None:
        seen.append(conn)

    engine = services.db.engine.sync_engine
    event.listen(engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", on_commit)


async def _branch_and_meeting(services: Services) -> tuple[int, int, MeetingService]:
    branch = await services.branches.register(SEC, -7001, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.branches.register(SEC_OTHER, -7002, "外支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    meetings = MeetingService(services.db, services.clock, services.access, Translator(), MeetingTypes())
    start = services.clock.now() + timedelta(days=1)
    view = await meetings.call(SEC.telegram_user_id, branch.id, MeetingDraft("party_lecture", "党课", start, 60))
    return branch.id, view.id, meetings


async def _audit(services: Services, telegram_user_id: int) -> list[AuditEntry]:
    async with services.db.transaction() as s:
        return list((await s.execute(
            select(AuditEntry).where(AuditEntry.actor_telegram_id == telegram_user_id).order_by(AuditEntry.id)
        )).scalars().all())


async def test_cancelling_a_meeting_commits_the_cancel_and_its_audit_entry_once(services: Services) -> None:
    """The check, the cancel, the withdrawn notice and the ALLOWED entry: one transaction, one commit."""
    branch_id, meeting_id, meetings = await _branch_and_meeting(services)
    with commits(services) as seen:
        await meetings.cancel(SEC.telegram_user_id, meeting_id)
    assert len(seen) == 1
    async with services.db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status is MeetingStatus.CANCELLED
        notices = (await s.execute(select(OutboxMessage.status))).scalars().all()
    assert notices == [OutboxStatus.CANCELLED]
    cancel = (await _audit(services, SEC.telegram_user_id))[-1]
    assert (cancel.outcome, cancel.branch_id, cancel.detail["cancelled_meeting"]) == (
        AuditOutcome.ALLOWED, branch_id, meeting_id)


async def test_changing_reminders_is_one_commit(services: Services) -> None:
    """set_reminders used to read the meeting, check, and write in three transactions."""
    _branch_id, meeting_id, meetings = await _branch_and_meeting(services)
    with commits(services) as seen:
        view = await meetings.set_reminders(SEC.telegram_user_id, meeting_id, (60,))
    assert len(seen) == 1
    assert view.rules.reminders == (60,)
    assert [e.detail.get("reminders") for e in await _audit(services, SEC.telegram_user_id)][-1] == [60]


async def test_a_refused_cancel_changes_nothing_and_is_audited_once(services: Services) -> None:
    """Another branch's secretary: the meeting stays called, its notice stays queued, one REFUSED entry."""
    branch_id, meeting_id, meetings = await _branch_and_meeting(services)
    with commits(services) as seen, pytest.raises(Refused):
        await meetings.cancel(SEC_OTHER.telegram_user_id, meeting_id)
    assert len(seen) == 1  # the refusal's own short transaction; the use case's was rolled back
    async with services.db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status is MeetingStatus.SCHEDULED
        notices = (await s.execute(select(OutboxMessage.status))).scalars().all()
    assert notices == [OutboxStatus.PENDING]
    refusals = [e for e in await _audit(services, SEC_OTHER.telegram_user_id) if e.action == str(Action.CALL_MEETING)]
    assert [(e.outcome, e.branch_id, e.detail["requires"]) for e in refusals] == [
        (AuditOutcome.REFUSED, branch_id, "secretary")]


async def test_a_refusal_outlives_the_rollback_of_what_its_transaction_wrote(services: Services) -> None:
    """Work done in the transaction before a refusal is rolled back; the refusal's audit entry is not."""
    branch_id, _meeting_id, _meetings = await _branch_and_meeting(services)
    with pytest.raises(Refused):
        async with services.db.transaction() as s:
            s.add(SkipDate(branch_id=branch_id, day=date(2026, 12, 25), reason="圣诞"))
            await s.flush()
            await services.access.require(s, STRANGER.telegram_user_id, Action.MANAGE_SCHEDULES, branch_id)
    async with services.db.transaction() as s:
        assert (await s.execute(select(SkipDate))).scalars().all() == []
    assert [(e.outcome, e.branch_id) for e in await _audit(services, STRANGER.telegram_user_id)] == [
        (AuditOutcome.REFUSED, branch_id)]


async def test_a_refusal_caught_inside_its_transaction_is_written_once(services: Services) -> None:
    """When the use case goes on after a refusal and commits, the entry commits with it, not a second time."""
    branch_id, _meeting_id, _meetings = await _branch_and_meeting(services)
    async with services.db.transaction() as s:
        with pytest.raises(Refused):
            await services.access.require(s, STRANGER.telegram_user_id, Action.VIEW_ROSTER, branch_id)
    assert [(e.outcome, e.action) for e in await _audit(services, STRANGER.telegram_user_id)] == [
        (AuditOutcome.REFUSED, str(Action.VIEW_ROSTER))]


async def test_a_refusal_for_a_branch_that_does_not_exist_is_audited(services: Services) -> None:
    """`lesson-bot deliveries --branch 999 --as 12345` raised IntegrityError (issue #16): now Refused, and the
    entry keeps the id it was asked about without pointing at a branch."""
    with pytest.raises(Refused):
        await services.deliveries.ledger(STRANGER.telegram_user_id, 999)
    [entry] = await _audit(services, STRANGER.telegram_user_id)
    assert (entry.outcome, entry.branch_id, entry.detail["branch_id"]) == (AuditOutcome.REFUSED, None, 999)
    with pytest.raises(NotFound):  # an admin may look, and is told there is no such branch
        await services.deliveries.ledger(ADMIN.telegram_user_id, 999)
