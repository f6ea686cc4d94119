"""Telegram-like flood limits for the sandbox: per chat, per group, overall.

Telegram publishes no exact algorithm, only a budget (see tgrules.limits); these are the rules the
sandbox enforces, each checked before a message-producing method runs:

* **Per chat** (private chats and groups alike): about ``chat_per_second`` messages per second, with short
  bursts tolerated. This is a token bucket (implemented as GCRA: one "theoretical arrival time" per chat)
  holding ``chat_burst`` messages that refills at ``chat_per_second``: a quiet chat takes ``chat_burst``
  messages at once, then one every ``1 / chat_per_second`` s.
* **Per group** (``is_group``): at most ``group_per_minute`` messages in any sliding 60 s window. The
  timestamps of the accepted messages sit in a deque of at most ``group_per_minute`` entries; when it is
  full, the answer is "retry when the oldest one leaves the window". A sliding window, unlike a bucket,
  never lets 2 x 20 messages through around a minute boundary, which is what "20 per minute" promises.
* **Overall**: about ``global_per_second`` messages per second, as a GCRA bucket holding one second's
  worth, so a broadcast can start at full speed but not exceed the rate over any longer stretch.

A message is counted only when every scope accepts it; otherwise nothing is counted and the answer is the
longest wait among the refusing scopes, and the 429 is attributed (in ``counters``) to that scope.

``time_scale`` > 1 shortens every window and interval by that factor, so a 1,000-group broadcast that
takes an hour against Telegram takes seconds with the same proportions. Waits are measured in real
seconds on the injected clock.

**retry_after on the wire.** Telegram sends whole seconds, rounded up. Scaled, the sandbox rounds up to
whole *scaled* seconds (multiples of ``1 / time_scale``), so the numbers keep Telegram's proportions.
``retry_after_json`` renders an integral value as a JSON int and any other as a float rounded up to the
microsecond. python-telegram-bot 22.8 accepts both: ``BaseRequest._request_wrapper`` passes
``parameters.retry_after`` to ``RetryAfter``, whose ``to_timedelta`` takes an int or a float, and
``AIORateLimiter`` sleeps ``retry_after.total_seconds() + 0.1``. A zero would be read as "no retry_after"
(PTB tests it for truth), so the value is always positive. Note that reading ``RetryAfter.retry_after``
warns (PTBDeprecationWarning) unless the environment sets ``PTB_TIMEDELTA=true``.

``check`` is O(1) amortised: a GCRA step is constant time, each group timestamp is appended and popped
once, and idle per-chat state is swept only when the tables have doubled since the last sweep.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

from tgrules.limits import (
    CHAT_MESSAGES_PER_SECOND,
    GLOBAL_MESSAGES_PER_SECOND,
    GROUP_MESSAGES_PER_MINUTE,
)

__all__ = ["SCOPES", "FloodConfig", "FloodLimiter", "retry_after_json"]

SCOPES = ("chat", "group", "global")
_GROUP_WINDOW_S = 60.0
# Float noise must not turn "exactly on time" into a refusal.
_EPSILON = 1e-9
_MIN_SWEEP = 1024


@dataclass
class FloodConfig:
    """The flood budget; ``from_mapping`` builds one from control-API JSON."""

    enabled: bool = True
    time_scale: float = 1.0
    global_per_second: float = GLOBAL_MESSAGES_PER_SECOND
    group_per_minute: int = GROUP_MESSAGES_PER_MINUTE
    chat_per_second: float = CHAT_MESSAGES_PER_SECOND
    chat_burst: int = 3

    def __post_init__(self) -> None:
        for name in ("time_scale", "global_per_second", "chat_per_second"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
        for name in ("group_per_minute", "chat_burst"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        if not isinstance(self.enabled, bool):
            raise ValueError(f"enabled must be true or false, got {self.enabled!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> FloodConfig:
        """Build from JSON fields (missing ones keep defaults); unknown or bad values raise ValueError."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown flood setting(s): {', '.join(unknown)}")
        return cls(**data)  # type: ignore[arg-type]  # __post_init__ checks every type


