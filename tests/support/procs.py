"""Helpers for the delivery process tests: a sandbox process, `lesson-bot deliver` workers, the outbox.

Every process is started through `Procs`, which kills what is still running when the test ends (pass or fail)
and prints each process's output, so a failing test shows what the workers logged.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select

from lesson_bot.db import outbox
from lesson_bot.db.models import DeliveryLogEntry, OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import DispatcherConfig
from lesson_bot.domain.enums import DeliveryOutcome
from lesson_bot.domain.messages import part_from_payload
from tgsandbox import ControlClient

TIME_SCALE = 20.0  # the sandbox's flood windows and the workers' limiter, shrunk alike
PARTS = 4  # a lesson text and three quiz polls per group
TIMEOUT_S = 60.0  # hard limit on any one wait; a healthy run needs a few seconds
POLL_S = 0.05  # how often a condition is looked at while waiting for it
STOP_GRACE_S = 10.0  # a process left running at the end gets this long to exit on SIGTERM
MAX_DUPLICATES_PER_KILL = DispatcherConfig().max_sending
READY_LINE = "delivery engine running"
LEADER_LINE = "this replica is the delivery leader"


@dataclass
class Proc:
    """A child process whose stdout and stderr go to one log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log_file: IO[bytes]

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last transaction, as when a machine dies."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=TIMEOUT_S)

    def stop(self) -> int:
        """SIGTERM, then wait for the exit; the return code."""
        self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=TIMEOUT_S)

    def close(self) -> None:
        """Stop it if it still runs (SIGTERM, then SIGKILL if it lingers), reap it, close its log."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        self.popen.wait(timeout=TIMEOUT_S)
        self.log_file.close()


class Procs:
    """Every process a test started, so that none outlives the test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Proc] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> Proc:
        """Start a process in the test's folder (no stray .env is read), its output logged to <name>.log."""
        log_path = self.folder / f"{name}.log"
        log_file = log_path.open("wb")
        try:
            popen = subprocess.Popen(
                args, env=env, cwd=self.folder, stdout=log_file, stderr=subprocess.STDOUT
            )
        except BaseException:
            log_file.close()
            raise
        proc = Proc(name, popen, log_path, log_file)
        self.started.append(proc)
        return proc

    def close(self) -> None:
        """Kill and reap whatever is still running."""
        for proc in self.started:
            proc.close()

    def report(self) -> str:
        """Each process's exit code and output (pytest shows it when a test fails)."""
        return "\n".join(
            f"----- {p.name} (pid {p.popen.pid}, exit {p.popen.returncode}) -----\n{p.output()}"
            for p in self.started
        )


@contextmanager
def processes(folder: Path) -> Iterator[Procs]:
    """A process registry whose processes are killed when the block ends, however it ends."""
    procs = Procs(folder)
    try:
        yield procs
    finally:
        procs.close()
        print(procs.report())


def wait_until(check: Callable[[], bool], what: str, timeout: float = TIMEOUT_S) -> None:
    """Look at a condition every POLL_S until it holds; fail after `timeout` naming what never happened."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL_S)


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = TIMEOUT_S) -> None:
    """The async `wait_until`: for conditions read from the database."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL_S)


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    # The developer's own LESSON_BOT_* settings must not leak into the children.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    return {**env, "PTB_TIMEDELTA": "true", "PYTHONUNBUFFERED": "1", **extra}


@dataclass(frozen=True)
class SandboxInfo:
    base_url: str
    control_url: str
    token: str


def start_sandbox(procs: Procs) -> SandboxInfo:
    """A standalone sandbox process, Telegram's flood limits on and time-scaled; its URLs once ready."""
    args = [sys.executable, "-m", "tgsandbox", "--port", "0", "--time-scale", str(TIME_SCALE)]
    proc = procs.start("sandbox", args, _child_env({}))
    announced: list[dict[str, Any]] = []

    def ready() -> bool:
        assert proc.popen.poll() is None, f"the sandbox exited early:\n{proc.output()}"
        lines = [line for line in proc.output().splitlines() if line.startswith("{")]
        announced.extend(json.loads(line) for line in lines[:1])
        return bool(announced)

    wait_until(ready, "the sandbox's announcement line")
    info = announced[0]
    return SandboxInfo(info["base_url"], info["control_url"], info["token"])


def start_worker(procs: Procs, sandbox: SandboxInfo, db_url: str, name: str) -> Proc:
    """`python -m lesson_bot deliver --time-scale X`: the delivery engine as its own process."""
    env = _child_env(
        {
            "LESSON_BOT_DATABASE_URL": db_url,
            "LESSON_BOT_BOT_TOKEN": sandbox.token,
            "LESSON_BOT_BOT_API_BASE_URL": sandbox.base_url.removesuffix("/bot"),
            "LESSON_BOT_LOG_LEVEL": "INFO",
        }
    )
    args = [sys.executable, "-m", "lesson_bot", "deliver", "--time-scale", str(TIME_SCALE)]
    return procs.start(name, args, env)


