"""Bot API 10 JSON shapes of the sandbox's records, as python-telegram-bot 22.8 parses them."""

from __future__ import annotations

from typing import Any

from tgsandbox.model import (
    ADMIN_RIGHTS,
    ADMINISTRATOR,
    KICKED,
    PRIVATE,
    Chat,
    Membership,
    Message,
    Poll,
    StoredFile,
    User,
)
from tgsandbox.state import SandboxState


def user_json(user: User) -> dict[str, Any]:
    """User."""
    data: dict[str, Any] = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    if user.language_code:
        data["language_code"] = user.language_code
    return data


def me_json(state: SandboxState) -> dict[str, Any]:
    """The bot's own User as getMe answers it, with the bot-only capability flags."""
    data = user_json(state.bot)
    data.update(
        can_join_groups=True,
        can_read_all_group_messages=not state.privacy_mode,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return data


def chat_json(state: SandboxState, chat: Chat) -> dict[str, Any]:
    """Chat (the short form embedded in messages and updates)."""
    data: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.type == PRIVATE:
        user = state.users[chat.id]
        data["first_name"] = user.first_name
        if user.last_name:
            data["last_name"] = user.last_name
        if user.username:
            data["username"] = user.username
    else:
        data["title"] = chat.title
        if chat.username:
            data["username"] = chat.username
    return data


def chat_full_json(state: SandboxState, chat: Chat) -> dict[str, Any]:
    """ChatFullInfo, as getChat answers."""
    data = chat_json(state, chat)
    data.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    if chat.description:
        data["description"] = chat.description
    if chat.is_group:
        data["permissions"] = {
            "can_send_messages": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_invite_users": True,
            "can_pin_messages": False,
        }
    if chat.migrated_from is not None:
        data["migrated_from_chat_id"] = chat.migrated_from
    return data


def member_json(state: SandboxState, user_id: int, membership: Membership) -> dict[str, Any]:
    """ChatMember in the subclass shape its status asks for."""
    data: dict[str, Any] = {"user": user_json(state.users[user_id]), "status": membership.status}
    if membership.status == "creator":
        data["is_anonymous"] = False
    elif membership.status == ADMINISTRATOR:
        data.update(can_be_edited=False, is_anonymous=False)
        data.update({right: membership.rights.get(right, False) for right in ADMIN_RIGHTS})
    elif membership.status == KICKED:
        data["until_date"] = membership.until_date
    return data


def file_json(stored: StoredFile, with_path: bool = False) -> dict[str, Any]:
    """Document / Video / PhotoSize / File, by the stored file's kind."""
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if with_path:
        data["file_path"] = stored.file_path
        return data
    if stored.kind in ("photo", "video"):
        data.update(width=stored.width, height=stored.height)
    if stored.kind == "video":
        data["duration"] = stored.duration
    if stored.kind in ("document", "video"):
        if stored.file_name:
            data["file_name"] = stored.file_name
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
    return data


def poll_json(poll: Poll) -> dict[str, Any]:
    """Poll with its current counts (Bot API 10: allows_revoting, members_only, persistent ids)."""
    data: dict[str, Any] = {
        "id": poll.id,
        "question": poll.question,
        "options": [
            {"text": option.text, "voter_count": len(option.voters), "persistent_id": option.persistent_id}
            for option in poll.options
        ],
        "total_voter_count": poll.total_voter_count,
        "is_closed": poll.is_closed,
        "is_anonymous": poll.is_anonymous,
        "type": poll.type,
        "allows_multiple_answers": poll.allows_multiple_answers,
        "allows_revoting": poll.allows_revoting,
        "members_only": False,
    }
    if poll.type == "quiz":
        data["correct_option_ids"] = list(poll.correct_option_ids)
        if poll.explanation:
            data["explanation"] = poll.explanation
            if poll.explanation_entities:
                data["explanation_entities"] = poll.explanation_entities
    if poll.open_period is not None:
        data["open_period"] = poll.open_period
    if poll.close_date is not None:
        data["close_date"] = poll.close_date
    return data


def message_json(state: SandboxState, message: Message, nested: bool = False) -> dict[str, Any]:
    """Message as the bot sees it (sent-message results and updates)."""
    chat = state.chats[message.chat_id]
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": user_json(state.users[message.sender_id]),
        "chat": chat_json(state, chat),
        "date": message.date,
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.caption is not None:
        data["caption"] = message.caption
        if message.caption_entities:
            data["caption_entities"] = message.caption_entities
    if message.media is not None:
        stored = state.files[message.media.file_id]
        if message.media.kind == "photo":
            data["photo"] = [file_json(stored)]
        else:
            data[message.media.kind] = file_json(stored)
    if message.poll_id is not None:
        data["poll"] = poll_json(state.polls[message.poll_id])
    if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
        data["reply_markup"] = message.reply_markup
    if message.reply_to is not None and not nested:
        target = chat.messages.get(message.reply_to)
        if target is not None and not target.deleted:
            data["reply_to_message"] = message_json(state, target, nested=True)
    for key, value in message.service.items():
        data[key] = _service_value(state, chat, key, value, nested)
    return data


def _service_value(state: SandboxState, chat: Chat, key: str, value: Any, nested: bool) -> Any:
    if key == "new_chat_members":
        return [user_json(state.users[user_id]) for user_id in value]
    if key == "left_chat_member":
        return user_json(state.users[value])
    if key == "pinned_message":
        target = chat.messages.get(value)
        if target is None or nested:
            return {"chat": chat_json(state, chat), "message_id": value, "date": 0}
        return message_json(state, target, nested=True)
    return value
