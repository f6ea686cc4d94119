"""Small test doubles shared by several test modules."""

from __future__ import annotations


class ManualClock:
    """A monotonic clock that moves only when the test says so (the input of a time-based rule, not a sleep)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