async def make_groups(control: ControlClient, n: int) -> list[int]:
    """n groups with the bot in them; their chat ids."""
    owner = (await control.create_user("Owner"))["id"]
    return [int((await control.create_group(f"G{i}", [owner]))["chat_id"]) for i in range(n)]


def lesson_items(chats: Iterable[int], batch: str, due: datetime) -> list[OutboxItem]:
    """One lesson per group as the planner enqueues it: a text, then three quiz polls; labelled batch#part."""
    items = []
    for chat in chats:
        payloads: list[dict[str, Any]] = [
            {"method": "sendMessage", "params": {"text": f"<b>{batch}#0</b> 第一课", "parse_mode": "HTML"}}
        ]
        payloads += [
            {
                "method": "sendPoll",
                "params": {
                    "question": f"{batch}#{n} 问题",
                    "options": ["甲", "乙", "丙"],
                    "type": "quiz",
                    "correct_option_ids": [1],
                    "is_anonymous": False,
                },
            }
            for n in range(1, PARTS)
        ]
        items += [
            OutboxItem.of(f"{batch}:{chat}:{seq}", chat, "lesson", part_from_payload(payload), due, f"{batch}:{chat}",
                          seq=seq)
            for seq, payload in enumerate(payloads)
        ]
    return items


async def enqueue(db: Database, items: list[OutboxItem]) -> None:
    """Put the rows in the outbox, as the planner (in any process) would."""
    async with db.transaction() as s:
        assert await outbox.enqueue(s, items) == len(items)


def _in_batch(batch: str) -> Any:
    return OutboxMessage.dedupe_key.startswith(f"{batch}:")


async def statuses(db: Database, batch: str) -> dict[str, int]:
    """How many of the batch's rows are in each status."""
    async with db.transaction() as s:
        rows = await s.execute(
            select(OutboxMessage.status, func.count()).where(_in_batch(batch)).group_by(OutboxMessage.status)
        )
        return {str(status): count for status, count in rows.all()}


async def open_rows(db: Database, batch: str) -> int:
    """Rows of the batch still pending or claimed."""
    async with db.transaction() as s:
        return int(
            (
                await s.execute(
                    select(func.count()).where(_in_batch(batch), OutboxMessage.status.in_(outbox.OPEN))
                )
            ).scalar_one()
        )


async def settled(db: Database, batch: str, timeout: float = TIMEOUT_S) -> None:
    """Wait until no row of the batch is open (bounded)."""

    async def done() -> bool:
        return await open_rows(db, batch) == 0

    await until(done, f"every row of {batch} to be settled", timeout)


async def sent_entries(db: Database, batch: str) -> list[tuple[int, str]]:
    """The delivery log's "sent" entries for the batch: (outbox row id, worker)."""
    async with db.transaction() as s:
        rows = await s.execute(
            select(DeliveryLogEntry.outbox_id, DeliveryLogEntry.worker)
            .join(OutboxMessage, OutboxMessage.id == DeliveryLogEntry.outbox_id)
            .where(_in_batch(batch), DeliveryLogEntry.outcome == DeliveryOutcome.SENT)
        )
        return [(int(row_id), str(worker)) for row_id, worker in rows.all()]


async def received_parts(control: ControlClient, chat: int, batch: str) -> list[int]:
    """The batch's parts as the group saw them arrive, in order (duplicates included)."""
    messages = (await control.transcript(chat))["messages"]
    labels = [
        m["poll"]["question"] if m.get("poll") else m["text"]
        for m in messages
        if m["from"]["is_bot"] and not m.get("service")
    ]
    prefix = f"{batch}#"
    return [int(label.split()[0].removeprefix(prefix)) for label in labels if label.startswith(prefix)]


def extra_messages(chat: int, parts: list[int]) -> int:
    """Check one group got every part in order, allowing only a part repeated in place; the repeats."""
    collapsed = [p for i, p in enumerate(parts) if i == 0 or parts[i - 1] != p]
    assert collapsed == list(range(PARTS)), f"chat {chat} received parts {parts}"
    return len(parts) - PARTS


async def extras_in(control: ControlClient, chats: list[int], batch: str) -> int:
    """Check every group of the batch got everything in order; the duplicate messages in all."""
    return sum([extra_messages(chat, await received_parts(control, chat, batch)) for chat in chats])


async def refused_429(control: ControlClient) -> int:
    """How many 429s the sandbox gave so far."""
    return int((await control.counters())["flood"]["total"])


async def requests_of(control: ControlClient, method: str) -> int:
    """How many calls of a Bot API method the sandbox received so far."""
    return int((await control.counters())["requests"].get(method, 0))


def leaders(replicas: list[Proc]) -> list[Proc]:
    """The replicas that have said they lead."""
    return [r for r in replicas if LEADER_LINE in r.output()]
