"""Three `lesson-bot deliver` replicas on one PostgreSQL database: one leader sends each row once, and when
the leader is killed mid-broadcast another replica takes over and finishes it (docs/delivery.md)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from tests.support.procs import (
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
    refused_429,
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

REPLICAS = 3
GROUPS = 120
SEED = 20250906


@dataclass
class Rig:
    procs: Procs
    sandbox: SandboxInfo
    control: ControlClient
    db: Database
    db_url: str
    figures: list[str] = field(default_factory=list)


@pytest.fixture
async def rig(pg_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    """A migrated PostgreSQL database and a sandbox process; every process is stopped at the end."""
    db = Database(create_engine(pg_url))
    try:
        # Migrated before any replica starts, so the replicas' own upgrade at start-up has nothing to do.
        await migrate.upgrade(db.engine)
        with processes(tmp_path) as procs:
            sandbox = start_sandbox(procs)
            control = ControlClient(sandbox.control_url)
            rig = Rig(procs, sandbox, control, db, pg_url)
            try:
                yield rig
            finally:
                print("\n".join(rig.figures))
                await control.aclose()
    finally:
        await db.dispose()


async def test_three_replicas_send_each_row_once_and_survive_the_leaders_death(rig: Rig) -> None:
    """With three replicas running, every group gets each lesson part exactly once, all sent by one leader;
    when the leader is killed mid-broadcast another replica finishes it with nothing lost."""
    chats = await make_groups(rig.control, GROUPS)
    rows = GROUPS * PARTS
    replicas = [start_worker(rig.procs, rig.sandbox, rig.db_url, f"replica-{i}") for i in range(REPLICAS)]
    wait_until(lambda: all(READY_LINE in r.output() for r in replicas), "every replica to be running")
    wait_until(lambda: bool(leaders(replicas)), "a leader to be elected")
    [leader] = leaders(replicas)

    await enqueue(rig.db, lesson_items(chats, "b1", datetime.now(UTC)))
    await settled(rig.db, "b1")
    assert await statuses(rig.db, "b1") == {"sent": rows}
    assert await extras_in(rig.control, chats, "b1") == 0  # each message once in its chat
    entries = await sent_entries(rig.db, "b1")
    assert len(entries) == rows and len({row for row, _ in entries}) == rows  # one "sent" per row
    workers = {worker for _, worker in entries}
    assert len(workers) == 1, f"rows were sent by {workers}"
    [leader_worker] = workers
    assert leaders(replicas) == [leader]
    rig.figures.append(
        f"b1: {rows} rows sent once each by {leader.name}; "
        f"429s from the sandbox: {await refused_429(rig.control)}"
    )

    polls = GROUPS * (PARTS - 1)
    kill_after = random.Random(SEED).randint(1, polls - GROUPS // 2)
    polls_before = await requests_of(rig.control, "sendPoll")
    await enqueue(rig.db, lesson_items(chats, "b2", datetime.now(UTC)))
    await rig.control.wait_requests("sendPoll", polls_before + kill_after, timeout=TIMEOUT_S)
    leader.kill()
    left_open = await open_rows(rig.db, "b2")
    survivors = [r for r in replicas if r is not leader]
    wait_until(lambda: bool(leaders(survivors)), "a surviving replica to take the lead")
    await settled(rig.db, "b2")

    assert await statuses(rig.db, "b2") == {"sent": rows}
    extras = await extras_in(rig.control, chats, "b2")
    entries = await sent_entries(rig.db, "b2")
    assert len(entries) == rows and len({row for row, _ in entries}) == rows
    successors = {worker for _, worker in entries} - {leader_worker}
    assert len(successors) == 1, f"after the kill rows were sent by {successors}"
    [new_leader] = leaders(survivors)
    rig.figures.append(
        f"b2: leader killed after {kill_after}/{polls} polls with {left_open} rows open; "
        f"{new_leader.name} finished; {extras} duplicate messages; "
        f"429s from the sandbox: {await refused_429(rig.control)}"
    )
    assert extras <= MAX_DUPLICATES_PER_KILL
    for replica in survivors:
        assert replica.stop() == 0
        assert "Traceback" not in replica.output()


async def test_a_leader_that_loses_its_lock_but_lives_stops_sending_and_duplicates_stay_bounded(rig: Rig) -> None:
    """The leader's lock connection is cut mid-broadcast (pg_terminate_backend) while its process lives on: once
    another replica leads, the old one can neither claim nor settle, and starts no send; everything arrives, at
    most max_sending messages twice."""
    from sqlalchemy import text

    chats = await make_groups(rig.control, GROUPS * 4)
    rows = len(chats) * PARTS
    replicas = [start_worker(rig.procs, rig.sandbox, rig.db_url, f"replica-{i}") for i in range(REPLICAS)]
    wait_until(lambda: all(READY_LINE in r.output() for r in replicas), "every replica to be running")
    wait_until(lambda: bool(leaders(replicas)), "a leader to be elected")
    [leader] = leaders(replicas)
    await enqueue(rig.db, lesson_items(chats, "b3", datetime.now(UTC)))
    await rig.control.wait_requests("sendPoll", len(chats) // 2, timeout=TIMEOUT_S)
    async with rig.db.transaction() as s:
        cut = (await s.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        ))).scalars().all()
    assert cut == [True]
    await settled(rig.db, "b3")
    assert await statuses(rig.db, "b3") == {"sent": rows}
    extras = await extras_in(rig.control, chats, "b3")
    entries = await sent_entries(rig.db, "b3")
    assert len(entries) == rows and len({row for row, _ in entries}) == rows  # one "sent" per row
    rig.figures.append(f"b3: lock connection of {leader.name} cut; {extras} duplicate messages; "
                       f"429s from the sandbox: {await refused_429(rig.control)}")
    assert leader.popen.poll() is None  # it lived on
    assert extras <= MAX_DUPLICATES_PER_KILL
