"""The bot's update queue: one increasing update_id, getUpdates long polling, allowed_updates filtering."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tgrules.limits import GET_UPDATES_LIMIT_MAX
from tgsandbox.errors import conflict
from tgsandbox.signals import Signal

# Telegram's default when allowed_updates is omitted or empty: every type except these.
EXCLUDED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class QueuedUpdate:
    """One update waiting for confirmation, with the key that orders webhook delivery per chat."""

    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_key: int
    attempts: int = 0
    not_before: float = 0.0
    json: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.json = {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Pending updates in update_id order; confirmed (dropped) by a later getUpdates offset."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: OrderedDict[int, QueuedUpdate] = OrderedDict()
        self._next_id = first_update_id
        self.allowed: frozenset[str] | None = None
        self.arrived = Signal()
        self._poll_generation = 0

    def wants(self, kind: str) -> bool:
        """Whether the bot's allowed_updates setting accepts this kind of update."""
        if self.allowed is None:
            return kind not in EXCLUDED_BY_DEFAULT
        return kind in self.allowed

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        """Store allowed_updates; an empty list means Telegram's default set."""
        if kinds is None:
            return
        chosen = frozenset(str(kind) for kind in kinds)
        self.allowed = chosen or None

    def push(self, kind: str, payload: dict[str, Any], chat_key: int) -> int | None:
        """Queue an update if the bot wants it; its update_id, or None when filtered out."""
        if not self.wants(kind):
            return None
        update_id = self._next_id
        self._next_id += 1
        self._pending[update_id] = QueuedUpdate(update_id, kind, payload, chat_key)
        self.arrived.fire()
        return update_id

    def __len__(self) -> int:
        return len(self._pending)

    def __iter__(self) -> Iterator[QueuedUpdate]:
        return iter(self._pending.values())

    def remove(self, update_id: int) -> None:
        """Drop one update (delivered to the webhook)."""
        self._pending.pop(update_id, None)

    def clear(self) -> None:
        """Drop every pending update (drop_pending_updates)."""
        self._pending.clear()

    def confirm(self, offset: int) -> None:
        """Apply a getUpdates offset: forget earlier updates; a negative offset keeps only the last -N."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popitem(last=False)
            return
        while self._pending:
            first = next(iter(self._pending))
            if first >= offset:
                break
            del self._pending[first]

    def head(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` pending updates as Update JSON."""
        result: list[dict[str, Any]] = []
        for queued in self._pending.values():
            if len(result) >= limit:
                break
            result.append(queued.json)
        return result

    async def get_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm by offset, then answer at once or long-poll until an update arrives."""
        if not 1 <= limit <= GET_UPDATES_LIMIT_MAX:
            limit = min(max(limit, 1), GET_UPDATES_LIMIT_MAX)
        # Telegram clamps the long-poll timeout rather than refusing it.
        timeout = max(timeout, 0.0)
        self.set_allowed(allowed)
        if offset is not None:
            self.confirm(offset)
        # A newer getUpdates call ends an older one with 409, as Telegram does for two pollers.
        self._poll_generation += 1
        generation = self._poll_generation
        self.arrived.fire()
        if self._pending or timeout == 0:
            return self.head(limit)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._pending:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.arrived.wait(remaining)
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; make sure that only one bot instance is running"
                )
        return self.head(limit)
