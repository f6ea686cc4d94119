"""The Application's Bot: an edit that finds the message already as wanted succeeds.

Two taps on one button (the second sent while the first is in flight) make the same edit twice, and Telegram
answers the second "message is not modified". The state the edit wanted holds, so every edit path (the handlers
call these methods through query.edit_message_*, message.edit_text) treats it as done, here and only here.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message
from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger(__name__)
NOT_MODIFIED = "message is not modified"


def _not_modified(exc: BadRequest) -> bool:
    return NOT_MODIFIED in exc.message.lower()


class IdempotentEditBot(ExtBot[Any]):
    """python-telegram-bot's ExtBot whose message edits are idempotent (True when nothing needed changing)."""

    async def edit_message_text(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_text(*args, **kwargs)
        except BadRequest as exc:
            if not _not_modified(exc):
                raise
        log.debug("edit_message_text: already as wanted")
        return True

    async def edit_message_reply_markup(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_reply_markup(*args, **kwargs)
        except BadRequest as exc:
            if not _not_modified(exc):
                raise
        log.debug("edit_message_reply_markup: already as wanted")
        return True

    async def edit_message_caption(self, *args: Any, **kwargs: Any) -> Message | bool:
        try:
            return await super().edit_message_caption(*args, **kwargs)
        except BadRequest as exc:
            if not _not_modified(exc):
                raise
        log.debug("edit_message_caption: already as wanted")
        return True
