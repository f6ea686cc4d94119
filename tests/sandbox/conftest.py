"""Fixtures for sandbox tests: a running sandbox, a real python-telegram-bot Bot pointed at it, people."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from tests.support.sandbox import Branch
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig
from tgsandbox.state import Tunables


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    """A fresh sandbox with flood limits off (the flood tests turn them on explicitly)."""
    async with run_sandbox(
        flood=FloodConfig(enabled=False),
        tunables=Tunables(webhook_retry_base_s=0.05, webhook_retry_max_s=0.2),
    ) as sandbox:
        yield sandbox


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot's own Bot, initialised against the sandbox."""
    async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url) as real_bot:
        yield real_bot


@pytest.fixture
async def branch(sb: Sandbox) -> Branch:
    """A basic group of three people with the bot as a plain member; the secretary has started the bot."""
    secretary = (await sb.control.create_user("Wang", username="wang"))["id"]
    zhao = (await sb.control.create_user("Zhao"))["id"]
    qian = (await sb.control.create_user("Qian"))["id"]
    group = await sb.control.create_group("First Branch", [secretary, zhao, qian])
    await sb.control.start(secretary)
    return Branch(group["chat_id"], secretary, (zhao, qian))
