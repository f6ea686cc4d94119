"""The fan-out benchmark's rig: a sandbox in its own process, its groups, the workload and what arrived.

Used by benchmarks/fanout.py; nothing here sends a lesson itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tgsandbox import ControlClient

READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
CONTROL_CONCURRENCY = 32
QUESTIONS = ("问题 1", "问题 2", "问题 3")
SEND_METHODS = ("sendMessage", "sendPoll")

_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, so that stdout holds only the results."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def lesson_text(tag: str) -> str:
    """What the first part of the lesson reads like in the chat (after HTML parsing)."""
    return f"第一课 {tag}"


def lesson_payloads(tag: str) -> list[dict[str, Any]]:
    """One lesson as the planner would compose it: a text, then three non-anonymous quiz polls."""
    text = {"method": "sendMessage", "params": {"text": f"<b>第一课</b> {tag}", "parse_mode": "HTML"}}
    polls = [
        {"method": "sendPoll", "params": {"question": question, "options": ["甲", "乙", "丙"], "type": "quiz",
                                          "correct_option_ids": [1], "is_anonymous": False}}
        for question in QUESTIONS
    ]
    return [text, *polls]


def expected_labels(tag: str) -> list[str]:
    """The parts as they must appear in every group, in this order."""
    return [lesson_text(tag), *QUESTIONS]


# --- the sandbox process ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxProcess:
    """A standalone sandbox (``python -m tgsandbox``): its URLs, token and process id."""

    pid: int
    base_url: str
    base_file_url: str
    control_url: str
    token: str

    def cpu_seconds(self) -> float | None:
        """User + system CPU the sandbox has used so far (Linux /proc); None where that is unavailable."""
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # After the command name: state is field 3, utime and stime are fields 14 and 15 of proc(5).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def sandbox_process(time_scale: float) -> Iterator[SandboxProcess]:
    """Start a fresh sandbox with its flood limits on and time-scaled; stop it (and only it) afterwards."""
    command = [sys.executable, "-m", "tgsandbox", "--port", "0", "--time-scale", repr(time_scale)]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            ready = _read_ready_line(process, errors)
            yield SandboxProcess(process.pid, ready["base_url"], ready["base_file_url"], ready["control_url"],
                                 ready["token"])
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _read_ready_line(process: subprocess.Popen[str], errors: Any) -> dict[str, Any]:
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
    line = process.stdout.readline() if readable else ""
    if not line:
        errors.seek(0)
        raise RuntimeError(f"the sandbox did not announce itself within {READY_TIMEOUT_S} s "
                           f"(exit code {process.poll()}): {errors.read()[-2000:]}")
    return dict(json.loads(line))


# --- groups and transcripts ---------------------------------------------------------------------------


async def _bounded(calls: list[Any]) -> list[Any]:
    gate = asyncio.Semaphore(CONTROL_CONCURRENCY)

    async def one(call: Any) -> Any:
        async with gate:
            return await call

    return await asyncio.gather(*(one(call) for call in calls))


async def create_groups(control: ControlClient, count: int) -> list[int]:
    """`count` groups, each created by one member with the bot added; their chat ids."""
    owner = int((await control.create_user("Secretary"))["id"])
    created = await _bounded([control.create_group(f"支部 {number}", [owner]) for number in range(count)])
    return [int(group["chat_id"]) for group in created]


@dataclass
class Arrivals:
    """What the groups' members saw, checked against the lesson's parts."""

    lost: int = 0  # (group, part) pairs missing from the chat
    duplicated: int = 0  # extra copies of a part
    out_of_order: int = 0  # groups whose parts arrived in another order
    unexpected: int = 0  # bot messages that are no part of the lesson


async def check_arrivals(control: ControlClient, chats: list[int], tag: str) -> Arrivals:
    """Read every group's transcript and count lost, duplicated, misordered and unexpected parts."""
    expected = expected_labels(tag)
    transcripts = await _bounded([control.transcript(chat) for chat in chats])
    arrivals = Arrivals()
    for transcript in transcripts:
        labels = [
            message["poll"]["question"] if "poll" in message else message["text"]
            for message in transcript["messages"]
            if message["from"]["is_bot"] and not message["service"]
        ]
        arrivals.unexpected += sum(1 for label in labels if label not in expected)
        seen = [label for label in labels if label in expected]
        arrivals.lost += sum(1 for label in expected if label not in seen)
        arrivals.duplicated += len(seen) - len(set(seen))
        first_seen = list(dict.fromkeys(seen))
        if first_seen != [label for label in expected if label in first_seen]:
            arrivals.out_of_order += 1
    return arrivals


@dataclass(frozen=True)
class Counters:
    """The sandbox's own count of bot sends accepted, refused with 429 (per scope) and requested."""

    accepted: int
    refused: int
    refused_by_scope: dict[str, int]
    requests: int

    @staticmethod
    async def read(control: ControlClient) -> Counters:
        """Read /control/counters."""
        raw = await control.counters()
        flood = raw["flood"]
        scopes = {key: int(value) for key, value in flood.items() if key not in ("total", "accepted")}
        requests = sum(int(raw["requests"].get(method, 0)) for method in SEND_METHODS)
        return Counters(int(flood["accepted"]), int(flood["total"]), scopes, requests)

    def since(self, before: Counters) -> Counters:
        """What happened between two readings."""
        scopes = {key: value - before.refused_by_scope.get(key, 0) for key, value in self.refused_by_scope.items()}
        return Counters(self.accepted - before.accepted, self.refused - before.refused, scopes,
                        self.requests - before.requests)
