"""Storage rules that hold on both databases: UTC times, foreign keys, append-only logs, SQLite pragmas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import AuditEntry, Branch, Member, Membership, ParticipationEvent
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import (
    AuditOutcome,
    BranchStatus,
    MembershipSource,
    MembershipStatus,
    ParticipationKind,
    ParticipationMode,
    Role,
)

T0 = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(db_url))
    await migrate.upgrade(database.engine)
    try:
        yield database
    finally:
        await database.dispose()


async def _branch_and_member(db: Database) -> tuple[int, int]:
    async with db.transaction() as s:
        branch = Branch(chat_id=-1001, title="一支部", timezone="Asia/Shanghai", locale="zh-Hans",
                        status=BranchStatus.ACTIVE, invite_code="abc123")
        member = Member(telegram_user_id=501, full_name="张三")
        s.add_all([branch, member])
        await s.flush()
        return branch.id, member.id


async def test_times_come_back_as_the_same_utc_instant(db: Database) -> None:
    """A time written with any offset is read back as the same instant, timezone-aware, in UTC."""
    beijing = timezone(timedelta(hours=8))
    joined = datetime(2026, 7, 1, 20, 0, tzinfo=beijing)
    branch_id, member_id = await _branch_and_member(db)
    async with db.transaction() as s:
        s.add(Membership(branch_id=branch_id, member_id=member_id, role=Role.MEMBER,
                         status=MembershipStatus.ACTIVE, source=MembershipSource.JOIN, joined_at=joined))
    async with db.transaction() as s:
        stored = (await s.execute(select(Membership.joined_at))).scalar_one()
    assert stored == joined
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 12


async def test_a_naive_datetime_is_refused(db: Database) -> None:
    """Writing a time without a timezone fails instead of storing an ambiguous value."""
    branch_id, member_id = await _branch_and_member(db)
    with pytest.raises(StatementError, match="naive datetime"):
        async with db.transaction() as s:
            s.add(Membership(branch_id=branch_id, member_id=member_id, role=Role.MEMBER,
                             status=MembershipStatus.ACTIVE, source=MembershipSource.JOIN,
                             joined_at=datetime(2026, 1, 1)))


async def test_foreign_keys_are_enforced(db: Database) -> None:
    """A membership pointing at a branch that does not exist is rejected (SQLite too: foreign_keys=ON)."""
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(Membership(branch_id=999, member_id=999, role=Role.MEMBER, status=MembershipStatus.ACTIVE,
                             source=MembershipSource.JOIN, joined_at=T0))


async def test_one_membership_per_member_and_branch(db: Database) -> None:
    """The same member cannot be on a branch's roster twice."""
    branch_id, member_id = await _branch_and_member(db)
    row = {"branch_id": branch_id, "member_id": member_id, "role": Role.MEMBER,
           "status": MembershipStatus.ACTIVE, "source": MembershipSource.JOIN, "joined_at": T0}
    async with db.transaction() as s:
        s.add(Membership(**row))
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(Membership(**row))


async def test_participation_log_is_append_only(db: Database) -> None:
    """Participation events can be added but never changed or deleted; a replay with the same key is refused."""
    branch_id, member_id = await _branch_and_member(db)
    event = {"dedupe_key": "checkin:1:501", "kind": ParticipationKind.LESSON_CHECKIN,
             "mode": ParticipationMode.ON_TIME, "occurred_at": T0, "recorded_at": T0,
             "branch_id": branch_id, "member_id": member_id}
    async with db.transaction() as s:
        s.add(ParticipationEvent(**event))
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            s.add(ParticipationEvent(**event))
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.transaction() as s:
            await s.execute(update(ParticipationEvent).values(correct=True))
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.transaction() as s:
            await s.execute(delete(ParticipationEvent))
    async with db.transaction() as s:
        assert len((await s.execute(select(ParticipationEvent))).scalars().all()) == 1


async def test_audit_log_is_append_only(db: Database) -> None:
    """Audit entries can be added but never rewritten."""
    async with db.transaction() as s:
        s.add(AuditEntry(at=T0, actor_telegram_id=7, action="branch.register", outcome=AuditOutcome.REFUSED,
                         detail={"reason": "not a group admin"}))
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.transaction() as s:
            await s.execute(update(AuditEntry).values(outcome=AuditOutcome.ALLOWED))


async def test_an_enum_column_refuses_an_unknown_value_in_the_database(db: Database) -> None:
    """The CHECK constraint behind an enum column rejects a value written around the ORM."""
    with pytest.raises(IntegrityError):
        async with db.transaction() as s:
            await s.execute(text(
                "INSERT INTO branches (chat_id, title, timezone, locale, status, invite_code) "
                "VALUES (-5, 't', 'UTC', 'en', 'exploded', 'x1')"
            ))


async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    """The embedded SQLite database uses WAL, enforces foreign keys and waits on a lock instead of failing."""
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one() >= 1000
    finally:
        await engine.dispose()
