"""Every slot the delivery limiter books is one the sandbox's own flood limiter (Telegram's rules) accepts.

The limiter and the sandbox's FloodLimiter share one fake clock; each booked message is "sent" by moving the
clock to its slot (input, not sleeping) and asking the sandbox, so a refusal there is a 429 the bot would get.
A simulation may also give each request a latency: the sandbox then judges it when it arrives, after its slot.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from tests.support.clock import ManualClock as Clock
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND
from tgsandbox.limits import FloodConfig, FloodLimiter

PROPERTY = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])




@dataclass
class Sent:
    at: float
    chat_id: int
    refused: float | None


@dataclass
class Simulation:
    """The limiter books, the sandbox judges each message at its slot; both on the same clock."""

    limits: Limits
    latency: Callable[[], float] = lambda: 0.0  # how long after its slot each request reaches the sandbox
    clock: Clock = field(default_factory=Clock)
    sent: list[Sent] = field(default_factory=list)
    booked: dict[int, list[tuple[float, int]]] = field(default_factory=dict)  # chat -> [(at, ticket)]

    def __post_init__(self) -> None:
        self.limiter = DeliveryLimiter(self.limits, clock=self.clock)
        limits = self.limits
        self.flood = FloodLimiter(
            FloodConfig(
                time_scale=limits.time_scale,
                global_per_second=limits.global_per_second,
                group_per_minute=limits.group_per_minute,
                chat_per_second=limits.chat_per_second,
                chat_burst=limits.chat_burst,
            ),
            clock=self.clock,
        )
        self._pending: list[tuple[float, int, int, bool]] = []
        self._cancelled: set[int] = set()
        self._tickets = 0

    def reserve(self, chat_id: int, is_group: bool) -> float:
        at = self.clock.now + self.limiter.reserve(chat_id, is_group)
        self._tickets += 1
        heapq.heappush(self._pending, (at + self.latency(), self._tickets, chat_id, is_group))
        self.booked.setdefault(chat_id, []).append((at, self._tickets))
        return at

    def release_newest(self, chat_id: int, is_group: bool) -> bool:
        """Cancel the chat's newest reservation if it has not been sent yet; whether it was."""
        bookings = self.booked.get(chat_id)
        if not bookings or bookings[-1][0] <= self.clock.now:
            return False
        _, ticket = bookings.pop()
        self._cancelled.add(ticket)
        self.limiter.release(chat_id, is_group)
        return True

    def advance(self, seconds: float) -> None:
        """Let time pass, every message reaching the sandbox at its slot plus its latency, in that order."""
        until = self.clock.now + seconds
        while self._pending and self._pending[0][0] <= until:
            at, ticket, chat_id, is_group = heapq.heappop(self._pending)
            if ticket in self._cancelled:
                continue
            self.clock.now = max(self.clock.now, at)
            self.sent.append(Sent(at, chat_id, self.flood.check(chat_id, is_group)))
        self.clock.now = until

    def drain(self) -> None:
        """Send everything still booked."""
        if self._pending:
            self.advance(max(0.0, max(at for at, *_ in self._pending) - self.clock.now))

    def refusals(self) -> list[Sent]:
        return [message for message in self.sent if message.refused is not None]


def fan_out(order: str, limits: Limits | None = None, latency: Callable[[], float] = lambda: 0.0) -> Simulation:
    """1,000 groups x 4 parts, all due at once, reserved in due order (group by group, or part by part)."""
    sim = Simulation(limits or Limits(), latency)
    groups = [-1_000_000_000_000 - g for g in range(1000)]
    rows = (
        [(g, p) for g in groups for p in range(4)]
        if order == "by group"
        else [(g, p) for p in range(4) for g in groups]
    )
    for group, _part in rows:
        sim.reserve(group, True)
    sim.drain()
    return sim


@pytest.mark.parametrize("order", ["by group", "by part"])
def test_a_thousand_group_fan_out_runs_at_full_speed_without_a_single_429(order: str) -> None:
    """1,000 groups x 4 messages go out at >= 95 % of 30/s and the sandbox refuses none of them."""
    sim = fan_out(order)
    assert len(sim.sent) == 4000
    assert sim.refusals() == []
    times = sorted(message.at for message in sim.sent)
    achieved = (len(times) - 1) / (times[-1] - times[0])
    assert achieved / GLOBAL_MESSAGES_PER_SECOND >= 0.95
    for bookings in sim.booked.values():
        assert [at for at, _ in bookings] == sorted({at for at, _ in bookings})  # each group's parts in order


def test_a_fan_out_is_never_more_than_the_jitter_reserve_behind_the_earliest_slots_the_limit_allows() -> None:
    """The k-th message of a fan-out goes no later than the sandbox's own earliest moment for it (its burst,
    then 30/s) plus the jitter reserve: the limiter adds a constant, not a delay that grows with the queue."""
    limits = Limits()
    sim = fan_out("by part", limits)
    start = sim.sent[0].at
    times = sorted(message.at for message in sim.sent)
    earliest = [start + max(0, k - (limits.burst - 1)) / GLOBAL_MESSAGES_PER_SECOND for k in range(len(times))]
    behind = [sent - slot for sent, slot in zip(times, earliest, strict=True)]
    assert max(behind) <= limits.jitter_s + 1e-6
    assert behind[-1] == pytest.approx(limits.jitter_s)


