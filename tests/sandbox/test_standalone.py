"""The standalone sandbox (`lesson-bot sandbox`, `python -m tgsandbox`) and a plain PTB bot."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import telegram

from tgsandbox import ControlClient

LESSON_BOT = [sys.executable, "-c", "from lesson_bot.cli import main; main()"]


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


async def test_cli_sandbox_serves_a_plain_ptb_bot() -> None:
    """`lesson-bot sandbox` prints a base URL and a token that python-telegram-bot alone can use."""
    with standalone(["sandbox", "--port", "0", "--json"], executable=LESSON_BOT) as announced:
        control = ControlClient(announced["control_url"])
        try:
            user = await control.create_user("Li")
            await control.start(user["id"], "branch-7")
            async with telegram.Bot(announced["token"], base_url=announced["base_url"]) as bot:
                (update,) = await bot.get_updates()
                assert update.message is not None and update.message.text == "/start branch-7"
                await bot.send_message(user["id"], "欢迎")
            transcript = await control.transcript(user["id"])
            assert [m["text"] for m in transcript["messages"]] == ["/start branch-7", "欢迎"]
        finally:
            await control.aclose()


async def test_module_entry_point_takes_a_token() -> None:
    """`python -m tgsandbox --token T` accepts exactly that token."""
    token = "123456:sandbox-test-token"
    with standalone(["-m", "tgsandbox", "--token", token, "--time-scale", "10"]) as announced:
        assert announced["token"] == token
        async with telegram.Bot(token, base_url=announced["base_url"]) as bot:
            assert bot.bot.id == 123456
