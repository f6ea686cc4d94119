"""The delivery rate limiter's rules, driven by a clock the test advances (input, not sleeping)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import math
import time

import pytest

from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from tests.support.clock import ManualClock as Clock
from tgrules.limits import (
    CHAT_MESSAGES_PER_SECOND,
    GLOBAL_MESSAGES_PER_SECOND,
    GROUP_MESSAGES_PER_MINUTE,
)

GROUP = -100123
OTHER_GROUP = -100456
USER = 42
OTHER_USER = 43
JITTER = Limits().jitter_s
CHAT_GAP = 1 / CHAT_MESSAGES_PER_SECOND
GLOBAL_GAP = 1 / GLOBAL_MESSAGES_PER_SECOND
GROUP_WINDOW = 60 + JITTER
BURST = Limits().burst




@pytest.fixture
def clock() -> Clock:
    return Clock()


def limiter(clock: Clock, **settings: float) -> DeliveryLimiter:
    return DeliveryLimiter(Limits(**settings), clock=clock)  # type: ignore[arg-type]


def test_a_quiet_chat_gets_its_burst_at_once_then_one_message_per_second(clock: Clock) -> None:
    """Three messages to a quiet chat go out within the jitter reserve, in order; then one a second."""
    bot = limiter(clock)
    delays = [bot.reserve(USER, False) for _ in range(5)]
    assert delays[0] == 0.0
    assert delays == sorted(set(delays))
    assert delays[2] <= JITTER + 1e-9
    assert delays[3] == pytest.approx(CHAT_GAP + JITTER, abs=1e-9)
    assert delays[4] == pytest.approx(2 * CHAT_GAP + JITTER, abs=1e-9)


def test_chats_do_not_share_a_per_chat_budget(clock: Clock) -> None:
    """A user whose burst is used up does not hold up another user."""
    bot = limiter(clock)
    for _ in range(3):
        bot.reserve(USER, False)
    assert bot.reserve(USER, False) >= CHAT_GAP - GLOBAL_GAP
    assert bot.reserve(OTHER_USER, False) < 4 * GLOBAL_GAP


def test_a_group_gets_at_most_twenty_messages_in_any_minute(clock: Clock) -> None:
    """The 21st message to a group waits until the first has left the (slightly widened) minute window."""
    bot = limiter(clock)
    delays = [bot.reserve(GROUP, True) for _ in range(GROUP_MESSAGES_PER_MINUTE + 1)]
    assert delays[GROUP_MESSAGES_PER_MINUTE - 1] < 60
    assert delays[GROUP_MESSAGES_PER_MINUTE] - delays[0] > 60
    assert delays[GROUP_MESSAGES_PER_MINUTE] == pytest.approx(GROUP_WINDOW, abs=GLOBAL_GAP)


def test_a_private_chat_has_no_per_minute_cap(clock: Clock) -> None:
    """Twenty-one messages to one user are paced only by the per-chat rate."""
    bot = limiter(clock)
    delays = [bot.reserve(USER, False) for _ in range(GROUP_MESSAGES_PER_MINUTE + 1)]
    assert delays[-1] == pytest.approx((GROUP_MESSAGES_PER_MINUTE + 1 - 3) * CHAT_GAP + JITTER, abs=1e-9)
    assert delays[-1] < 60


def test_many_chats_share_the_overall_rate(clock: Clock) -> None:
    """A message to each of 300 users: the overall burst less the jitter reserve at once, then exactly 30 a second."""
    bot = limiter(clock)
    delays = [bot.reserve(USER + i, False) for i in range(300)]
    at_once = sum(1 for delay in delays if delay == 0)
    assert at_once == math.floor((BURST - 1 - JITTER * GLOBAL_MESSAGES_PER_SECOND) + 1e-9) + 1
    assert delays == sorted(delays)
    assert delays[at_once:] == sorted(set(delays[at_once:]))
    assert delays[-1] == pytest.approx(299 * GLOBAL_GAP - ((BURST - 1) * GLOBAL_GAP - JITTER))
    assert delays[-1] - delays[at_once] == pytest.approx((299 - at_once) * GLOBAL_GAP)


def test_a_429_pauses_only_that_chat(clock: Clock) -> None:
    """After Telegram says "retry after 5" for one group, that group waits 5 s and the others do not."""
    bot = limiter(clock)
    bot.reserve(GROUP, True)
    bot.penalize(5, GROUP)
    assert bot.pause_remaining(GROUP) == 5
    assert bot.pause_remaining(OTHER_GROUP) == 0
    assert bot.pause_remaining() == 0
    assert bot.reserve(GROUP, True) >= 5
    assert bot.reserve(OTHER_GROUP, True) < 3 * GLOBAL_GAP
    clock.advance(5)
    assert bot.pause_remaining(GROUP) == 0


def test_a_paused_chat_does_not_hold_up_later_callers(clock: Clock) -> None:
    """A chat booked far ahead leaves the global slots before it to other chats."""
    bot = limiter(clock)
    bot.penalize(10, USER)
    assert bot.reserve(USER, False) >= 10
    assert bot.reserve(OTHER_USER, False) < 2 * GLOBAL_GAP


def test_a_bot_wide_429_pauses_every_chat(clock: Clock) -> None:
    """After a bot-wide "retry after 3", no chat, known or new, is given a slot within those 3 s."""
    bot = limiter(clock)
    bot.reserve(USER, False)
    bot.penalize(dtm.timedelta(seconds=3))
    assert bot.pause_remaining() == 3
    assert bot.pause_remaining(USER) == 3
    assert bot.reserve(USER, False) >= 3
    assert bot.reserve(GROUP, True) >= 3
    assert bot.ready_in(OTHER_USER, False) >= 3
    clock.advance(3)
    assert bot.ready_in(OTHER_USER, False) < 3 * GLOBAL_GAP


def test_a_shorter_429_does_not_cut_a_longer_pause(clock: Clock) -> None:
    """A second, shorter retry_after leaves the longer pause in force."""
    bot = limiter(clock)
    bot.penalize(10, USER)
    bot.penalize(2, USER)
    assert bot.reserve(USER, False) >= 10


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, dtm.timedelta(0), True])
def test_a_nonsensical_retry_after_is_refused(clock: Clock, bad: float) -> None:
    """A retry_after that is not a positive, finite number of seconds is an error, not a silent pause."""
    with pytest.raises(ValueError, match="retry_after"):
        limiter(clock).penalize(bad, USER)


def test_ready_in_books_nothing(clock: Clock) -> None:
    """Asking how long a chat would wait does not use up its budget."""
    bot = limiter(clock)
    for _ in range(3):
        bot.reserve(USER, False)
    asked = [bot.ready_in(USER, False) for _ in range(5)]
    assert asked == [asked[0]] * 5
    assert bot.reserve(USER, False) == asked[0]
    assert bot.ready_in(USER, False) > asked[0]


def test_release_gives_back_the_newest_reservation(clock: Clock) -> None:
    """A cancelled row's slot is handed to the next message for that chat, as if never booked."""
    bot = limiter(clock)
    delays = [bot.reserve(USER, False) for _ in range(4)]
    bot.release(USER, False)
    assert bot.reserve(USER, False) == delays[-1]
    bot.release(USER, False)
    bot.release(USER, False)
    assert [bot.reserve(USER, False) for _ in range(2)] == delays[2:]


