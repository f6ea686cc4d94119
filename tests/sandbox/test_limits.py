"""The sandbox's flood limits, driven by a clock the test advances (input, not sleeping)."""

from __future__ import annotations

import datetime as dtm
import json

import pytest
from telegram.error import RetryAfter

from tests.support.clock import ManualClock as Clock
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND, GROUP_MESSAGES_PER_MINUTE
from tgsandbox.limits import FloodConfig, FloodLimiter, retry_after_json

GROUP = -100123
USER = 42




@pytest.fixture
def clock() -> Clock:
    return Clock()


def limiter(clock: Clock, **settings: object) -> FloodLimiter:
    return FloodLimiter(FloodConfig.from_mapping(settings), clock=clock)


def test_a_chat_takes_a_short_burst_then_about_one_message_per_second(clock: Clock) -> None:
    """Three quick messages to one user go out; the fourth is told to retry after one second."""
    flood = limiter(clock)
    assert [flood.check(USER, False) for _ in range(3)] == [None, None, None]
    assert flood.check(USER, False) == 1
    assert flood.counters == {"chat": 1, "group": 0, "global": 0}
    clock.advance(0.4)
    assert flood.check(USER, False) == 1  # Telegram rounds the remaining 0.6 s up to whole seconds
    clock.advance(0.6)
    assert flood.check(USER, False) is None
    assert flood.check(USER, False) == 1


def test_a_refused_message_is_not_counted(clock: Clock) -> None:
    """Retrying exactly when told succeeds, however often the bot was refused before."""
    flood = limiter(clock, chat_burst=1)
    assert flood.check(USER, False) is None
    for _ in range(5):
        assert flood.check(USER, False) == 1
    clock.advance(1)
    assert flood.check(USER, False) is None
    assert flood.counters_json() == {"chat": 5, "group": 0, "global": 0, "total": 5, "accepted": 2}


def test_a_quiet_chat_gets_its_whole_burst_back(clock: Clock) -> None:
    """After a pause of burst / rate seconds a chat may burst again."""
    flood = limiter(clock, chat_burst=3)
    for _ in range(3):
        assert flood.check(USER, False) is None
    clock.advance(3)
    assert [flood.check(USER, False) for _ in range(4)] == [None, None, None, 1]


def test_chats_do_not_share_a_per_chat_budget(clock: Clock) -> None:
    """Filling one user's burst leaves another user's untouched."""
    flood = limiter(clock)
    for _ in range(3):
        flood.check(USER, False)
    assert flood.check(USER, False) == 1
    assert flood.check(USER + 1, False) is None


def test_a_group_gets_twenty_messages_in_any_sliding_minute(clock: Clock) -> None:
    """The 21st message inside a minute waits until the oldest one is a minute old."""
    flood = limiter(clock)
    for _ in range(GROUP_MESSAGES_PER_MINUTE):
        assert flood.check(GROUP, True) is None
        clock.advance(1)
    assert flood.check(GROUP, True) == 40  # the first went out at t=0, now is t=20
    assert flood.counters["group"] == 1
    clock.advance(39.5)
    assert flood.check(GROUP, True) == 1
    clock.advance(0.5)
    assert flood.check(GROUP, True) is None
    assert flood.check(GROUP, True) == 1  # the second one (t=1) is still inside the window


def test_private_chats_have_no_per_minute_cap(clock: Clock) -> None:
    """A user may receive a message every second for well over a minute."""
    flood = limiter(clock)
    for _ in range(GROUP_MESSAGES_PER_MINUTE * 3):
        assert flood.check(USER, False) is None
        clock.advance(1)


def test_the_whole_bot_gets_about_thirty_messages_per_second(clock: Clock) -> None:
    """Thirty different chats can be reached at once; the 31st message waits, then the rate is 30/s."""
    flood = limiter(clock)
    for chat in range(GLOBAL_MESSAGES_PER_SECOND):
        assert flood.check(chat, False) is None
    assert flood.check(999, False) == 1
    assert flood.counters == {"chat": 0, "group": 0, "global": 1}
    clock.advance(1 / GLOBAL_MESSAGES_PER_SECOND)
    assert flood.check(999, False) is None
    assert flood.check(1000, False) == 1


def test_the_longest_wait_wins_and_is_blamed(clock: Clock) -> None:
    """When a group is both over its minute and its per-chat rate, the answer is the longer wait."""
    flood = limiter(clock, group_per_minute=3, chat_burst=3)
    for _ in range(3):
        assert flood.check(GROUP, True) is None
    assert flood.check(GROUP, True) == 60
    assert flood.counters == {"chat": 0, "group": 1, "global": 0}


