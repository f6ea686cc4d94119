"""What the delivery engine needs from Telegram, without knowing python-telegram-bot (bot/sender.py implements it).
What a send became (`Sent`, or a `DeliveryError`) is in lesson_bot/domain/messages.py.

The dispatcher reads each outbox row's payload back into a typed message (`stored_message`) and hands that to the
sender.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from lesson_bot.domain.messages import Message, Rejected, Sent, UnknownMessage, from_payload


def stored_message(payload: Mapping[str, Any]) -> Message:
    """The typed message a row stores; a payload that is none (or is malformed) is Rejected: retrying cannot help."""
    try:
        return from_payload(payload)
    except (UnknownMessage, KeyError, TypeError, ValueError, IndexError) as exc:
        raise Rejected(f"not a message the delivery engine sends: {exc}") from exc


class Sender(Protocol):
    async def send(self, chat_id: int, message: Message) -> Sent: ...


class ChatEvents(Protocol):
    """What the rest of lesson_bot does when Telegram says a chat is gone or moved."""

    async def chat_gone(self, chat_id: int, reason: str) -> None: ...

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None: ...
