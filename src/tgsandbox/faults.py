"""Seeded fault injection for the sandbox's Bot API: latency, 5xx answers, dropped connections, timeouts.

Rules are per method ("*" matches any method without a rule of its own). Each method draws from its own
random stream, seeded from (seed, method name), so the faults one method sees depend only on the seed and
on how many times that method was called, not on how its calls interleave with others (a background
getUpdates loop cannot reshuffle which sendMessage fails). Method names are matched case-insensitively,
as the Bot API does.

One draw per call picks at most one action: ``error`` with probability ``error_rate``, else ``drop`` with
``drop_rate``, else ``timeout`` with ``timeout_rate``. ``latency_s`` is added to every matched call.
The server acts on the decision (see the interface in the sandbox package): "error" answers 502 without
performing, "drop" closes the connection without performing, "timeout" performs the method and then holds
the answer for ``timeout_s``, which is Telegram's real hazard: the client gives up, yet the message exists.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Literal

__all__ = ["FAULT_KINDS", "NO_FAULT", "FaultDecision", "FaultInjector", "FaultRule"]

FaultAction = Literal["none", "error", "drop", "timeout"]
FAULT_KINDS = ("latency", "error", "drop", "timeout")


@dataclass
class FaultRule:
    """What to inject into one Bot API method (or every method: "*")."""

    method: str = "*"
    latency_s: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if not isinstance(self.method, str) or not self.method:
            raise ValueError(f"method must be a Bot API method name or '*', got {self.method!r}")
        for name in ("latency_s", "timeout_s", "error_rate", "drop_rate", "timeout_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
            upper = 1.0 if name.endswith("_rate") else math.inf
            if not 0 <= value <= upper:
                raise ValueError(f"{name} must be between 0 and {upper}, got {value!r}")
        total = self.error_rate + self.drop_rate + self.timeout_rate
        if total > 1 + 1e-9:
            raise ValueError(f"error_rate + drop_rate + timeout_rate must not exceed 1, got {total}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> FaultRule:
        """Build from control-API JSON; unknown fields or bad values raise ValueError."""
        unknown = sorted(set(data) - {field.name for field in fields(cls)})
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        return cls(**data)  # type: ignore[arg-type]  # __post_init__ checks every type

    @property
    def is_active(self) -> bool:
        """Whether this rule can change anything at all."""
        return bool(self.latency_s or self.error_rate or self.drop_rate or self.timeout_rate)


@dataclass(frozen=True)
class FaultDecision:
    """What the server does to one request."""

    latency_s: float = 0.0
    action: FaultAction = "none"
    timeout_s: float = 0.0


NO_FAULT = FaultDecision()


class FaultInjector:
    """Decides, reproducibly from a seed, which faults each Bot API request suffers."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.counters: dict[str, int] = dict.fromkeys(FAULT_KINDS, 0)
        self._rules: dict[str, FaultRule] = {}
        self._active = False
        self._streams: dict[str, random.Random] = {}

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The rules in force."""
        return tuple(self._rules.values())

    def configure(self, rules: Sequence[FaultRule], seed: int | None = None) -> None:
        """Replace all rules; every method's random stream restarts from the (new) seed."""
        by_method: dict[str, FaultRule] = {}
        for rule in rules:
            key = rule.method.lower()
            if key in by_method:
                raise ValueError(f"two fault rules for method {rule.method!r}")
            by_method[key] = rule
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int):
                raise ValueError(f"seed must be an integer, got {seed!r}")
            self.seed = seed
        # An inactive rule still matters: it exempts its method from a "*" rule.
        self._rules = by_method
        self._active = any(rule.is_active for rule in by_method.values())
        self._streams = {}

    def clear(self) -> None:
        """Remove every rule; counters keep their totals."""
        self.configure(())

    def reset_counters(self) -> None:
        """Forget how many faults were injected."""
        self.counters = dict.fromkeys(FAULT_KINDS, 0)

    def decide(self, method: str) -> FaultDecision:
        """The fault (possibly none) for the next call of ``method``."""
        if not self._active:
            return NO_FAULT
        key = method.lower()
        rule = self._rules.get(key) or self._rules.get("*")
        if rule is None or not rule.is_active:
            return NO_FAULT
        stream = self._streams.get(key)
        if stream is None:
            # A str seed is hashed with SHA-512 by random.seed, so it is stable across processes and runs.
            stream = self._streams[key] = random.Random(f"{self.seed}:{key}")  # noqa: S311  # not crypto
        draw = stream.random()
        action: FaultAction = "none"
        if draw < rule.error_rate:
            action = "error"
        elif draw < rule.error_rate + rule.drop_rate:
            action = "drop"
        elif draw < rule.error_rate + rule.drop_rate + rule.timeout_rate:
            action = "timeout"
        if rule.latency_s:
            self.counters["latency"] += 1
        if action != "none":
            self.counters[action] += 1
        return FaultDecision(rule.latency_s, action, rule.timeout_s if action == "timeout" else 0.0)
