"""/dashboard in the real bot: a one-time login link in private, and the dashboard as the Mini App menu button."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import MenuButtonCommands, MenuButtonWebApp

from lesson_bot.services.web_sessions import LoginRefused
from tests.support.bot import Harness, start_harness

PUBLIC = "https://party.example.org"


@pytest.fixture
async def with_dashboard(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    target = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, target)
    async for h in start_harness(f"sqlite+aiosqlite:///{target}", public_url=PUBLIC, session_secret="s" * 40):
        yield h


async def test_dashboard_sends_a_one_time_link_and_the_menu_opens_the_mini_app(with_dashboard: Harness) -> None:
    """In private the member gets a link to the public URL that signs them in once; the menu button of private
    chats opens the Mini App; in a group the bot says to ask in private and shows no link."""
    h = with_dashboard
    zhou = await h.user("Zhou")
    await h.start(zhou)
    [reply] = await h.say(zhou, zhou, "/dashboard")
    assert "只能使用一次" in reply["text"] and "10 分钟" in reply["text"]
    [url] = re.findall(r'href="([^"]+)"', reply.get("html") or "") or [
        e["url"] for e in reply.get("entities", []) if e.get("type") == "text_link"]
    assert url.startswith(f"{PUBLIC}/login/")
    user = await h.services.web_sessions.consume(url.rsplit("/", 1)[1])
    assert user.telegram_user_id == zhou
    with pytest.raises(LoginRefused):
        await h.services.web_sessions.consume(url.rsplit("/", 1)[1])
    button = await h.app.bot.get_chat_menu_button()
    assert isinstance(button, MenuButtonWebApp) and button.web_app.url == f"{PUBLIC}/app" and button.text == "看板"
    group = await h.control.create_group("一支部群", [zhou])
    await h.bot_messages(int(group["chat_id"]), 0)
    [hint] = await h.say(int(group["chat_id"]), zhou, "/dashboard")
    assert "私聊" in hint["text"] and "login" not in str(hint)


async def test_without_a_public_url_the_dashboard_is_not_offered(harness: Harness) -> None:
    """With no dashboard configured, /dashboard says so and the menu button stays the command list."""
    zhou = await harness.user("Zhou", language_code="en")
    await harness.start(zhou)
    [reply] = await harness.say(zhou, zhou, "/dashboard")
    assert reply["text"] == "The web dashboard is not set up on this server: ask your administrator."
    assert isinstance(await harness.app.bot.get_chat_menu_button(), MenuButtonCommands)
