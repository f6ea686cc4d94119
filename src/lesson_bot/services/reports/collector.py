"""The cyclic garbage collector paused while a report is built.

An organization's report makes about seven small objects per member (tallies, facts, points, rates, lines: some
225,000 for 30,000 members), all alive until the report is done and none in a reference cycle. The collector's
generational passes find nothing to free among them, yet every few hundred allocations they traverse the young
ones, and each full pass traverses the whole heap: it would double the report's time (docs/assessment.md,
"Rollups").
Reference counting still frees everything as usual while paused; whatever cycles other tasks of the process make
meanwhile are collected once the last report in progress is done. Pauses nest (overlapping reports).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    depth = 0
    resume = False  # whether the collector was on when the first pause began


@contextmanager
def collector_paused() -> Iterator[None]:
    if _Pauses.depth == 0:
        _Pauses.resume = gc.isenabled()
        gc.disable()
    _Pauses.depth += 1
    try:
        yield
    finally:
        _Pauses.depth -= 1
        if _Pauses.depth == 0 and _Pauses.resume:
            gc.enable()
