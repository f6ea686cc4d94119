"""Updates are handled concurrently across chats and in order within a chat.

A slow or rate-limited reply in one group (Telegram allows about 20 messages a minute there) must not hold up
every other chat, yet a member's taps and answers in one chat must be handled in the order they were made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from lesson_bot.bot.observe import observed
from lesson_bot.bot.taps import Tap
from lesson_bot.domain import callbacks
from lesson_bot.domain.callbacks import LessonDone, Rsvp, SignIn
from lesson_bot.services.metrics import Metrics

MAX_CONCURRENT_UPDATES = 256

# Taps that only record what one member did (check-in, RSVP, sign-in): their order matters per member, not across
# the group, so a busy group's taps are handled side by side and reach the recorder's batches together.
PER_MEMBER_TAPS = (LessonDone, Rsvp, SignIn)


def ordering_key(update: object) -> int:
    """The chat an update belongs to (a poll answer, which has no chat, goes by its user; so does a member's tap
    that records only their own action)."""
    if isinstance(update, Tap):  # a check-in (a per-member tap) or a quiz answer (no chat): the member's
        return update.person.telegram_user_id
    if isinstance(update, Update):
        query = update.callback_query
        if query is not None and isinstance(callbacks.decode(query.data or ""), PER_MEMBER_TAPS):
            return query.from_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0


class BoundedUpdateQueue(asyncio.Queue[object]):
    """The update queue of polling mode: at most `in_flight` updates taken and not yet handled, at most `waiting`
    more fetched and queued.

    python-telegram-bot's fetcher starts a task for every update it takes from the queue, at once, before the
    processor's limit applies, and its updater keeps fetching: a burst of 10,000 taps became 10,000 parsed updates
    and tasks held together (+110 MB of resident memory that never came back, benchmarks/footprint.py). Here the
    fetcher waits for a slot (a handled update gives one back through `task_done`), the queue fills, and the
    updater's next getUpdates waits with it: the rest of the burst stays with Telegram until there is room.
    """

    def __init__(self, in_flight: int = MAX_CONCURRENT_UPDATES, waiting: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(waiting)
        self._slots = asyncio.Semaphore(in_flight)

    async def get(self) -> object:
        await self._slots.acquire()
        try:
            return await super().get()
        except BaseException:
            self._slots.release()
            raise

    def task_done(self) -> None:
        super().task_done()
        self._slots.release()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """One lock per chat; python-telegram-bot starts updates in arrival order, so each chat's stay ordered.
    Every update is counted, timed and logged as it is handled (bot/observe.py)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES, metrics: Metrics | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await observed(update, coroutine, self._metrics)
        finally:
            # Forget a chat's lock once nobody holds or waits for it, so the table stays small.
            self._users[key] -= 1
            if self._users[key] == 0:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
