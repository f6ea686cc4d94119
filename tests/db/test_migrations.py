"""The shipped Alembic migrations, on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError

from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import (
    Base,
    Branch,
    BranchLesson,
    Lesson,
    Meeting,
    Member,
    Membership,
    MembershipAbsence,
    RecordReview,
    Schedule,
)
from lesson_bot.domain.enums import MembershipStatus, ReviewState


def table(model: type[Base]) -> Table:
    """A model's table, typed as the Table it is (insert and update of old revisions go through the table)."""
    mapped = model.__table__
    assert isinstance(mapped, Table)
    return mapped


async def test_stairway_upgrade_downgrade_upgrade_each_revision(db_url: str) -> None:
    """Every revision upgrades, downgrades to its predecessor and upgrades again without error."""
    engine = create_engine(db_url)
    try:
        revisions = migrate.revisions_oldest_first()
        assert revisions[0] == "0001" and len(revisions) >= 2
        previous = "base"
        for rev in revisions:
            await migrate.upgrade(engine, rev)
            assert await migrate.current_revision(engine) == rev
            await migrate.downgrade(engine, previous)
            assert await migrate.current_revision(engine) == (None if previous == "base" else previous)
            await migrate.upgrade(engine, rev)
            previous = rev
        await migrate.downgrade(engine, "base")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        assert set(tables) <= {"alembic_version"}, f"downgrade to base left tables behind: {tables}"
    finally:
        await engine.dispose()


async def test_migrations_at_head_match_the_models(db_url: str) -> None:
    """The schema the migrations build is exactly the one the models describe (no forgotten revision)."""
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata)
            )
        assert diffs == []
    finally:
        await engine.dispose()


async def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    """Upgrading a database that is already at head changes nothing (safe on every start)."""
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()


async def test_invite_codes_are_backfilled_for_existing_branches(db_url: str) -> None:
    """Branches created before revision 0003 each get their own invite code when it is applied."""
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.begin() as conn:
            for chat_id in (-11, -12):
                await conn.execute(text(
                    "INSERT INTO branches (chat_id, title, timezone, locale, status) "
                    f"VALUES ({chat_id}, 'b', 'Asia/Shanghai', 'zh-Hans', 'active')"
                ))
        await migrate.upgrade(engine, "0003")
        async with engine.connect() as conn:
            codes = (await conn.execute(text("SELECT invite_code FROM branches"))).scalars().all()
        assert len(codes) == 2 and all(codes) and codes[0] != codes[1]
    finally:
        await engine.dispose()


async def test_membership_periods_keep_existing_memberships_and_downgrade_to_the_last_return(db_url: str) -> None:
    """Revision 0007 adds the gaps table and leaves existing memberships as they were (active and left); going back
    to 0006, a member who came back has joined_at at their last return again, as the old code kept it."""
    t0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine, "0006")
        async with engine.begin() as conn:
            await conn.execute(insert(table(Branch)).values(
                id=1, chat_id=-11, title="b", timezone="Asia/Shanghai", locale="zh-Hans", status="active",
                invite_code="c1"))
            await conn.execute(insert(table(Member)), [{"id": i, "full_name": f"m{i}"} for i in (1, 2)])
            await conn.execute(insert(table(Membership)), [
                {"id": 1, "branch_id": 1, "member_id": 1, "role": "member", "status": "active", "source": "join",
                 "is_committee": False, "joined_at": t0, "left_at": None},
                {"id": 2, "branch_id": 1, "member_id": 2, "role": "member", "status": "left", "source": "join",
                 "is_committee": False, "joined_at": t0, "left_at": t0 + timedelta(days=1)}])
        await migrate.upgrade(engine, "0007")
        columns = select(Membership.id, Membership.status, Membership.joined_at, Membership.left_at)
        async with engine.begin() as conn:
            assert (await conn.execute(columns.order_by(Membership.id))).all() == [
                (1, MembershipStatus.ACTIVE, t0, None), (2, MembershipStatus.LEFT, t0, t0 + timedelta(days=1))]
            assert (await conn.execute(select(MembershipAbsence.id))).all() == []
            await conn.execute(insert(table(MembershipAbsence)).values(
                membership_id=1, left_at=t0 + timedelta(days=2), returned_at=t0 + timedelta(days=5)))
        await migrate.downgrade(engine, "0006")
        async with engine.connect() as conn:
            joined = dict((await conn.execute(select(Membership.id, Membership.joined_at))).all())
        assert joined == {1: t0 + timedelta(days=5), 2: t0}
    finally:
        await engine.dispose()


