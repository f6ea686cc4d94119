"""Adaptive pacing: the fraction of the configured rate the limiter aims at, learnt from Telegram's 429s (AIMD).

Telegram publishes its limits only roughly ("about 30 messages per second"); a bot may meet a smaller budget than
it is configured for. Kept at the configured pace, every message above the real budget draws a 429 (with the sandbox
10 % under 30/s, about 30 % of all requests). So the pace adapts, as TCP's congestion window does:

* **Multiplicative decrease**: a 429 cuts the rate to ``decrease`` x its value (not below ``floor``). A 429 for a
  request sent before the latest cut says nothing about the pace since, and cuts nothing more (the caller notes
  ``cuts`` when it sends and passes it back).
* **Additive increase**: once ``quiet_s`` has passed since the last 429, each ``step_s`` during which messages
  were sent raises the rate by ``increase`` (a fraction of the configured rate), never above it. The probe is slow
  on purpose: with a cut to 0.8 and a probe of 1 % per 2 s, the pace spends some 20 s below a real budget for each
  429 it draws at it, which keeps the share of 429s near 0.3 % and the achieved rate above 90 % of that budget.
  Without traffic nothing is learnt, so the rate does not climb while idle.

At the configured budget no 429 comes, the fraction stays 1 and nothing changes. Pure: the caller passes the time
(the limiter's clock, in its own seconds; the durations are divided by the limiter's time scale).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PacingConfig:
    """How the pace reacts to 429s and probes back up; durations in unscaled seconds."""

    decrease: float = 0.8
    increase: float = 0.01
    floor: float = 0.05
    quiet_s: float = 10.0
    step_s: float = 2.0

    def __post_init__(self) -> None:
        if not 0 < self.decrease < 1:
            raise ValueError(f"decrease must be between 0 and 1, got {self.decrease!r}")
        if not 0 < self.floor <= 1 or not 0 < self.increase <= 1:
            raise ValueError("floor and increase must be fractions of the configured rate")
        for name in ("quiet_s", "step_s"):
            value = getattr(self, name)
            if not 0 <= value < math.inf:
                raise ValueError(f"{name} must be a finite number of seconds, at least 0, got {value!r}")


class AdaptiveRate:
    """The fraction of the configured rate to send at: cut on a 429, probed back up after a quiet period."""

    def __init__(self, config: PacingConfig, time_scale: float = 1.0) -> None:
        self.config = config
        self._quiet = config.quiet_s / time_scale
        self._step = config.step_s / time_scale
        self.fraction = 1.0
        self.cuts = 0  # how many times the rate was cut so far
        self._last_429 = -math.inf
        self._last_change = -math.inf

    def throttled(self, now: float, cuts_at_send: int) -> bool:
        """Telegram answered 429 at `now` to a request sent when `cuts` was `cuts_at_send`; whether the rate was
        cut (not for a request that left before the latest cut)."""
        self._last_429 = now
        if cuts_at_send < self.cuts:
            return False
        self.fraction = max(self.config.floor, self.fraction * self.config.decrease)
        self._last_change = now
        self.cuts += 1
        return True

    def sent(self, now: float) -> bool:
        """A message was accepted at `now`; whether the rate was raised by one probing step."""
        if self.fraction >= 1.0 or now - self._last_429 < self._quiet or now - self._last_change < self._step:
            return False
        self.fraction = min(1.0, self.fraction + self.config.increase)
        self._last_change = now
        return True
