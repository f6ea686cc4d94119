"""What the delivery engine's news about chats means for branches: gone (403) or moved (supergroup)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from lesson_bot.bot.texts import onboarding
from lesson_bot.services.container import Services

log = logging.getLogger(__name__)


class BranchChatEvents:
    """Marks a branch inactive when Telegram refuses its group, and tells the admins; a user who refuses private
    messages is marked blocked; follows migrations."""

    def __init__(self, services: Services, bot: Bot) -> None:
        self._services = services
        self._bot = bot

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        if chat_id > 0:
            # A private chat (a user's id): they blocked the bot or never started it. Until they /start again,
            # private messages are not planned for them (nudges fall back to the group mention).
            await self._services.roster.blocked(chat_id)
            log.info("user %d refused a private message (%s); marked blocked", chat_id, reason)
            return
        branch = await self._services.branches.bot_removed(chat_id)
        log.warning("chat %d refused delivery (%s); branch %s marked inactive", chat_id, reason,
                    branch.id if branch else None)
        admin_chat = self._services.settings.admin_chat_id
        if branch is not None and admin_chat is not None:
            t = self._services.translator.lang(None)
            try:
                await self._bot.send_message(admin_chat, onboarding.bot_removed_notice(t, branch.title, chat_id))
            except TelegramError:
                log.warning("could not notify the admin chat", exc_info=True)

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._services.branches.chat_migrated(old_chat_id, new_chat_id)