def test_requests_bunched_by_up_to_the_jitter_reserve_draw_no_429() -> None:
    """Requests that reach the sandbox up to jitter_s late, each by a different random amount (so they bunch up),
    are all accepted; the same bunching without the reserve draws 429s."""
    rng = random.Random(7)
    limits = Limits(jitter_s=0.2)
    for order in ("by group", "by part"):
        assert fan_out(order, limits, lambda: rng.uniform(0, 0.2)).refusals() == []
    unreserved = fan_out("by part", Limits(jitter_s=0), lambda: rng.uniform(0, 0.2))
    assert len(unreserved.refusals()) > 0


def test_a_long_mixed_stream_never_draws_a_429() -> None:
    """An hour of traffic to hundreds of users and groups, with chatty groups and bursts, stays inside every limit,
    even with each request reaching the sandbox up to the jitter reserve late."""
    rng = random.Random(20240501)
    jitter = 0.01  # time_scale 60 leaves 16 ms of overall and 33 ms of per-chat tolerance
    sim = Simulation(Limits(time_scale=60, jitter_s=jitter), lambda: rng.uniform(0, jitter))
    users = list(range(1, 300))
    groups = [-100_000 - g for g in range(60)]
    for _second in range(3600):
        for _ in range(rng.choice([0, 0, 1, 5, 40])):
            if rng.random() < 0.5:
                sim.reserve(rng.choice(groups[:5]) if rng.random() < 0.3 else rng.choice(groups), True)
            else:
                sim.reserve(rng.choice(users), False)
        sim.advance(1 / 60)
    sim.drain()
    assert len(sim.sent) > 20_000
    assert sim.refusals() == []
    assert sim.limiter.tracked_chats <= len(users) + len(groups)


def test_after_a_429_nothing_is_booked_inside_the_pause_and_the_sandbox_stays_happy() -> None:
    """Chats and the whole bot paused by retry_after get no slot inside the pause; nothing booked is refused."""
    sim = Simulation(Limits())
    for group in range(-10, 0):
        for _ in range(5):
            sim.reserve(group, True)
    start = sim.clock.now
    sim.limiter.penalize(7, -3)
    assert sim.reserve(-3, True) >= start + 7
    sim.advance(1)
    sim.limiter.penalize(4)
    assert min(sim.reserve(chat, chat < 0) for chat in (-1, -2, 5, 6)) >= start + 1 + 4
    sim.drain()
    assert sim.refusals() == []


chats = st.sampled_from([1, 2, 3, -1, -2, -3, -4])
operation = st.one_of(
    st.tuples(st.just("reserve"), chats, st.integers(min_value=1, max_value=25)),
    st.tuples(st.just("advance"), st.floats(min_value=0, max_value=90)),
    st.tuples(st.just("penalize"), st.one_of(st.none(), chats), st.floats(min_value=0.01, max_value=30)),
    st.tuples(st.just("release"), chats),
)
budgets = st.builds(
    Limits,
    global_per_second=st.sampled_from([1, 2.5, 30]),
    group_per_minute=st.integers(min_value=1, max_value=20),
    chat_per_second=st.sampled_from([0.5, 1.0, 3.0]),
    chat_burst=st.integers(min_value=1, max_value=4),
    time_scale=st.sampled_from([1.0, 7.0, 1000.0]),
    safety=st.sampled_from([0.9, 0.97, 1.0]),
    jitter_s=st.sampled_from([0.0, 0.001, 0.2]),
    global_burst=st.sampled_from([None, 1]),
)


@PROPERTY
@given(limits=budgets, operations=st.lists(operation, max_size=60))
def test_no_interleaving_of_chats_pauses_and_releases_draws_a_429(
    limits: Limits, operations: list[tuple[Any, ...]]
) -> None:
    """Whatever mix of users, groups, 429 pauses and cancellations arrives, the sandbox accepts every message."""
    sim = Simulation(limits)
    scale = limits.time_scale
    pauses: dict[int | None, float] = {}
    for op in operations:
        if op[0] == "reserve":
            _, chat_id, count = op
            for _ in range(count):
                earlier = sim.booked.get(chat_id)
                before = earlier[-1][0] if earlier else float("-inf")
                at = sim.reserve(chat_id, chat_id < 0)
                assert at > before  # a chat's messages keep their order
                assert at >= max(pauses.get(chat_id, 0.0), pauses.get(None, 0.0)) - 1e-9
        elif op[0] == "advance":
            sim.advance(op[1] / scale)
        elif op[0] == "penalize":
            _, chat_id, retry_after = op
            sim.limiter.penalize(retry_after / scale, chat_id)
            pauses[chat_id] = max(pauses.get(chat_id, 0.0), sim.clock.now + retry_after / scale)
        else:
            sim.release_newest(op[1], op[1] < 0)
    sim.drain()
    assert sim.refusals() == []
