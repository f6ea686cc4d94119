"""The sandbox side of the harness: draining updates, a basic branch, a picture, a standalone sandbox process,
and what the bot said in a chat."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import telegram

from tgsandbox import ControlClient


async def drain(bot: telegram.Bot) -> list[telegram.Update]:
    """Fetch and confirm every pending update (as a poller would); the updates, parsed by PTB."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return list(updates)


# A 1x1 PNG: what a phone would send as a photo (of an attendance sheet, say).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@contextlib.contextmanager
def standalone(
    args: Sequence[str], executable: Sequence[str] = (sys.executable,)
) -> Iterator[dict[str, Any]]:
    """Run a sandbox process; yields the JSON line it announces when ready."""
    process = subprocess.Popen(
        [*executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        yield json.loads(line)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@dataclass
class Branch:
    """A group with a secretary and two members, the bot in it, and the secretary's private chat started."""

    chat_id: int
    secretary: int
    members: tuple[int, int]


class HasControl(Protocol):
    """A sandbox, or the bot harness around one: what the transcript helpers read through."""

    @property
    def control(self) -> ControlClient: ...


async def bot_posts(where: HasControl, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
    """The bot's messages in a chat as the transcript shows them now (after edits), those after message `after`."""
    return [m for m in (await where.control.transcript(chat_id))["messages"]
            if m["from"]["is_bot"] and m["message_id"] > after]


async def bot_texts(where: HasControl, chat_id: int) -> list[str]:
    """What the bot said in a chat, in order: each message's text or poll's question; service messages left out."""
    return [m["poll"]["question"] if "poll" in m else m["text"] for m in await bot_posts(where, chat_id)
            if not m["service"]]
