"""SIGTERM to the leader of two `lesson-bot deliver` replicas on one PostgreSQL database, mid-broadcast: it lets
its sends under way finish, steps down and exits 0; the other replica takes over and finishes the broadcast with
nothing lost and nothing sent twice (docs/operations.md, graceful shutdown). With three, a SIGTERM and then a
kill -9 in one broadcast: leadership moves twice, nothing is lost."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.delivery.leader import STEPPED_DOWN
from tests.support.procs import (
    LEADER_LINE,
    MAX_DUPLICATES_PER_KILL,
    PARTS,
    READY_LINE,
    TIMEOUT_S,
    Procs,
    SandboxInfo,
    enqueue,
    extras_in,
    leaders,
    lesson_items,
    make_groups,
    open_rows,
    processes,
    requests_of,
    sent_entries,
    settled,
    start_sandbox,
    start_worker,
    statuses,
    wait_until,
)
from tgsandbox import ControlClient

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

GROUPS = 120


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[Database]:
    """A PostgreSQL database migrated before any replica starts."""
    database = Database(create_engine(pg_url))
    try:
        await migrate.upgrade(database.engine)
        yield database
    finally:
        await database.dispose()


async def broadcast_with_sigterm(procs: Procs, sandbox: SandboxInfo, control: ControlClient, db: Database,
                                 db_url: str) -> str:
    """Start two replicas, broadcast, SIGTERM the leader mid-way; what happened, for the test's output."""
    chats = await make_groups(control, GROUPS)
    replicas = [start_worker(procs, sandbox, db_url, f"replica-{i}") for i in range(2)]
    wait_until(lambda: all(READY_LINE in r.output() for r in replicas), "both replicas to be running")
    wait_until(lambda: bool(leaders(replicas)), "a leader to be elected")
    [leader] = leaders(replicas)
    [follower] = [r for r in replicas if r is not leader]

    polls_before = await requests_of(control, "sendPoll")
    await enqueue(db, lesson_items(chats, "g1", datetime.now(UTC)))
    await control.wait_requests("sendPoll", polls_before + GROUPS // 2, timeout=TIMEOUT_S)
    stopped_at = time.monotonic()
    assert leader.stop() == 0, leader.output()  # SIGTERM, and the exit code once it has stopped
    stop_s = time.monotonic() - stopped_at
    left_open = await open_rows(db, "g1")
    wait_until(lambda: LEADER_LINE in follower.output(), "the other replica to take the lead")
    takeover_s = time.monotonic() - stopped_at
    await settled(db, "g1")

    rows = GROUPS * PARTS
    assert await statuses(db, "g1") == {"sent": rows}  # nothing lost
    assert await extras_in(control, chats, "g1") == 0  # each group got each part once, in order
    entries = await sent_entries(db, "g1")
    assert len(entries) == rows and len({row for row, _ in entries}) == rows  # one "sent" per row
    assert len({worker for _, worker in entries}) == 2  # both leaders sent part of it
    output = leader.output()
    assert STEPPED_DOWN in output and "SIGTERM: stopping" in output
    assert "Traceback" not in output
    assert follower.stop() == 0
    return (f"leader stopped in {stop_s:.1f} s with {left_open} rows open; the follower led {takeover_s:.1f} s "
            f"after the SIGTERM")


async def test_sigterm_to_the_leader_mid_broadcast_loses_nothing_and_sends_nothing_twice(
        db: Database, pg_url: str, tmp_path: Path) -> None:
    """The stopped leader finishes its sends under way and steps down; the follower takes over and sends the
    rest: every row sent exactly once, every group's parts once and in order."""
    with processes(tmp_path) as procs:
        sandbox = start_sandbox(procs)
        control = ControlClient(sandbox.control_url)
        try:
            print(await broadcast_with_sigterm(procs, sandbox, control, db, pg_url))
        finally:
            await control.aclose()


async def test_three_replicas_a_sigterm_then_a_kill_mid_broadcast_lose_nothing(
        db: Database, pg_url: str, tmp_path: Path) -> None:
    """Three replicas: the leader is stopped with SIGTERM a third of the way through a broadcast, the replica that
    takes over is killed (kill -9) a third later, and the last one finishes it. Every row is sent and recorded once;
    copies in the groups come only from the kill (the sends it had in flight), none from the stop."""
    with processes(tmp_path) as procs:
        sandbox = start_sandbox(procs)
        control = ControlClient(sandbox.control_url)
        try:
            chats = await make_groups(control, GROUPS)
            replicas = [start_worker(procs, sandbox, pg_url, f"replica-{i}") for i in range(3)]
            wait_until(lambda: all(READY_LINE in r.output() for r in replicas), "the three replicas to be running")
            wait_until(lambda: bool(leaders(replicas)), "a leader to be elected")
            [first] = leaders(replicas)
            polls = await requests_of(control, "sendPoll")
            await enqueue(db, lesson_items(chats, "g3", datetime.now(UTC)))
            await control.wait_requests("sendPoll", polls + GROUPS // 3, timeout=TIMEOUT_S)
            assert first.stop() == 0, first.output()
            others = [r for r in replicas if r is not first]
            wait_until(lambda: bool(leaders(others)), "a second replica to take the lead")
            [second] = leaders(others)
            await control.wait_requests("sendPoll", polls + 2 * GROUPS // 3, timeout=TIMEOUT_S)
            second.kill()
            [third] = [r for r in others if r is not second]
            wait_until(lambda: LEADER_LINE in third.output(), "the last replica to take the lead")
            await settled(db, "g3")

            rows = GROUPS * PARTS
            assert await statuses(db, "g3") == {"sent": rows}  # nothing lost
            entries = await sent_entries(db, "g3")
            assert len(entries) == rows and len({row for row, _ in entries}) == rows  # one "sent" per row
            assert len({worker for _, worker in entries}) == 3  # each leader in turn sent part of it
            assert await extras_in(control, chats, "g3") <= MAX_DUPLICATES_PER_KILL
            assert STEPPED_DOWN in first.output() and "Traceback" not in first.output()
            assert third.stop() == 0
        finally:
            await control.aclose()
