"""Flood limits over real HTTP: python-telegram-bot sees Telegram's 429s; its AIORateLimiter rides them out.

Tests that check exact retry_after values give the sandbox's limiter a clock they advance themselves
(white-box: the limiter is replaced in the running sandbox's state); the others configure the running
sandbox through the control API and use real time, scaled down.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import httpx
import pytest
import telegram
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, ExtBot

from tests.support.clock import ManualClock as Clock
from tests.support.sandbox import Branch, bot_texts
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND, GROUP_MESSAGES_PER_MINUTE
from tgsandbox import Sandbox
from tgsandbox.limits import FloodConfig, FloodLimiter


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read RetryAfter.retry_after as a timedelta (PTB 22.8 warns about the int form otherwise)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock(sb: Sandbox) -> Clock:
    """Telegram's default budget in the running sandbox, on a clock the test controls."""
    fake = Clock(0.0)
    sb.state.flood = FloodLimiter(FloodConfig(), clock=fake)
    return fake


async def started_user(sb: Sandbox, name: str) -> int:
    user_id = int((await sb.control.create_user(name))["id"])
    await sb.control.start(user_id)
    return user_id


@pytest.fixture
async def patient_bot(sb: Sandbox) -> AsyncIterator[ExtBot[int]]:
    """PTB's ExtBot whose AIORateLimiter does no throttling of its own and retries every 429."""
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=30)
    async with ExtBot(sb.token, base_url=sb.base_url, base_file_url=sb.base_file_url, rate_limiter=limiter) as ext:
        yield ext


async def test_a_private_chat_gets_a_burst_then_retry_after_one_second(
    bot: telegram.Bot, sb: Sandbox, clock: Clock
) -> None:
    """Three quick messages to a member arrive; the fourth raises RetryAfter(1 s) and is not delivered."""
    user = await started_user(sb, "Li")
    for number in range(3):
        await bot.send_message(user, f"m{number}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(user, "m3")
    assert refused.value.retry_after == dtm.timedelta(seconds=1)
    assert await bot_texts(sb, user) == ["m0", "m1", "m2"]
    clock.advance(1)
    await bot.send_message(user, "m3")
    assert (await sb.control.counters())["flood"]["chat"] == 1


async def test_the_429_answer_has_telegrams_shape(sb: Sandbox, clock: Clock) -> None:
    """The refusal is HTTP 429 with "retry after N" and an integer parameters.retry_after."""
    user = await started_user(sb, "Li")
    url = f"{sb.base_url}{sb.token}/sendMessage"
    async with httpx.AsyncClient() as http:
        for _ in range(3):
            assert (await http.post(url, data={"chat_id": user, "text": "x"})).status_code == 200
        answer = await http.post(url, data={"chat_id": user, "text": "x"})
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_a_group_gets_twenty_messages_a_minute(
    bot: telegram.Bot, sb: Sandbox, branch: Branch, clock: Clock
) -> None:
    """The 21st message in a minute, or an edit then, waits until the oldest is a minute old."""
    sent = []
    for number in range(GROUP_MESSAGES_PER_MINUTE):
        sent.append(await bot.send_message(branch.chat_id, f"lesson {number}"))
        clock.advance(1)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(branch.chat_id, "one too many")
    assert refused.value.retry_after == dtm.timedelta(seconds=40)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("edited", branch.chat_id, sent[0].message_id)
    clock.advance(40)
    await bot.send_message(branch.chat_id, "on time")
    assert (await bot_texts(sb, branch.chat_id))[-1] == "on time"
    assert (await sb.control.counters())["flood"]["group"] == 2


async def test_the_whole_bot_gets_about_thirty_messages_per_second(
    bot: telegram.Bot, sb: Sandbox, clock: Clock
) -> None:
    """Thirty members can be messaged at once; the next message anywhere waits a second."""
    users = [await started_user(sb, f"member {n}") for n in range(GLOBAL_MESSAGES_PER_SECOND + 1)]
    for user in users[:-1]:
        await bot.send_message(user, "通知")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(users[-1], "通知")
    assert refused.value.retry_after == dtm.timedelta(seconds=1)
    counters = (await sb.control.counters())["flood"]
    assert (counters["global"], counters["chat"], counters["group"]) == (1, 0, 0)


async def test_time_scale_shrinks_the_group_window_proportionally(
    bot: telegram.Bot, sb: Sandbox, branch: Branch
) -> None:
    """At time_scale 60 the group minute lasts one second, and retry_after is a fraction of it."""
    clock = Clock(0.0)
    sb.state.flood = FloodLimiter(FloodConfig(time_scale=60), clock=clock)
    for number in range(GROUP_MESSAGES_PER_MINUTE):
        await bot.send_message(branch.chat_id, f"lesson {number}")
        clock.advance(1 / 60)
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(branch.chat_id, "one too many")
    assert refused.value.retry_after == dtm.timedelta(seconds=0.666667)  # 40 s of Telegram's minute / 60


async def test_time_scale_set_through_the_control_api(bot: telegram.Bot, sb: Sandbox, branch: Branch) -> None:
    """At time_scale 4 the 21st quick group message waits at most 15 s, in whole quarter seconds."""
    await sb.control.set_flood(enabled=True, time_scale=4, chat_burst=GROUP_MESSAGES_PER_MINUTE + 5)
    for number in range(GROUP_MESSAGES_PER_MINUTE):
        await bot.send_message(branch.chat_id, f"lesson {number}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(branch.chat_id, "one too many")
    wait = refused.value.retry_after
    assert isinstance(wait, dtm.timedelta)
    assert dtm.timedelta(0) < wait <= dtm.timedelta(seconds=60 / 4)
    assert (wait.total_seconds() * 4).is_integer()  # whole scaled seconds


async def test_ptb_rate_limiter_rides_out_per_chat_429s(patient_bot: ExtBot[int], sb: Sandbox) -> None:
    """With AIORateLimiter(max_retries), every message of a quick burst reaches the member, in order."""
    user = await started_user(sb, "Li")
    # One message per half second and no burst: every message after the first is refused at least once.
    await sb.control.set_flood(enabled=True, time_scale=2, chat_burst=1)
    texts = [f"第{n}条" for n in range(5)]
    for text in texts:
        await patient_bot.send_message(user, text)
    assert await bot_texts(sb, user) == texts
    assert (await sb.control.counters())["flood"]["chat"] >= len(texts) - 1


async def test_ptb_rate_limiter_rides_out_a_full_group_window(
    patient_bot: ExtBot[int], sb: Sandbox, branch: Branch
) -> None:
    """A concurrent burst of 25 messages to one group all arrive although the sandbox refused some."""
    # A two-second group window; per-chat bursts are allowed so that the group limit is the one hit.
    await sb.control.set_flood(enabled=True, time_scale=30, chat_burst=30)
    texts = [f"lesson {n}" for n in range(GROUP_MESSAGES_PER_MINUTE + 5)]
    await asyncio.gather(*(patient_bot.send_message(branch.chat_id, text) for text in texts))
    assert sorted(await bot_texts(sb, branch.chat_id)) == sorted(texts)
    flood = (await sb.control.counters())["flood"]
    assert flood["group"] >= 1
    assert flood["accepted"] == len(texts)
