"""kill -9 of `lesson-bot deliver` mid-broadcast, then a restart: nothing lost, duplicates within the bound.

The design bound (docs/delivery.md): after a SIGKILL only messages whose HTTP request was under way can be
sent twice, at most DispatcherConfig.max_sending per kill. Each trial kills the worker after a different,
seeded number of sends, so the kills land at different points of the broadcast.
"""

from __future__ import annotations

import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from tests.support.procs import (
    MAX_DUPLICATES_PER_KILL,
    PARTS,
    TIMEOUT_S,
    Procs,
    SandboxInfo,
    enqueue,
    extras_in,
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
)
from tgsandbox import ControlClient

pytestmark = pytest.mark.slow

TRIALS = {"sqlite": 5, "postgresql": 3}  # PostgreSQL's trials repeat SQLite's first kill points
GROUPS = 30
SEED = 20250905


@dataclass
class Rig:
    procs: Procs
    sandbox: SandboxInfo
    control: ControlClient
    db: Database
    db_url: str
    figures: list[str] = field(default_factory=list)


@pytest.fixture
async def rig(migrated_db_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    """A sandbox process and a migrated database; every process is stopped at the end, pass or fail."""
    with processes(tmp_path) as procs:
        sandbox = start_sandbox(procs)
        control = ControlClient(sandbox.control_url)
        db = Database(create_engine(migrated_db_url))
        rig = Rig(procs, sandbox, control, db, migrated_db_url)
        try:
            yield rig
        finally:
            print("\n".join(rig.figures))
            await control.aclose()
            await db.dispose()


async def test_a_broadcast_killed_at_random_points_loses_nothing(rig: Rig) -> None:
    """Killed with SIGKILL mid-broadcast and restarted, every group still gets its whole lesson in order,
    with at most max_sending messages repeated per kill."""
    rng = random.Random(SEED)
    chats = await make_groups(rig.control, GROUPS)
    polls_per_batch = GROUPS * (PARTS - 1)
    worker = start_worker(rig.procs, rig.sandbox, rig.db_url, "worker-0")
    for trial in range(TRIALS[make_url(rig.db_url).get_backend_name()]):
        batch = f"t{trial}"
        # Wait on polls (parts 1-3), so a kill can land from the first groups' quizzes to near the end.
        kill_after = rng.randint(1, polls_per_batch - GROUPS // 2)
        polls_before = await requests_of(rig.control, "sendPoll")
        await enqueue(rig.db, lesson_items(chats, batch, datetime.now(UTC)))
        started = time.monotonic()
        await rig.control.wait_requests("sendPoll", polls_before + kill_after, timeout=TIMEOUT_S)
        to_kill = time.monotonic() - started
        worker.kill()
        left_open = await open_rows(rig.db, batch)
        worker = start_worker(rig.procs, rig.sandbox, rig.db_url, f"worker-{trial + 1}")
        await settled(rig.db, batch)
        to_settle = time.monotonic() - started - to_kill

        assert await statuses(rig.db, batch) == {"sent": GROUPS * PARTS}
        entries = await sent_entries(rig.db, batch)
        assert sorted(row for row, _ in entries) == sorted({row for row, _ in entries})  # one "sent" per row
        assert len(entries) == GROUPS * PARTS
        extras = await extras_in(rig.control, chats, batch)
        rig.figures.append(
            f"{batch}: killed after {kill_after}/{polls_per_batch} polls, {left_open} rows open "
            f"at the kill, {extras} duplicate messages "
            f"({to_kill:.1f} s to the kill, {to_settle:.1f} s to settle)"
        )
        assert extras <= MAX_DUPLICATES_PER_KILL
    assert worker.stop() == 0
    assert "Traceback" not in worker.output()
    rig.figures.append(f"429s from the sandbox: {await refused_429(rig.control)}")
