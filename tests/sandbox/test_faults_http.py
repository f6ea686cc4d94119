"""Injected faults through real HTTP, as python-telegram-bot experiences them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from tests.support.sandbox import bot_texts
from tgsandbox import ControlApiError, Sandbox
from tgsandbox.faults import FaultInjector, FaultRule

# Generous next to a local answer, short next to the injected hold/latency below.
IMPATIENT_READ_TIMEOUT_S = 0.3
HOLD_S = 1.5


async def started_user(sb: Sandbox, name: str = "Li") -> int:
    user_id = int((await sb.control.create_user(name))["id"])
    await sb.control.start(user_id)
    return user_id


@pytest.fixture
async def impatient_bot(sb: Sandbox) -> AsyncIterator[telegram.Bot]:
    """A PTB Bot that gives up reading an answer after a fraction of a second."""
    request = HTTPXRequest(read_timeout=IMPATIENT_READ_TIMEOUT_S)
    async with telegram.Bot(sb.token, base_url=sb.base_url, request=request) as impatient:
        yield impatient


async def test_a_5xx_answer_is_a_network_error_and_nothing_is_sent(bot: telegram.Bot, sb: Sandbox) -> None:
    """With sendMessage failing as Bad Gateway, PTB raises NetworkError and the member sees nothing."""
    user = await started_user(sb)
    await sb.control.set_faults([{"method": "sendMessage", "error_rate": 1.0}], seed=1)
    with pytest.raises(NetworkError, match="Bad Gateway") as failed:
        await bot.send_message(user, "lost")
    assert not isinstance(failed.value, BadRequest | TimedOut)
    assert (await bot.get_me()).is_bot  # other methods are untouched
    assert await bot_texts(sb, user) == []
    assert (await sb.control.counters())["faults"]["error"] == 1


async def test_a_dropped_connection_is_a_network_error_and_nothing_is_sent(bot: telegram.Bot, sb: Sandbox) -> None:
    """A connection closed without an answer reaches PTB as NetworkError (not a timeout); nothing is sent."""
    user = await started_user(sb)
    await sb.control.set_faults([{"method": "sendMessage", "drop_rate": 1.0}])
    with pytest.raises(NetworkError) as failed:
        await bot.send_message(user, "lost")
    assert not isinstance(failed.value, TimedOut)
    assert await bot_texts(sb, user) == []
    assert (await sb.control.counters())["faults"]["drop"] == 1


async def test_a_timeout_still_delivers_so_a_blind_resend_duplicates(impatient_bot: telegram.Bot, sb: Sandbox) -> None:
    """PTB raises TimedOut, yet the member got it; a blind resend shows it twice (Telegram's hazard)."""
    user = await started_user(sb)
    await sb.control.set_faults([{"method": "sendMessage", "timeout_rate": 1.0, "timeout_s": HOLD_S}])
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(user, "通知")
    assert await bot_texts(sb, user) == ["通知"]
    await sb.control.set_faults([])
    await impatient_bot.send_message(user, "通知")
    assert await bot_texts(sb, user) == ["通知", "通知"]
    assert (await sb.control.counters())["faults"]["timeout"] == 1


async def test_latency_is_added_before_the_answer(bot: telegram.Bot, impatient_bot: telegram.Bot, sb: Sandbox) -> None:
    """Added latency makes an impatient client time out while a patient one gets its answer."""
    await sb.control.set_faults([{"method": "getChat", "latency_s": HOLD_S}])
    user = await started_user(sb)
    with pytest.raises(TimedOut):
        await impatient_bot.get_chat(user)
    assert (await bot.get_chat(user)).id == user
    assert (await sb.control.counters())["faults"]["latency"] == 2


async def test_the_wildcard_rule_hits_every_bot_method_but_not_the_control_api(bot: telegram.Bot, sb: Sandbox) -> None:
    """A "*" rule fails getMe too, while the test can still drive people through the control API."""
    await sb.control.set_faults([{"method": "*", "error_rate": 1.0}])
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert (await sb.control.create_user("Zhao"))["id"]


async def test_the_same_seed_fails_the_same_calls(bot: telegram.Bot, sb: Sandbox) -> None:
    """Each run with seed 42 fails exactly the calls a FaultInjector with seed 42 predicts."""
    user = await started_user(sb)
    rule = {"method": "sendMessage", "error_rate": 0.3, "drop_rate": 0.2}
    predictor = FaultInjector()
    predictor.configure([FaultRule.from_mapping(rule)], seed=42)
    expected = [predictor.decide("sendMessage").action for _ in range(24)]
    assert {"none", "error", "drop"} <= set(expected)

    async def run() -> list[str]:
        await sb.control.set_faults([rule], seed=42)
        outcomes = []
        for number in range(len(expected)):
            try:
                await bot.send_message(user, f"m{number}")
            except NetworkError as exc:
                outcomes.append("error" if "Bad Gateway" in str(exc) else "drop")
            else:
                outcomes.append("none")
        return outcomes

    assert await run() == expected
    assert await run() == expected
    faults = (await sb.control.counters())["faults"]
    assert (faults["error"], faults["drop"]) == (2 * expected.count("error"), 2 * expected.count("drop"))
    assert len(await bot_texts(sb, user)) == 2 * expected.count("none")


async def test_bad_fault_rules_are_refused_by_the_control_api(sb: Sandbox) -> None:
    """An impossible rule is a control API error naming the problem, and nothing changes."""
    with pytest.raises(ControlApiError, match="error_rate"):
        await sb.control.set_faults([{"method": "sendMessage", "error_rate": 2}])
    assert sb.state.faults.rules == ()