async def test_broken_marks_start_empty_and_go_with_a_downgrade(db_url: str) -> None:
    """Revision 0008 leaves existing schedules unmarked (the planner will judge them); a mark set afterwards is
    dropped by going back to 0007, and the schedule itself stays."""
    t0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine, "0007")
        async with engine.begin() as conn:
            await conn.execute(insert(table(Branch)).values(
                id=1, chat_id=-11, title="b", timezone="Asia/Shanghai", locale="zh-Hans", status="active",
                invite_code="c1"))
            await conn.execute(insert(table(Schedule)).values(
                id=1, branch_id=1, kind="lesson", series="s", timezone="Asia/Atlantis", recurrence="weekly",
                rule={"days": [0], "time": "20:00"}, starts_at=t0, status="active"))
        await migrate.upgrade(engine, "0008")
        marks = select(Schedule.id, Schedule.broken_at, Schedule.broken_reason)
        async with engine.begin() as conn:
            assert (await conn.execute(marks)).all() == [(1, None, None)]
            await conn.execute(update(table(Schedule)).values(broken_at=t0, broken_reason={"field": "timezone"}))
            assert (await conn.execute(marks)).all() == [(1, t0, {"field": "timezone"})]
        await migrate.downgrade(engine, "0007")
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("schedules")})
            assert (await conn.execute(text("SELECT id, status FROM schedules"))).all() == [(1, "active")]
        assert not {"broken_at", "broken_reason"} & columns
    finally:
        await engine.dispose()


async def test_record_reviews_start_with_the_records_already_made_and_refuse_rewriting(db_url: str) -> None:
    """Revision 0011: a meeting recorded before it waits for review as round 1 `submitted` at its recorded_at, one
    not recorded has no history; the history refuses UPDATE and DELETE; downgrading drops it and keeps meetings."""
    t0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine, "0007")
        async with engine.begin() as conn:
            await conn.execute(insert(table(Branch)).values(
                id=1, chat_id=-11, title="b", timezone="Asia/Shanghai", locale="zh-Hans", status="active",
                invite_code="c1"))
            await conn.execute(insert(table(Meeting)), [
                {"id": i, "branch_id": 1, "type": "committee", "topic": f"m{i}", "starts_at": t0,
                 "ends_at": t0 + timedelta(hours=1), "status": "held", "settings": {}, "recorded_late": False,
                 "recorded_at": t0 + timedelta(hours=2) if i == 1 else None} for i in (1, 2)])
        await migrate.upgrade(engine, "0011")
        async with engine.connect() as conn:
            rows = (await conn.execute(select(RecordReview.meeting_id, RecordReview.round, RecordReview.state,
                                              RecordReview.at))).all()
        assert rows == [(1, 1, ReviewState.SUBMITTED, t0 + timedelta(hours=2))]
        for statement in ("UPDATE record_reviews SET round = 2", "DELETE FROM record_reviews"):
            with pytest.raises(DBAPIError, match="append-only"):
                async with engine.begin() as conn:
                    await conn.execute(text(statement))
        await migrate.downgrade(engine, "0007")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            meetings = (await conn.execute(text("SELECT count(*) FROM meetings"))).scalar_one()
        assert "record_reviews" not in tables and meetings == 2
    finally:
        await engine.dispose()


async def test_branch_lessons_become_inactive_lessons_on_a_downgrade(db_url: str) -> None:
    """Revision 0016 adds branch_lessons and leaves the library's lessons as they were; going back to 0015, an
    imported lesson stays (its deliveries may point at it) but inactive, so no branch can pick it as the library's."""
    t0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    engine = create_engine(db_url)
    try:
        await migrate.upgrade(engine, "0015")
        async with engine.begin() as conn:
            await conn.execute(insert(table(Branch)).values(
                id=1, chat_id=-11, title="b", timezone="Asia/Shanghai", locale="zh-Hans", status="active",
                invite_code="c1"))
            await conn.execute(insert(table(Lesson)), [
                {"id": i, "slug": slug, "series": "s", "position": i, "title": slug, "language": "zh-Hans",
                 "active": True} for i, slug in ((1, "library-one"), (2, "b1.import-0a1b2c3d"))])
        await migrate.upgrade(engine, "0016")
        async with engine.begin() as conn:
            assert (await conn.execute(select(Lesson.id, Lesson.active).order_by(Lesson.id))).all() == [
                (1, True), (2, True)]
            await conn.execute(insert(table(BranchLesson)).values(
                lesson_id=2, branch_id=1, slug="import-0a1b2c3d", source="https://example.org/a", quiz_ready=True,
                imported_at=t0))
        await migrate.downgrade(engine, "0015")
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            active = (await conn.execute(select(Lesson.id, Lesson.active).order_by(Lesson.id))).all()
        assert "branch_lessons" not in tables and active == [(1, True), (2, False)]
        await migrate.upgrade(engine, "0016")
    finally:
        await engine.dispose()


def _cli(env_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LESSON_BOT_DATABASE_URL": env_url}
    return subprocess.run(
        [sys.executable, "-m", "lesson_bot", "db", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_db_upgrade_creates_the_schema_on_a_new_database(db_url: str) -> None:
    """`lesson-bot db upgrade` creates the schema on a new database and reports it; `db current` agrees."""
    first = _cli(db_url, "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"database migrated from empty to {migrate.head_revision()}" in first.stdout
    again = _cli(db_url, "upgrade")
    assert "already at" in again.stdout
    current = _cli(db_url, "current")
    assert "up to date" in current.stdout


def test_cli_reports_a_bad_database_url_in_one_line() -> None:
    """A malformed database URL stops the command with one line naming the variable, not a traceback."""
    result = _cli("mysql://nope", "upgrade")
    assert result.returncode == 2
    assert "LESSON_BOT_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