@pytest.mark.parametrize("scale", [2, 60, 1000])
def test_time_scale_keeps_the_proportions(clock: Clock, scale: int) -> None:
    """A scaled sandbox makes the same decisions over a timeline shrunk by the scale factor."""
    real, scaled_clock = limiter(clock), Clock()
    scaled = FloodLimiter(FloodConfig(time_scale=scale), clock=scaled_clock)
    script = [(GROUP, True, 0.5)] * 30 + [(USER, False, 0.0)] * 5 + [(GROUP, True, 30.0)] * 3
    for chat, is_group, pause in script:
        expected = real.check(chat, is_group)
        got = scaled.check(chat, is_group)
        assert (got is None) == (expected is None)
        if expected is not None:
            assert got == pytest.approx(expected / scale)
        clock.advance(pause)
        scaled_clock.advance(pause / scale)
    assert scaled.counters == real.counters


def test_scaled_retry_after_is_rounded_up_to_whole_scaled_seconds(clock: Clock) -> None:
    """At time_scale 10, a 0.6 s wait becomes 0.1 (a tenth of Telegram's one second)."""
    flood = limiter(clock, time_scale=10, chat_burst=1)
    assert flood.check(USER, False) is None
    clock.advance(0.04)
    assert flood.check(USER, False) == pytest.approx(0.1)
    clock.advance(0.06)
    assert flood.check(USER, False) is None


def test_disabled_limits_allow_everything(clock: Clock) -> None:
    """With flood control off, a thousand messages to one group all go out."""
    flood = limiter(clock, enabled=False)
    assert all(flood.check(GROUP, True) is None for _ in range(1000))
    assert flood.refused == 0


def test_reconfiguring_starts_fresh_windows_but_keeps_counting(clock: Clock) -> None:
    """A new budget applies at once; the 429 tally survives until reset."""
    flood = limiter(clock, chat_burst=1)
    flood.check(USER, False)
    assert flood.check(USER, False) == 1
    flood.configure(FloodConfig(chat_burst=5))
    assert [flood.check(USER, False) for _ in range(5)] == [None] * 5
    assert flood.counters["chat"] == 1
    flood.reset_counters()
    assert flood.refused == 0
    assert flood.accepted == 0


def test_idle_chats_are_forgotten_without_changing_answers(clock: Clock) -> None:
    """Thousands of one-off recipients do not pile up state, and a returning chat is treated as quiet."""
    flood = limiter(clock)
    for chat in range(20_000):
        assert flood.check(chat, chat % 2 == 0) is None
        clock.advance(0.05)
    tables = len(flood._chat_tat) + len(flood._group_sent)  # white-box: the point is bounded memory
    assert tables < 5_000
    assert [flood.check(0, True) for _ in range(4)] == [None, None, None, 1]


def test_retry_after_json_is_an_int_when_whole_else_a_float_rounded_up() -> None:
    """Whole seconds go out as Telegram's integers; scaled values as positive floats, never rounded down."""
    assert retry_after_json(3.0) == 3
    assert isinstance(retry_after_json(3.0), int)
    assert retry_after_json(1 / 60) == 0.016667
    assert retry_after_json(0.1) == 0.1
    assert json.dumps({"retry_after": retry_after_json(2.0)}) == '{"retry_after": 2}'
    with pytest.raises(ValueError, match="positive"):
        retry_after_json(0)


def test_python_telegram_bot_reads_a_fractional_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB turns the scaled retry_after into the same wait (PTB_TIMEDELTA opts into timedelta values)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    value = retry_after_json(1 / 60)
    # PTB types retry_after as int | timedelta, but takes the float seconds the Bot API may send.
    assert RetryAfter(value).retry_after == dtm.timedelta(seconds=value)  # type: ignore[arg-type]
    assert RetryAfter(retry_after_json(5.0)).retry_after == dtm.timedelta(seconds=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "settings",
    [
        {"time_scale": 0},
        {"time_scale": float("inf")},
        {"global_per_second": -1},
        {"chat_per_second": "fast"},
        {"group_per_minute": 0},
        {"chat_burst": 1.5},
        {"chat_burst": True},
        {"enabled": "yes"},
        {"burst": 3},
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(settings: dict[str, object]) -> None:
    """Nonsense from the control API is a ValueError naming the setting, never a silent default."""
    with pytest.raises(ValueError, match=next(iter(settings))):
        FloodConfig.from_mapping(settings)
