"""Which chats the bot may read or write, answered with Telegram's errors."""

from __future__ import annotations

from tgsandbox.errors import CHAT_NOT_FOUND, bad_request, forbidden
from tgsandbox.model import ADMINISTRATOR, CREATOR, KICKED, PRESENT, SUPERGROUP, Chat, Message
from tgsandbox.params import Params
from tgsandbox.state import SandboxState


def chat_ref(params: Params, field: str = "chat_id") -> int | str:
    """chat_id as an integer, or "@username" for public groups."""
    raw = params.raw(field)
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    if isinstance(raw, str) and raw.strip().startswith("@"):
        return raw.strip()
    value = params.integer(field)
    if value is None:
        raise bad_request(CHAT_NOT_FOUND)
    return value


def _group_word(chat: Chat) -> str:
    return "supergroup chat" if chat.type == SUPERGROUP else "group chat"


def bot_is_admin(state: SandboxState, chat: Chat) -> bool:
    """Whether the bot is an administrator (or owner) of the group."""
    membership = chat.members.get(state.bot.id)
    return membership is not None and membership.status in (ADMINISTRATOR, CREATOR)


def bot_right(state: SandboxState, chat: Chat, right: str) -> bool:
    """Whether the bot holds one administrator right in the group."""
    membership = chat.members.get(state.bot.id)
    if membership is None:
        return False
    return membership.status == CREATOR or (
        membership.status == ADMINISTRATOR and membership.rights.get(right, False)
    )


def readable_chat(state: SandboxState, params: Params, field: str = "chat_id") -> Chat:
    """A chat the bot can look at: known users, and groups it belongs to."""
    chat = state.find_chat(chat_ref(params, field))
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    if not chat.is_group:
        if not state.users[chat.id].known_to_bot:
            raise bad_request(CHAT_NOT_FOUND)
        return chat
    if chat.migrated_to is not None:
        raise bad_request(
            "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": chat.migrated_to}
        )
    membership = chat.members.get(state.bot.id)
    if membership is None:
        raise bad_request(CHAT_NOT_FOUND)
    if membership.status == KICKED:
        raise forbidden(f"bot was kicked from the {_group_word(chat)}")
    if membership.status not in PRESENT:
        raise forbidden(f"bot is not a member of the {_group_word(chat)}")
    return chat


def writable_chat(state: SandboxState, params: Params, field: str = "chat_id") -> Chat:
    """A chat the bot can send to, or Telegram's 400/403 saying why not."""
    chat = state.find_chat(chat_ref(params, field))
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    if chat.is_group:
        return readable_chat(state, params, field)
    user = state.users[chat.id]
    if user.is_bot:
        raise forbidden("bot can't send messages to bots")
    if user.deactivated:
        raise forbidden("user is deactivated")
    if user.blocked:
        raise forbidden("bot was blocked by the user")
    if not user.started:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def existing_message(chat: Chat, params: Params, not_found: str) -> Message:
    """The message named by message_id in the chat, or 400 `not_found`."""
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request(not_found)
    return message
