"""Messages from people reaching the bot: privacy mode decides what a group member's message shows it."""

from __future__ import annotations

from tgsandbox.access import bot_is_admin
from tgsandbox.model import PRESENT, Chat, Message
from tgsandbox.objects import message_json
from tgsandbox.state import SandboxState


def command_target(text: str) -> str | None:
    """For "/cmd@name args", the "name" part (lower case); "" for a bare "/cmd"; None for non-commands."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head = text.split(None, 1)[0]
    _, _, target = head.partition("@")
    return target.lower()


def bot_receives(state: SandboxState, chat: Chat, message: Message) -> bool:
    """Whether Telegram would deliver this message to the bot.

    In private chats: everything. In groups with privacy mode on (Telegram's default) a bot that is not
    an administrator receives only service messages, commands (bare or addressed to it) and replies to
    its own messages.
    """
    if not chat.is_group:
        return True
    membership = chat.members.get(state.bot.id)
    if membership is None or membership.status not in PRESENT:
        return False
    if message.service or not state.privacy_mode or bot_is_admin(state, chat):
        return True
    target = command_target(message.text or "")
    username = (state.bot.username or "").lower()
    if target is not None:
        return target in ("", username)
    if message.reply_to is not None:
        replied = chat.messages.get(message.reply_to)
        return replied is not None and replied.sender_id == state.bot.id
    return False


def deliver(state: SandboxState, chat: Chat, message: Message) -> int | None:
    """Queue a `message` update if the bot would see this message; its update_id or None."""
    if not bot_receives(state, chat, message):
        return None
    state.users[message.sender_id].known_to_bot = True
    return state.emit("message", message_json(state, message), chat.id)
