"""The delivery rate limiter: books a send slot per outgoing message so the bot stays inside Telegram's limits.

The rules are the sandbox's (``tgsandbox.limits``, which imitates Telegram), at ``safety`` x the configured
rates (1 by default) and with every window and interval divided by ``time_scale``:

* **Overall**: Telegram (and the sandbox) allow a bucket of ``global_burst`` messages (one second's worth)
  refilling at ``global_per_second``. The limiter keeps a calendar of *virtual* slots, one message each,
  ``1 / global_per_second`` s apart, and sends a message booked on virtual slot ``v`` at
  ``max(earliest, v - tolerance)``: the bucket's burst, less a reserve of ``jitter_s``. A later caller may get an
  earlier free slot than an earlier caller (whose chat had to wait), so no capacity is wasted behind a paused
  chat; the first free slot is found with a "next free slot" union-find.
* **Per chat** (private chats and groups): a token bucket of ``chat_burst`` refilling at ``chat_per_second``
  (GCRA: one theoretical arrival time per chat), its tolerance also less ``jitter_s``. A chat's reservations get
  strictly increasing send times in the order they were made, so its messages keep their order.
* **Per group**: at most ``group_per_minute`` messages in any sliding window of ``60 s + jitter_s``.
* **Pauses**: after a 429, ``penalize`` keeps new reservations for that chat (or every chat) past the pause.
* **Stalls**: a send more than the reserve past its slot (the process stalled, so everything due meanwhile
  would go at once) is booked again on a new calendar without a burst (``rebook``).
* **Adaptive pace**: a 429 although every rule was kept means Telegram's real budget is lower: ``throttled`` cuts
  the overall rate (delivery/pacing.py, AIMD) and ``accepted`` probes it back up after a quiet period. Each change
  of pace, and ``drained`` (a new leader, whose predecessor may have emptied Telegram's bucket), starts a new
  calendar with no burst: its first slot is sent now, then one per interval at the new pace. Slots booked on an
  older calendar are booked again when their sleep ends (``rebook``).

Why a reserve and not a lower rate: both clocks run at the same rate and a request reaches Telegram after its
slot, never before, so pacing at exactly the limit is refused only when requests bunch up on the way (one held
back, the next on time). A message goes out at most ``tolerance`` before its virtual slot and never after it, so
the sends of any stretch of length T hold distinct slots within T + tolerance: with ``jitter_s`` of the real
tolerance spare, they still fit the real bucket when each arrives up to ``jitter_s`` later than the others (and a
window ``jitter_s`` wider still holds its count). A rate margin would add a delay that grows with the queue (3 % of
a 133 s fan-out is 4 s); the reserve costs ``jitter_s`` once. It is wall-clock time, not divided by ``time_scale``.

How the dispatcher uses it: claim due rows and, in due order, call ``reserve(chat_id, is_group)`` once per row,
sleep the returned delay, then send (``await acquire(...)`` does both). On a 429, call ``penalize(retry_after,
chat_id)`` (``penalize(retry_after)`` for a bot-wide flood) and reserve again: the old slot is spent. A row woken
inside a pause imposed after it was booked should be re-reserved, not sent (``pause_remaining`` tells).
``release`` gives back the chat's *newest* reservation (its row was cancelled right after ``reserve``); any other
unused slot is simply left unused, which is always safe. Retry-after values are clock seconds as reported (the
sandbox's are already scaled) and are not scaled again.

Cost: a reservation is near-constant amortised: the slot search is a union-find with path compression (in a
fan-out it walks one or two links), and each booking is appended to and popped from its chat's history once.
Memory is bounded: a chat is forgotten once its bucket is full again, its pause is over and its group window
is empty, and past calendar slots are dropped; both sweeps run only when a table has doubled since the last
one. The limiter is per process: replicas sharing one bot must split the budget between them (e.g.
``global_per_second / replicas``).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from lesson_bot.delivery.pacing import AdaptiveRate, PacingConfig
from lesson_bot.delivery.slots import Calendar
from tgrules.limits import (
    CHAT_MESSAGES_PER_SECOND,
    GLOBAL_MESSAGES_PER_SECOND,
    GROUP_MESSAGES_PER_MINUTE,
)

__all__ = ["DeliveryLimiter", "Limits"]

_GROUP_WINDOW_S: Final = 60.0
# Telegram tolerates "short bursts" in one chat without saying how long; the sandbox's default is 3.
_DEFAULT_CHAT_BURST: Final = 3
# Requests bunch up on their way: one lost packet holds a request back by Linux's minimum TCP retransmission
# timeout (200 ms) while the next goes through. The reserve costs the same 0.2 s of lateness, once (docs/delivery.md).
_DEFAULT_JITTER_S: Final = 0.2
_MIN_SWEEP: Final = 1024
# With no jitter reserve (a simulation), a send this late past its slot still counts as on time, not as a stall.
_MIN_STALL_S: Final = 0.02


@dataclass(frozen=True)
class Limits:
    """The flood budget the limiter keeps to; the same fields (and ``time_scale``) as the sandbox's FloodConfig."""

    global_per_second: float = GLOBAL_MESSAGES_PER_SECOND
    group_per_minute: int = GROUP_MESSAGES_PER_MINUTE
    chat_per_second: float = CHAT_MESSAGES_PER_SECOND
    chat_burst: int = _DEFAULT_CHAT_BURST
    global_burst: int | None = None  # None: one second's worth, like the sandbox (floor of global_per_second)
    time_scale: float = 1.0  # >1 shrinks every window (same proportions), like the sandbox's FloodConfig
    safety: float = 1.0  # the fraction of each rate aimed at; the jitter reserve, not this, absorbs jitter
    jitter_s: float = _DEFAULT_JITTER_S  # wall-clock bunching of requests on their way that draws no 429

    def __post_init__(self) -> None:
        for name in ("global_per_second", "chat_per_second", "time_scale", "safety"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be finite, got {value!r}")
        if self.safety > 1:
            raise ValueError(f"safety must be at most 1 (a fraction of the limits), got {self.safety!r}")
        jitter = self.jitter_s
        if isinstance(jitter, bool) or not isinstance(jitter, int | float) or not 0 <= jitter < math.inf:
            raise ValueError(f"jitter_s must be a finite number of seconds, at least 0, got {jitter!r}")
        for name in ("group_per_minute", "chat_burst"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
        burst = self.global_burst
        if burst is not None and (isinstance(burst, bool) or not isinstance(burst, int) or burst < 1):
            raise ValueError(f"global_burst must be a whole number of at least 1 (or None), got {burst!r}")

    @property
    def burst(self) -> int:
        """The overall bucket's size: global_burst, or one second's worth of messages."""
        return self.global_burst if self.global_burst is not None else max(1, math.floor(self.global_per_second))


@dataclass(slots=True)
class _Booking:
    at: float
    slot: int
    tat_before: float  # the chat's bucket state before this booking, so the newest one can be undone exactly
    generation: int  # the calendar it was booked on (a new one starts at each change of pace)


@dataclass(slots=True)
class _Chat:
    tat: float = -math.inf
    paused_until: float = -math.inf
    is_group: bool = False
    bookings: deque[_Booking] = field(default_factory=deque)


class DeliveryLimiter:
    """Books send slots that keep a sender within the global, per-group and per-chat limits and any 429 pause."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic,
                 pacing: PacingConfig | None = None) -> None:
        self.limits = limits
        self._clock = clock
        scale, rate_scale, jitter = limits.time_scale, limits.time_scale * limits.safety, limits.jitter_s
        # Tolerances come from the real rates (a safety below 1 only spaces messages further apart).
        self._chat_interval = 1.0 / (limits.chat_per_second * rate_scale)
        self._chat_tolerance = max(0.0, (limits.chat_burst - 1) / (limits.chat_per_second * scale) - jitter)
        self._group_window = _GROUP_WINDOW_S / rate_scale + jitter
        self._group_limit = limits.group_per_minute
        self._global_interval = 1.0 / (limits.global_per_second * rate_scale)
        self._global_tolerance = max(0.0, (limits.burst - 1) / (limits.global_per_second * scale) - jitter)
        self._calendar = Calendar(clock(), self._global_interval)
        self._generation = 0
        self.pace = AdaptiveRate(pacing or PacingConfig(), limits.time_scale)
        self._chats: dict[int, _Chat] = {}
        self._paused_until = -math.inf
        self._sweep_at = _MIN_SWEEP
        # Later than this past its slot, a send is bunched with others beyond what the jitter reserve absorbs.
        self._stall_s = max(jitter, _MIN_STALL_S)
        self.stalls = 0  # how often a send found itself that late (rebook)

    @property
    def tracked_chats(self) -> int:
        """How many chats the limiter currently keeps state for."""
        return len(self._chats)

    @property
    def tracked_slots(self) -> int:
        """How many global slots the calendar currently remembers."""
        return len(self._calendar)

    def reserve(self, chat_id: int, is_group: bool) -> float:
        """Book the earliest slot at which this chat may receive one more message; the delay from now, in s."""
        now = self._clock()
        slot, at, chat = self._plan(chat_id, is_group, now)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        chat.is_group = chat.is_group or is_group
        chat.bookings.append(_Booking(at, slot, chat.tat, self._generation))
        chat.tat = max(chat.tat, at) + self._chat_interval
        self._calendar.take(slot)
        self._sweep(now)
        return max(0.0, at - now)

    async def acquire(self, chat_id: int, is_group: bool) -> None:
        """Reserve a slot and sleep until it; a cancelled wait gives the slot back when it can be undone."""
        delay = self.reserve(chat_id, is_group)
        slot = self._chats[chat_id].bookings[-1].slot
        try:
            await asyncio.sleep(delay)
        except asyncio.CancelledError:
            chat = self._chats.get(chat_id)
            if chat is not None and chat.bookings and chat.bookings[-1].slot == slot:
                self._undo(chat)
            raise

    def rebook(self, chat_id: int, is_group: bool) -> float | None:
        """None if this chat's newest booking stands; else book again and return the delay.

        Call it when the sleep for a slot ends, and again just before the send (the dispatcher has one row per
        chat in flight, so the newest booking is the caller's). A booking no longer stands when the pace changed
        since it was made (a slot booked at the old pace would send above a pace just cut), or when it is more
        than the jitter reserve past its time: the process stalled (a long GC pause, a starved CPU, every sender
        busy behind a slow write), so every message due during the stall goes out at once, more than Telegram's
        bucket holds. The first caller to see a stall starts a new calendar without a burst (as ``drained``) and
        sends now; the others are paced behind it."""
        chat = self._chats.get(chat_id)
        if chat is None or not chat.bookings:
            return None
        booking = chat.bookings[-1]
        if booking.generation == self._generation:
            if self._clock() - booking.at <= self._stall_s:
                return None
            self.stalls += 1
            self.drained()
        self._undo(chat)
        return self.reserve(chat_id, is_group)

    def drained(self) -> None:
        """Assume Telegram's bucket is empty (a previous leader just used it): from now on at the pace, no burst."""
        now = self._clock()
        interval = self._global_interval / self.pace.fraction
        # Slot 0 is sent `tolerance` before its time, i.e. now; nothing earlier can be booked.
        self._calendar = Calendar(now + self._global_tolerance, interval, first=0)
        self._generation += 1

    def throttled(self, cuts_at_send: int) -> None:
        """Telegram answered 429 although the limits were kept: its real budget is lower; slow down (pacing.py).
        `cuts_at_send` is ``pace.cuts`` when the refused request was sent."""
        if self.pace.throttled(self._clock(), cuts_at_send):
            self.drained()

    def accepted(self) -> None:
        """Telegram accepted a message: after a quiet period the pace probes back up (pacing.py)."""
        if self.pace.sent(self._clock()):
            self.drained()

    def ready_in(self, chat_id: int, is_group: bool) -> float:
        """The delay ``reserve`` would return now, without booking anything."""
        now = self._clock()
        _, at, _ = self._plan(chat_id, is_group, now)
        return max(0.0, at - now)

    def penalize(self, retry_after: float | dtm.timedelta, chat_id: int | None = None) -> None:
        """Telegram answered 429: pause this chat (or, chat_id None, every chat) for retry_after seconds."""
        seconds = retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
            raise ValueError(f"retry_after must be a positive number of seconds, got {retry_after!r}")
        if not math.isfinite(seconds):
            raise ValueError(f"retry_after must be finite, got {retry_after!r}")
        until = self._clock() + seconds
        if chat_id is None:
            self._paused_until = max(self._paused_until, until)
            return
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.paused_until = max(chat.paused_until, until)

    def pause_remaining(self, chat_id: int | None = None) -> float:
        """Seconds until a 429 pause on this chat (or, chat_id None, on every chat) is over; 0.0 if none."""
        until = self._paused_until
        chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is not None:
            until = max(until, chat.paused_until)
        return max(0.0, until - self._clock())

    def release(self, chat_id: int, is_group: bool) -> None:
        """Give back this chat's newest reservation (unused, e.g. its row was cancelled); no-op if none is left."""
        del is_group  # a chat's reservations are kept per chat id; accepted for symmetry with reserve()
        chat = self._chats.get(chat_id)
        if chat is not None and chat.bookings:
            self._undo(chat)

    def _plan(self, chat_id: int, is_group: bool, now: float) -> tuple[int, float, _Chat | None]:
        """The first free virtual slot every rule for this chat allows, its send time, and the chat's state."""
        earliest = max(now, self._paused_until)
        chat = self._chats.get(chat_id)
        after = None
        if chat is not None:
            bookings = chat.bookings
            horizon = now - self._group_window
            while bookings and bookings[0].at <= horizon:
                bookings.popleft()
            earliest = max(earliest, chat.paused_until, chat.tat - self._chat_tolerance)
            if is_group and len(bookings) >= self._group_limit:
                # Bookings are in time order, so the window is full exactly while the group_limit-th newest
                # one is still inside it.
                earliest = max(earliest, bookings[-self._group_limit].at + self._group_window)
            if bookings:
                # The chat's messages keep the order they were reserved in: later virtual slots, and send times
                # a global interval apart, so that two sleeps ending at once cannot swap them.
                if bookings[-1].generation == self._generation:
                    after = bookings[-1].slot + 1
                earliest = max(earliest, bookings[-1].at + self._calendar.interval)
        # A virtual slot at or after the send time, at most the tolerance after it: any stretch of sends then
        # holds no more messages than the bucket allows (its slots are distinct and span the stretch + tolerance).
        slot = self._calendar.slot_at_or_after(earliest)
        if after is not None:
            slot = max(slot, after)
        slot = self._calendar.first_free(slot)
        return slot, max(earliest, self._calendar.time_of(slot) - self._global_tolerance), chat

    def _undo(self, chat: _Chat) -> None:
        booking = chat.bookings.pop()
        chat.tat = booking.tat_before
        if booking.generation == self._generation:
            self._calendar.give_back(booking.slot)

    def _sweep(self, now: float) -> None:
        self._calendar.forget_before(now)
        if len(self._chats) <= self._sweep_at:
            return
        # An idle chat's state is indistinguishable from a fresh one: dropping it changes no answer.
        self._chats = {chat_id: chat for chat_id, chat in self._chats.items() if not self._idle(chat, now)}
        self._sweep_at = max(_MIN_SWEEP, 2 * len(self._chats))

    def _idle(self, chat: _Chat, now: float) -> bool:
        horizon = now - self._group_window if chat.is_group else now
        last = chat.bookings[-1].at if chat.bookings else -math.inf
        return chat.tat <= now and chat.paused_until <= now and last <= horizon
