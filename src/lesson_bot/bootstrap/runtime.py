"""Running the long-lived processes: on uvloop where it is installed (measured +10 % updates/s for the bot, see
docs/ingest.md), else on asyncio's own loop."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory, or None for asyncio's default."""
    try:
        import uvloop
    except ImportError:  # not on every platform (e.g. Windows)
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on the fastest loop available."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


def freeze_startup_heap() -> None:
    """Keep everything built so far out of the garbage collector's work from now on (call once, before serving).

    A started service holds about 160,000 long-lived objects: modules, SQLAlchemy's mappers, python-telegram-bot,
    the lessons. Each full collection traversed them all, about 80 ms, and a burst of 20,000 check-ins and answers
    set off 23 of them: 1.9 s of CPU, and pauses that the taps' answers waited out (docs/ingest.md, session 4).
    Frozen, they are never traversed again; what the service creates afterwards is collected as before. (A frozen
    object is still freed when its last reference goes; only a cycle among frozen objects would stay, and what
    startup builds lives as long as the process anyway.)
    """
    gc.collect()
    gc.freeze()
