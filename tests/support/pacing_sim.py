"""A fan-out paced the way the dispatcher paces it, judged by the sandbox's own flood limiter, on a shared fake clock.

Like the dispatcher: rows are claimed when the limiter can send them within the horizon, each books its slot and
sleeps; when the sleep ends a slot booked before a change of pace is booked again, a row inside a 429 pause is
deferred; a 429 pauses the chat for retry_after, tells the limiter (which cuts its pace) and the row is tried again
after the pause. Each request reaches the sandbox a seeded 10-60 ms after its slot. Nothing sleeps: events are taken
in time order and the clock is moved to each.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from dataclasses import dataclass, field

from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from tests.support.clock import ManualClock
from tgsandbox.limits import FloodConfig, FloodLimiter

HORIZON_S = 3.0  # DispatcherConfig.horizon_s
ROUND_S = 0.05  # how often the dispatcher looks for rows when nothing wakes it


@dataclass
class FanOut:
    """`groups` groups x `parts` parts, all due at once, against a sandbox whose overall rate is `real_rate`."""

    real_rate: float
    groups: int = 1000
    parts: int = 4
    limits: Limits = field(default_factory=Limits)
    seed: int = 1
    clock: ManualClock = field(default_factory=lambda: ManualClock(0.0))
    accepted: list[float] = field(default_factory=list)
    refused: int = 0
    fractions: list[float] = field(default_factory=list)  # the pace after each 429

    def run(self) -> FanOut:
        rng = random.Random(self.seed)
        limiter = DeliveryLimiter(self.limits, clock=self.clock)
        limiter.drained()  # as Dispatcher.run starts
        flood = FloodLimiter(FloodConfig(global_per_second=self.real_rate, time_scale=self.limits.time_scale),
                             clock=self.clock)
        next_part = {-1_000_000 - g: 0 for g in range(self.groups)}
        queue: deque[tuple[float, int]] = deque((0.0, chat) for chat in next_part)  # (not before, chat)
        events: list[tuple[float, int, str, int]] = []
        cuts_at_send: dict[int, int] = {}
        counter = 0

        def push(at: float, kind: str, chat: int) -> None:
            nonlocal counter
            counter += 1
            heapq.heappush(events, (at, counter, kind, chat))

        def claim() -> None:
            # One pass over what is due, in due order, as far as the limiter lets rows go within the horizon.
            now = self.clock.now
            for _ in range(len(queue)):
                not_before, chat = queue[0]
                if not_before > now or limiter.ready_in(chat, True) > HORIZON_S:
                    break
                queue.popleft()
                push(now + limiter.reserve(chat, True), "wake", chat)
            if queue:
                push(now + ROUND_S, "round", 0)

        claim()
        while events or queue:
            if not events:  # only rows waiting for their time: the next round is when the first falls due
                push(max(self.clock.now + ROUND_S, min(at for at, _ in queue)), "round", 0)
            at, _, kind, chat = heapq.heappop(events)
            self.clock.now = max(self.clock.now, at)
            if kind == "round":
                claim()
            elif kind == "wake":
                delay = limiter.rebook(chat, True)
                if delay:
                    push(self.clock.now + delay, "wake", chat)
                elif (paused := limiter.pause_remaining(chat)) > 0:
                    queue.append((self.clock.now + paused, chat))
                else:
                    cuts_at_send[chat] = limiter.pace.cuts
                    push(self.clock.now + rng.uniform(0.01, 0.06), "arrive", chat)
            elif kind == "arrive":
                retry_after = flood.check(chat, True)
                if retry_after is None:
                    self.accepted.append(self.clock.now)
                    limiter.accepted()
                    next_part[chat] += 1
                    if next_part[chat] < self.parts:
                        queue.append((self.clock.now, chat))
                else:
                    self.refused += 1
                    limiter.penalize(retry_after, chat)
                    limiter.throttled(cuts_at_send[chat])
                    self.fractions.append(limiter.pace.fraction)
                    queue.append((self.clock.now + retry_after, chat))
        return self

    @property
    def share_429(self) -> float:
        return self.refused / (self.refused + len(self.accepted))

    @property
    def rate(self) -> float:
        """Messages accepted per second, from the first to the last."""
        return (len(self.accepted) - 1) / (self.accepted[-1] - self.accepted[0])
