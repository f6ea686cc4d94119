"""The delivery limiter's calendar of global send slots (delivery/ratelimit.py explains how slots are used)."""

from __future__ import annotations

import math
from typing import Final

_MIN_SWEEP: Final = 1024
_SLOT_EPSILON: Final = 1e-9


class Calendar:
    """Global send slots ``origin + k x interval``, one message each; finds the first free slot at or after k.

    ``first`` (if given) is the earliest slot that may be booked: a calendar started "drained" begins at the slot
    whose send time, less the burst tolerance, is its start, so it grants no burst (docs/delivery.md)."""

    def __init__(self, origin: float, interval: float, first: int | None = None) -> None:
        self._origin = origin
        self.interval = interval
        self._first = first
        # Taken slot -> a slot at or after which the next free one lies (a union-find parent, always forward).
        self._next: dict[int, int] = {}
        self._sweep_at = _MIN_SWEEP

    def __len__(self) -> int:
        return len(self._next)

    def time_of(self, slot: int) -> float:
        return self._origin + slot * self.interval

    def slot_at_or_after(self, moment: float) -> int:
        # Limits often fall exactly on a slot boundary (a minute is a whole number of global intervals); float
        # noise must not push such a booking a whole slot later. It may land up to _SLOT_EPSILON of a slot early,
        # far inside the safety margin.
        slot = math.ceil((moment - self._origin) / self.interval - _SLOT_EPSILON)
        return slot if self._first is None else max(slot, self._first)

    def first_free(self, slot: int) -> int:
        root = slot
        while root in self._next:
            root = self._next[root]
        while slot != root:
            parent = self._next[slot]
            self._next[slot] = root
            slot = parent
        return root

    def take(self, slot: int) -> None:
        self._next[slot] = slot + 1

    def give_back(self, slot: int) -> None:
        # Parents that already jump past this slot keep skipping it: it is then reused only by a search
        # starting at it, which wastes a little capacity but never double-books.
        self._next.pop(slot, None)

    def forget_before(self, moment: float) -> None:
        if len(self._next) <= self._sweep_at:
            return
        # Searches start at or after "now", and parents only point forward, so past slots are never visited.
        first = self.slot_at_or_after(moment) - 1
        self._next = {slot: parent for slot, parent in self._next.items() if slot >= first}
        self._sweep_at = max(_MIN_SWEEP, 2 * len(self._next))
