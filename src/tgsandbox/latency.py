"""How long each button tap waited for its answer, from the tap to answerCallbackQuery (request or webhook reply).

Times are `time.monotonic()` seconds: on Linux that clock is system-wide, so a benchmark in another process can
put the sandbox's first tap and last answer on its own time line.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any


def percentile(sorted_values: list[float], share: float) -> float | None:
    """The nearest-rank percentile of already sorted values (share in 0..1); None when there are none."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


class AnswerTimes:
    """Tap and answer times of the callback queries made since the last reset."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._pending: dict[str, float] = {}
        self._latencies: list[float] = []
        self.first_tap: float | None = None
        self.last_answer: float | None = None

    def tapped(self, query_id: str) -> None:
        """A callback query was made now."""
        now = self._clock()
        self._pending[query_id] = now
        if self.first_tap is None:
            self.first_tap = now

    def answered(self, query_id: str) -> None:
        """The bot answered a callback query now (ignored when it was made before the last reset)."""
        tapped = self._pending.pop(query_id, None)
        if tapped is None:
            return
        now = self._clock()
        self._latencies.append(now - tapped)
        self.last_answer = now

    def reset(self) -> None:
        """Forget every sample and every waiting tap: a new measurement starts."""
        self._pending.clear()
        self._latencies.clear()
        self.first_tap = None
        self.last_answer = None

    @property
    def unanswered(self) -> int:
        """Taps since the last reset still waiting for their answer."""
        return len(self._pending)

    @property
    def answered_count(self) -> int:
        """Taps since the last reset that have their answer."""
        return len(self._latencies)

    def report(self, samples: bool = False) -> dict[str, Any]:
        """Counts, percentiles in milliseconds, first tap and last answer (monotonic s); the samples if asked."""
        ordered = sorted(self._latencies)

        def ms(share: float) -> float | None:
            value = percentile(ordered, share)
            return None if value is None else round(value * 1000, 3)

        result: dict[str, Any] = {
            "answered": len(ordered),
            "unanswered": len(self._pending),
            "p50_ms": ms(0.50),
            "p90_ms": ms(0.90),
            "p99_ms": ms(0.99),
            "max_ms": ms(1.0),
            "first_tap": self.first_tap,
            "last_answer": self.last_answer,
        }
        if samples:
            result["samples_ms"] = [round(value * 1000, 3) for value in self._latencies]
        return result
