"""Graceful shutdown on SIGTERM (or SIGINT), within a bound; a second signal ends the process at once.

The first signal starts the orderly stop (bootstrap/app.py, docs/operations.md): /readyz turns 503, the web server
takes no new connection, the bot fetches no more updates and lets the ones in hand finish, the delivery engine
starts no new send and waits for those under way, steps down as leader (another replica takes over within its
retry interval), the participation recorder writes what is queued, the database is closed. If that takes longer
than SHUTDOWN_BOUND_S, or if a second signal arrives, the process exits at once: what was not written is safe in
the outbox (a claimed row goes back to pending for the next leader), at the cost of the sends then under way
possibly being made twice, as after a kill -9.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Iterator

log = logging.getLogger("lesson_bot")
SHUTDOWN_BOUND_S = 30.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)
OVERDUE_EXIT = 1


def _exit_now(code: int) -> None:
    for handler in logging.getLogger().handlers:
        with contextlib.suppress(Exception):
            handler.flush()
    os._exit(code)


class Shutdown:
    """The process's stop request: callbacks run on the first signal; the second one (or the bound) exits."""

    def __init__(self, bound_s: float = SHUTDOWN_BOUND_S) -> None:
        self.bound_s = bound_s
        self.requested = asyncio.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._overdue_timer: asyncio.TimerHandle | None = None

    @property
    def stopping(self) -> bool:
        return self.requested.is_set()

    def on_request(self, callback: Callable[[], None]) -> None:
        """Call this when the stop is requested (at once if it already was)."""
        self._callbacks.append(callback)
        if self.stopping:
            callback()

    def request(self, sig: signal.Signals | None = None) -> None:
        """Begin the orderly stop; a second request exits at once."""
        name = sig.name if sig is not None else "stop"
        if self.stopping:
            log.warning("%s again: exiting now, without waiting for the stop to finish", name)
            _exit_now(128 + (sig or signal.SIGTERM))
        log.info("%s: stopping (at most %g s; send it again to exit at once)", name, self.bound_s)
        self.requested.set()
        self._overdue_timer = asyncio.get_running_loop().call_later(self.bound_s, self._overdue)
        for callback in self._callbacks:
            callback()

    def _overdue(self) -> None:
        log.error("the stop took longer than %g s: exiting now", self.bound_s)
        _exit_now(OVERDUE_EXIT)

    @contextlib.contextmanager
    def signals(self) -> Iterator[None]:
        """SIGINT and SIGTERM request the stop while the block runs (and exit at once when repeated)."""
        loop = asyncio.get_running_loop()
        for sig in SIGNALS:
            loop.add_signal_handler(sig, self.request, sig)
        try:
            yield
        finally:
            for sig in SIGNALS:
                loop.remove_signal_handler(sig)
            if self._overdue_timer is not None:
                self._overdue_timer.cancel()
