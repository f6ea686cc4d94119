"""What the delivery engine needs from Telegram, without knowing python-telegram-bot (bot/sender.py implements it).
What a send became (`Sent`, or a `DeliveryError`) is in lesson_bot/domain/messages.py.

The dispatcher reads each outbox row's payload back into a typed message (domain/messages.py `from_payload`) and
hands that to the sender.
"""

from __future__ import annotations

from typing import Protocol

from lesson_bot.domain.messages import Message, Sent


class Sender(Protocol):
    async def send(self, chat_id: int, message: Message) -> Sent: ...


class ChatEvents(Protocol):
    """What the rest of lesson_bot does when Telegram says a chat is gone or moved."""

    async def chat_gone(self, chat_id: int, reason: str) -> None: ...

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None: ...
