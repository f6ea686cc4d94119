"""Joining, leaving, promotion: the status change, its service message and the member updates."""

from __future__ import annotations

from typing import Any

from tgsandbox.access import bot_is_admin
from tgsandbox.inbound import deliver
from tgsandbox.model import ADMIN_RIGHTS, ADMINISTRATOR, PRESENT, Chat, Membership
from tgsandbox.objects import chat_json, member_json, user_json
from tgsandbox.state import SandboxState

DEFAULT_ADMIN_RIGHTS = dict.fromkeys(ADMIN_RIGHTS, True)


def change_status(
    state: SandboxState,
    chat: Chat,
    user_id: int,
    status: str,
    actor_id: int,
    rights: dict[str, bool] | None = None,
) -> dict[str, Any]:
    """Move a user to a new status in a group, emitting what Telegram emits; returns update ids."""
    old = chat.members.get(user_id)
    old_view = old if old is not None else Membership("left")
    new = Membership(status, dict(rights or (DEFAULT_ADMIN_RIGHTS if status == ADMINISTRATOR else {})))
    chat.members[user_id] = new
    joined = old_view.status not in PRESENT and status in PRESENT
    left = old_view.status in PRESENT and status not in PRESENT
    result: dict[str, Any] = {"update_ids": []}
    if joined or left:
        service = {"new_chat_members": [user_id]} if joined else {"left_chat_member": user_id}
        message = state.add_message(chat, actor_id, service=service)
        result["message_id"] = message.message_id
        if user_id != state.bot.id or joined:
            update_id = deliver(state, chat, message)
            if update_id is not None:
                result["update_ids"].append(update_id)
    payload = {
        "chat": chat_json(state, chat),
        "from": user_json(state.users[actor_id]),
        "date": state.now(),
        "old_chat_member": member_json(state, user_id, old_view),
        "new_chat_member": member_json(state, user_id, new),
    }
    if user_id == state.bot.id:
        update_id = state.emit("my_chat_member", payload, chat.id)
    elif bot_is_admin(state, chat):
        # chat_member needs the bot to be an administrator *and* to have asked for it in allowed_updates.
        update_id = state.emit("chat_member", payload, chat.id)
    else:
        update_id = None
    if update_id is not None:
        result["update_ids"].append(update_id)
    bot_here = chat.members.get(state.bot.id)
    if bot_here is not None and bot_here.status in PRESENT:
        for member_id, membership in chat.members.items():
            if membership.status in PRESENT:
                state.users[member_id].known_to_bot = True
    state.changed.fire()
    return result
