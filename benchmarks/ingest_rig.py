"""The ingestion benchmark's rig: processes pinned to their cores, the database, the sandbox's people and groups.

Used by benchmarks/ingest.py. The sandbox (with this driver) runs on CPU 0 and the bot under test on CPU 1, like a
bot beside a Telegram it does not share a core with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from tgsandbox import ControlClient

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0
CONTROL_CONCURRENCY = 16
SANDBOX_CPU, BOT_CPU = 0, 1
PG_SERVER_URL = os.environ.get("LESSON_BOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, so that stdout holds only the results."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


# The CPUs this run may use, read once before anything is pinned: the driver pins itself to CPU 0 first, and its
# own affinity must not then hide CPU 1 from the bot (an earlier version ran the bot on CPU 0 beside the sandbox).
CPUS = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else frozenset()


def pin(pid: int, cpu: int) -> None:
    """Keep a process on one CPU (when the machine has it)."""
    if cpu in CPUS and len(CPUS) > 1:
        os.sched_setaffinity(pid, {cpu})


def affinity(pid: int) -> str:
    """The CPUs a process may run on, for the report ("?" where the platform does not tell)."""
    try:
        return ",".join(str(c) for c in sorted(os.sched_getaffinity(pid)))
    except (AttributeError, OSError):
        return "?"


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a process has used so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- processes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxProcess:
    pid: int
    base_url: str
    control_url: str
    token: str

    @property
    def api_root(self) -> str:
        return self.base_url.removesuffix("/bot")


def _ready_line(process: subprocess.Popen[str], errors: Any, what: str) -> dict[str, Any]:
    assert process.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        readable, _, _ = select.select([process.stdout], [], [], 0.5)
        if readable:
            line = process.stdout.readline()
            if not line:
                break
            with contextlib.suppress(ValueError):
                return dict(json.loads(line))
        elif process.poll() is not None:
            break
    errors.seek(0)
    raise RuntimeError(f"{what} did not announce itself (exit code {process.poll()}): {errors.read()[-3000:]}")


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@contextlib.contextmanager
def sandbox_process() -> Iterator[SandboxProcess]:
    """A fresh standalone sandbox on CPU 0, flood limits off (answers to taps are not flood-limited anyway)."""
    command = [sys.executable, "-m", "tgsandbox", "--port", "0", "--no-flood"]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            pin(process.pid, SANDBOX_CPU)
            ready = _ready_line(process, errors, "the sandbox")
            yield SandboxProcess(process.pid, ready["base_url"], ready["control_url"], ready["token"])
        finally:
            _stop(process)


@dataclass(frozen=True)
class BotProcess:
    pid: int
    port: int | None


@contextlib.contextmanager
def bot_process(command: Sequence[str], env: dict[str, str], wait_line: bool, log: Path) -> Iterator[BotProcess]:
    """The bot under test on CPU 1; stopped with SIGTERM (then SIGKILL) afterwards."""
    with open(log, "w+", encoding="utf-8") as errors:
        process = subprocess.Popen([sys.executable, *command], env={**os.environ, **env}, cwd=REPO_ROOT,
                                   stdout=subprocess.PIPE if wait_line else subprocess.DEVNULL, stderr=errors,
                                   text=True)
        try:
            pin(process.pid, BOT_CPU)
            if wait_line:
                _ready_line(process, errors, "the bot")
            yield BotProcess(process.pid, None)
        finally:
            _stop(process)


# --- databases ---------------------------------------------------------------------------------------------


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_SERVER_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[str]:
    """A new, migrated database for one run (an SQLite file, or a PostgreSQL database dropped afterwards)."""
    from lesson_bot.db import migrate
    from lesson_bot.db.engine import create_engine

    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'ingest.db'}"
        name = None
    else:
        name = f"lb_ingest_{uuid.uuid4().hex[:10]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        url = PG_SERVER_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{name}"
    try:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()
        yield url
    finally:
        if name is not None:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the sandbox's people ----------------------------------------------------------------------------------


async def bounded(calls: Sequence[Awaitable[T]], limit: int = CONTROL_CONCURRENCY) -> list[T]:
    """Await the calls with at most `limit` in flight; results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return await asyncio.gather(*(one(call) for call in calls))


@dataclass(frozen=True)
class World:
    """The groups (chat ids) and their members (Telegram user ids), and the admin who set it all up."""

    admin: int
    groups: list[int]
    members: dict[int, list[int]]


async def create_world(control: ControlClient, groups: int, per_group: int) -> World:
    """`groups` groups of `per_group` members each; the bot is an administrator in every group."""
    admin = int((await control.create_user("Admin", username="ingest_admin"))["id"])
    await control.start(admin)
    people = await bounded([control.create_user(f"党员{n}", language_code="zh-hans")
                            for n in range(groups * per_group)])
    ids = [int(person["id"]) for person in people]
    member_lists = [ids[g * per_group:(g + 1) * per_group] for g in range(groups)]
    created = await bounded([control.create_group(f"第{g + 1}党支部", [admin, *members], bot_admin=True)
                             for g, members in enumerate(member_lists)])
    chats = [int(group["chat_id"]) for group in created]
    return World(admin, chats, dict(zip(chats, member_lists, strict=True)))
