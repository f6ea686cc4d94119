"""What the delivery engine needs from Telegram, without knowing python-telegram-bot (bot/sender.py implements it).
What a send became (`Sent`, or a `DeliveryError`) is in lesson_bot/domain/messages.py.

A payload is a Bot API call as data: {"method": "sendMessage" | "sendPoll" | "sendPhoto" | "sendDocument" |
"sendVideo", "params": {...}}. A media param may be {"path": "<file>"} (uploaded) or a file_id string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from lesson_bot.domain.messages import Sent


class Sender(Protocol):
    async def send(self, chat_id: int, payload: Mapping[str, Any]) -> Sent: ...


class ChatEvents(Protocol):
    """What the rest of lesson_bot does when Telegram says a chat is gone or moved."""

    async def chat_gone(self, chat_id: int, reason: str) -> None: ...

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None: ...
