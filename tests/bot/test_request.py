"""python-telegram-bot on the aiohttp backend (bot/request.py) against the sandbox: forms, uploads, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.error import BadRequest, NetworkError, TimedOut

from lesson_bot.bot.request import AiohttpRequest
from tgsandbox import Sandbox, run_sandbox
from tgsandbox.limits import FloodConfig


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with run_sandbox(flood=FloodConfig(enabled=False)) as sandbox:
        yield sandbox


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url,
                            request=AiohttpRequest(), get_updates_request=AiohttpRequest(1)) as real_bot:
        yield real_bot


async def test_messages_uploads_and_taps_go_through_aiohttp(sb: Sandbox, bot: telegram.Bot) -> None:
    """A member sees the bot's text and the document it uploaded, and their tap gets the bot's answer."""
    user = (await sb.control.create_user("Li"))["id"]
    await sb.control.start(user)
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("✅ 已学习", callback_data="ls:done:1")]])
    sent = await bot.send_message(user, "第一课 <b>三会一课</b>", parse_mode="HTML", reply_markup=keyboard)
    await bot.send_document(user, b"name,score\nLi,3\n", filename="scores.csv", caption="成绩")
    updates = await bot.get_updates(timeout=0)
    assert updates and updates[0].message is not None and updates[0].message.text == "/start"
    tap = await sb.control.press(user, sent.message_id, user, data="ls:done:1")
    await bot.answer_callback_query(tap["callback_query_id"], "已记录")
    assert (await sb.control.callback(tap["callback_query_id"]))["answer"]["text"] == "已记录"
    messages = (await sb.control.transcript(user))["messages"]
    assert [m.get("text") for m in messages[-2:]] == ["第一课 三会一课", "成绩"]
    assert messages[-1]["media"]["kind"] == "document"


async def test_telegram_errors_and_unreachable_servers_map_like_httpx(sb: Sandbox, bot: telegram.Bot) -> None:
    """A refused call is BadRequest with Telegram's text; a server that is gone is a NetworkError."""
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hello")
    request = AiohttpRequest(connect_timeout=1)
    await request.initialize()
    try:
        with pytest.raises((NetworkError, TimedOut)):
            await request.post("http://127.0.0.1:9/bot123:abc/getMe")
    finally:
        await request.shutdown()
