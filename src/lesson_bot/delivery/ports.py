"""What the delivery engine needs from Telegram, without knowing python-telegram-bot (bot/sender.py implements it).

A payload is a Bot API call as data: {"method": "sendMessage" | "sendPoll" | "sendPhoto" | "sendDocument" |
"sendVideo", "params": {...}}. A media param may be {"path": "<file>"} (uploaded) or a file_id string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Sent:
    message_id: int | None
    result: dict[str, Any] = field(default_factory=dict)  # e.g. {"poll_id": ..., "file_id": ...}


class DeliveryError(Exception):
    """A send that did not succeed; the subclass says what the dispatcher should do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """429: wait retry_after seconds (for this chat, or the whole bot)."""

    def __init__(self, reason: str, retry_after: float, whole_bot: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.whole_bot = whole_bot


class Transient(DeliveryError):
    """5xx, network error or timeout: retry with backoff (the message may or may not have arrived)."""


class ChatGone(DeliveryError):
    """403: the bot was removed from the group, blocked, or the user is gone. Nothing more goes to that chat."""


class ChatMoved(DeliveryError):
    """The group became a supergroup: resend to the new chat id."""

    def __init__(self, reason: str, new_chat_id: int) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Rejected(DeliveryError):
    """400 for this message itself (too long, bad HTML...): retrying will not help."""


class Sender(Protocol):
    async def send(self, chat_id: int, payload: Mapping[str, Any]) -> Sent: ...


class ChatEvents(Protocol):
    """What the rest of lesson_bot does when Telegram says a chat is gone or moved."""

    async def chat_gone(self, chat_id: int, reason: str) -> None: ...

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None: ...