def test_release_frees_room_in_a_full_group_window(clock: Clock) -> None:
    """Releasing the 20th message of the minute lets the next message have its place, not wait a minute."""
    bot = limiter(clock)
    delays = [bot.reserve(GROUP, True) for _ in range(GROUP_MESSAGES_PER_MINUTE)]
    assert bot.ready_in(GROUP, True) == pytest.approx(GROUP_WINDOW)
    bot.release(GROUP, True)
    assert bot.reserve(GROUP, True) == delays[-1]


def test_release_without_a_reservation_changes_nothing(clock: Clock) -> None:
    """Releasing for a chat with nothing booked neither fails nor gives extra budget."""
    bot = limiter(clock)
    bot.release(USER, False)
    delays = [bot.reserve(USER, False) for _ in range(4)]
    fresh = limiter(Clock())
    assert delays == [fresh.reserve(USER, False) for _ in range(4)]


def test_time_scale_shrinks_every_wait_in_proportion(clock: Clock) -> None:
    """At time_scale 10 the same sequence of messages waits a tenth as long (without a jitter reserve)."""
    plain, fast = limiter(clock, jitter_s=0), limiter(clock, time_scale=10, jitter_s=0)

    def waits(bot: DeliveryLimiter) -> list[float]:
        chats = [(GROUP, True)] * 25 + [(USER, False)] * 5 + [(OTHER_GROUP, True)] * 3
        booked = [bot.reserve(chat, is_group) for chat, is_group in chats]
        bot.penalize(2, USER)
        return [*booked, bot.reserve(USER, False)]

    slow_waits, fast_waits = waits(plain), waits(fast)
    assert fast_waits[:-1] == pytest.approx([w / 10 for w in slow_waits[:-1]], abs=1e-9)
    assert slow_waits[GROUP_MESSAGES_PER_MINUTE] == pytest.approx(60)
    assert fast_waits[-1] >= 2  # a retry_after is already in clock seconds: it is not scaled again