def retry_after_json(value: float) -> int | float:
    """The JSON form of a retry_after: an int when whole (Telegram's form), else a positive float."""
    if value <= 0:
        raise ValueError(f"retry_after must be positive, got {value!r}")
    if float(value).is_integer():
        return int(value)
    return math.ceil(value * 1_000_000) / 1_000_000


class FloodLimiter:
    """Decides whether one more message may go out now, and if not, how long to wait."""

    def __init__(self, config: FloodConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.counters: dict[str, int] = dict.fromkeys(SCOPES, 0)
        self.accepted = 0
        self.configure(config)

    def configure(self, config: FloodConfig) -> None:
        """Apply a new budget; windows start empty, counters keep counting."""
        self.config = config
        scale = config.time_scale
        self._chat_interval = 1.0 / (config.chat_per_second * scale)
        self._chat_tolerance = (config.chat_burst - 1) * self._chat_interval
        self._global_interval = 1.0 / (config.global_per_second * scale)
        self._global_tolerance = (max(1, math.floor(config.global_per_second)) - 1) * self._global_interval
        self._group_window = _GROUP_WINDOW_S / scale
        self._group_limit = config.group_per_minute
        self._chat_tat: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}
        self._global_tat = -math.inf
        self._sweep_at = _MIN_SWEEP

    def reset_counters(self) -> None:
        """Forget how many messages were accepted and refused."""
        self.counters = dict.fromkeys(SCOPES, 0)
        self.accepted = 0

    @property
    def refused(self) -> int:
        """All 429s given so far."""
        return sum(self.counters.values())

    def counters_json(self) -> dict[str, int]:
        """429s given per scope, their total, and the messages let through."""
        return {**self.counters, "total": self.refused, "accepted": self.accepted}

    def check(self, chat_id: int, is_group: bool) -> float | None:
        """None: allowed and counted. Otherwise the retry_after (scaled seconds); nothing is counted."""
        if not self.config.enabled:
            return None
        now = self._clock()
        global_tat = max(self._global_tat, now)
        waits: dict[str, float] = {}
        if global_tat - now > self._global_tolerance + _EPSILON:
            waits["global"] = global_tat - self._global_tolerance - now
        chat_tat = max(self._chat_tat.get(chat_id, now), now)
        if chat_tat - now > self._chat_tolerance + _EPSILON:
            waits["chat"] = chat_tat - self._chat_tolerance - now
        sent = self._group_sent.get(chat_id) if is_group else None
        if sent is not None:
            horizon = now - self._group_window
            while sent and sent[0] <= horizon + _EPSILON:
                sent.popleft()
            if len(sent) >= self._group_limit:
                waits["group"] = sent[0] + self._group_window - now
        if waits:
            scope = max(waits, key=waits.__getitem__)
            self.counters[scope] += 1
            return self._round_up(waits[scope])
        self._global_tat = global_tat + self._global_interval
        self._chat_tat[chat_id] = chat_tat + self._chat_interval
        if is_group:
            if sent is None:
                sent = self._group_sent[chat_id] = deque()
            sent.append(now)
        self.accepted += 1
        if len(self._chat_tat) + len(self._group_sent) > self._sweep_at:
            self._sweep(now)
        return None

    def _round_up(self, wait: float) -> float:
        """Whole scaled seconds, rounded up, at least one: Telegram's integer seconds, scaled."""
        scale = self.config.time_scale
        return max(1, math.ceil(wait * scale - _EPSILON)) / scale

    def _sweep(self, now: float) -> None:
        # A chat whose bucket is full again, or a group with nothing left in its window, has no state
        # worth keeping; dropping it is indistinguishable from keeping it.
        self._chat_tat = {chat: tat for chat, tat in self._chat_tat.items() if tat > now}
        horizon = now - self._group_window
        self._group_sent = {group: sent for group, sent in self._group_sent.items() if sent and sent[-1] > horizon}
        self._sweep_at = max(_MIN_SWEEP, 2 * (len(self._chat_tat) + len(self._group_sent)))
