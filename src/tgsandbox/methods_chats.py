"""Chat information and leaving: getChat, getChatMember, getChatAdministrators, getChatMemberCount."""

from __future__ import annotations

from typing import Any

from tgsandbox.access import readable_chat
from tgsandbox.errors import bad_request
from tgsandbox.membership import change_status
from tgsandbox.model import ADMINISTRATOR, CREATOR, LEFT, MEMBER, PRESENT, Membership
from tgsandbox.objects import chat_full_json, member_json
from tgsandbox.params import Params
from tgsandbox.registry import method
from tgsandbox.state import SandboxState


@method("getChat")
async def get_chat(state: SandboxState, params: Params) -> Any:
    """ChatFullInfo of a chat the bot can see."""
    return chat_full_json(state, readable_chat(state, params))


@method("getChatMember")
async def get_chat_member(state: SandboxState, params: Params) -> Any:
    """One member's standing; people who never joined read as "left", as in Telegram."""
    chat = readable_chat(state, params)
    user_id = params.integer("user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    if user_id not in state.users:
        raise bad_request("user not found")
    if not chat.is_group:
        if user_id not in (chat.id, state.bot.id):
            raise bad_request("user not found")
        return member_json(state, user_id, Membership(MEMBER))
    return member_json(state, user_id, chat.members.get(user_id, Membership(LEFT)))


@method("getChatAdministrators")
async def get_chat_administrators(state: SandboxState, params: Params) -> Any:
    """The owner and administrators of a group."""
    chat = readable_chat(state, params)
    if not chat.is_group:
        raise bad_request("there are no administrators in the private chat")
    return [
        member_json(state, user_id, membership)
        for user_id, membership in chat.members.items()
        if membership.status in (CREATOR, ADMINISTRATOR)
    ]


@method("getChatMemberCount")
async def get_chat_member_count(state: SandboxState, params: Params) -> Any:
    """How many are in the chat, the bot included."""
    chat = readable_chat(state, params)
    if not chat.is_group:
        return 2
    return sum(1 for membership in chat.members.values() if membership.status in PRESENT)


@method("leaveChat")
async def leave_chat(state: SandboxState, params: Params) -> Any:
    """The bot leaves a group; it learns so through my_chat_member."""
    chat = readable_chat(state, params)
    if not chat.is_group:
        raise bad_request("chat member status can't be changed in private chats")
    change_status(state, chat, state.bot.id, LEFT, actor_id=state.bot.id)
    return True