def test_the_jitter_reserve_is_wall_clock_time(clock: Clock) -> None:
    """At time_scale 10 a chat's 0.2 s of burst tolerance is all reserve: its messages go one interval apart, and a
    group's minute (6 s) is widened by the same 0.2 s."""
    bot = limiter(clock, time_scale=10, jitter_s=0.2)
    delays = [bot.reserve(GROUP, True) for _ in range(GROUP_MESSAGES_PER_MINUTE + 1)]
    assert delays[:4] == pytest.approx([0.0, 0.1, 0.2, 0.3])
    assert delays[-1] == pytest.approx(6 + 0.2)


def test_idle_chats_and_past_slots_are_forgotten(clock: Clock) -> None:
    """A day of one-off messages to ever new chats keeps the limiter's memory small."""
    bot = limiter(clock, time_scale=100)
    most_chats = most_slots = 0
    for minute in range(24 * 60):
        for i in range(30):
            chat = minute * 100 + i
            bot.reserve(-chat if i % 2 else chat, bool(i % 2))
        most_chats, most_slots = max(most_chats, bot.tracked_chats), max(most_slots, bot.tracked_slots)
        clock.advance(60 / 100)
    assert most_chats <= 2 * 1024 + 30
    assert most_slots <= 2 * 1024 + 30


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("global_per_second", 0),
        ("chat_per_second", -1),
        ("time_scale", math.inf),
        ("safety", 0),
        ("safety", 1.5),
        ("jitter_s", -0.1),
        ("jitter_s", math.nan),
        ("global_burst", 0),
        ("global_burst", 2.5),
        ("group_per_minute", 0),
        ("chat_burst", 2.5),
        ("chat_burst", True),
    ],
)
def test_a_bad_budget_is_refused_with_its_name(field: str, value: float) -> None:
    """A misconfigured limit fails at construction, naming the setting."""
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})  # type: ignore[arg-type]


async def test_acquire_waits_for_the_booked_slot() -> None:
    """acquire() returns only once the chat's next slot has come (real clock, windows shrunk 1000-fold)."""
    loop = asyncio.get_running_loop()
    bot = DeliveryLimiter(Limits(time_scale=1000), clock=loop.time)
    for _ in range(3):
        await bot.acquire(USER, False)
    slot = loop.time() + bot.ready_in(USER, False)
    await bot.acquire(USER, False)
    # asyncio may wake a timer up to its clock's resolution early.
    assert loop.time() >= slot - time.get_clock_info("monotonic").resolution
    assert bot.ready_in(USER, False) > 0


async def test_a_cancelled_acquire_gives_its_slot_back() -> None:
    """A send abandoned while waiting for its slot does not use up the chat's budget."""
    loop = asyncio.get_running_loop()
    bot = DeliveryLimiter(Limits(), clock=loop.time)
    for _ in range(3):
        bot.reserve(USER, False)
    before = bot.ready_in(USER, False)
    waiting = asyncio.create_task(bot.acquire(USER, False))
    await asyncio.sleep(0)  # let the task book its slot and start waiting
    assert bot.ready_in(USER, False) > before
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert bot.ready_in(USER, False) <= before
