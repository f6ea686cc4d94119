"""Ctrl-C for the demo: it ends the walk-through at once, wherever it waits (the lesson's minute, an engine tick).

asyncio.run cancels the main task once, on the first Ctrl-C; the demo was seen to go on playing after that one
cancellation (absorbed on the way while it waited on the sandbox), and to end only at the next lesson step. Here
the demo owns SIGINT and SIGTERM and cancels the walk-through, again if need be, until it has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Coroutine
from typing import Any

RECANCEL_S = 0.5  # how often a walk-through that absorbed the cancellation is cancelled again


async def until_interrupted(work: Coroutine[Any, Any, None], on_signal: Any = None) -> bool:
    """Run `work` to its end (True), or until SIGINT/SIGTERM (False: `on_signal()` is called at once, then `work`
    is cancelled, and its clean-up awaited)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(work)
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
            return True
        if on_signal is not None:
            on_signal()
        while not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=RECANCEL_S)
        with contextlib.suppress(asyncio.CancelledError):
            task.result()
        return False
    finally:
        stopping.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
