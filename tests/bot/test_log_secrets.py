"""At LESSON_BOT_LOG_LEVEL=DEBUG the libraries log Bot API URLs: no record, at any level, shows the token."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.support.bot import start_harness


async def test_the_token_never_appears_in_the_logs_at_debug(
        sqlite_template: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The bot starts, answers /help and a tap at DEBUG: the token shows as [redacted] wherever it was logged."""
    target = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, target)
    caplog.set_level(logging.DEBUG)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}"):
        token = h.sb.token
        li = await h.user("Li")
        await h.start(li)
        await h.say(li, li, "/help")
        [prompt] = await h.say(li, li, "/lang")
        await h.tap(li, prompt["message_id"], li, prompt["buttons"][0][0]["callback_data"])
        await h.barrier()
    formatter = logging.Formatter("%(name)s %(message)s")
    logged = [formatter.format(record) for record in caplog.records]
    assert len(logged) > 100  # DEBUG was on: the libraries said a lot
    assert not [line for line in logged if token in line]
    assert any("[redacted]" in line for line in logged)  # the token was there to hide
