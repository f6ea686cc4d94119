"""What the people in the sandbox do: write, start the bot, tap buttons, vote, block, migrate groups."""

from __future__ import annotations

from typing import Any

from tgrules.html import utf16_len
from tgsandbox.inbound import deliver
from tgsandbox.membership import change_status
from tgsandbox.model import (
    ADMINISTRATOR,
    CREATOR,
    KICKED,
    LEFT,
    MEMBER,
    PRESENT,
    CallbackQuery,
    Chat,
    Membership,
    Message,
)
from tgsandbox.objects import chat_json, member_json, message_json, poll_json, user_json
from tgsandbox.state import SandboxState


class ControlError(Exception):
    """A control request that cannot happen in Telegram (unknown user, not a member, closed poll...)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def chat_of(state: SandboxState, chat_id: int) -> Chat:
    """A chat by id, or a 404 control error."""
    chat = state.chats.get(chat_id)
    if chat is None:
        raise ControlError(f"no chat {chat_id}", 404)
    return chat


def user_of(state: SandboxState, user_id: int) -> None:
    """Check that a person exists."""
    if user_id not in state.users or state.users[user_id].is_bot:
        raise ControlError(f"no user {user_id}", 404)


def _member(state: SandboxState, chat: Chat, user_id: int, old_history: bool = False) -> None:
    user_of(state, user_id)
    if chat.is_group:
        if chat.migrated_to is not None and not old_history:
            raise ControlError(f"chat {chat.id} was migrated to {chat.migrated_to}", 409)
        membership = chat.members.get(user_id)
        if membership is None or membership.status not in PRESENT:
            raise ControlError(f"user {user_id} is not a member of chat {chat.id}", 409)
    elif chat.id != user_id:
        raise ControlError(f"chat {chat.id} is the private chat of another user", 409)


def create_group(
    state: SandboxState,
    title: str,
    members: list[int],
    supergroup: bool = False,
    username: str | None = None,
    with_bot: bool = True,
    bot_admin: bool = False,
) -> dict[str, Any]:
    """A group created by its first member with the others in it; then the bot is added (and promoted)."""
    if not members:
        raise ControlError("a group needs at least its creator")
    for user_id in members:
        user_of(state, user_id)
    chat = state.add_group(title, supergroup=supergroup, username=username)
    chat.members[members[0]] = Membership(CREATOR)
    for user_id in members[1:]:
        chat.members[user_id] = Membership(MEMBER)
    if with_bot:
        change_status(state, chat, state.bot.id, MEMBER, actor_id=members[0])
        if bot_admin:
            change_status(state, chat, state.bot.id, ADMINISTRATOR, actor_id=members[0])
    return {"chat_id": chat.id, "chat": chat_json(state, chat)}


def set_status(
    state: SandboxState,
    chat_id: int,
    user_id: int,
    status: str,
    by: int | None,
    rights: dict[str, bool] | None,
) -> dict[str, Any]:
    """Add, remove, ban, promote or demote a member (the bot included)."""
    chat = chat_of(state, chat_id)
    if not chat.is_group:
        raise ControlError("members change only in groups")
    if user_id != state.bot.id:
        user_of(state, user_id)
    if status not in (MEMBER, ADMINISTRATOR, LEFT, KICKED):
        raise ControlError(f"unknown status {status!r}")
    actor = by if by is not None else user_id
    if actor != state.bot.id:
        user_of(state, actor)
    return change_status(state, chat, user_id, status, actor_id=actor, rights=rights)


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/") or len(text) < 2:
        return []
    head = text.split(None, 1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(head)}]


def writing_chat(state: SandboxState, chat_id: int, user_id: int, reply_to: int | None = None) -> Chat:
    """The chat a person posts in, once Telegram would let them: a member, the bot started in private."""
    chat = chat_of(state, chat_id)
    _member(state, chat, user_id)
    user = state.users[user_id]
    if not chat.is_group and (not user.started or user.blocked):
        raise ControlError("the user must start the bot (and not have blocked it) before writing to it", 409)
    if reply_to is not None and reply_to not in chat.messages:
        raise ControlError(f"no message {reply_to} in chat {chat_id}", 404)
    return chat


def user_message(
    state: SandboxState,
    chat_id: int,
    user_id: int,
    text: str,
    reply_to: int | None = None,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A person writes in a group or in their private chat; commands get a bot_command entity."""
    chat = writing_chat(state, chat_id, user_id, reply_to)
    if not text:
        raise ControlError("text is empty")
    message = state.add_message(
        chat, user_id, text=text, entities=entities or _command_entities(text), reply_to=reply_to
    )
    update_id = deliver(state, chat, message)
    return {"message_id": message.message_id, "update_id": update_id, "delivered": update_id is not None}


def start(state: SandboxState, user_id: int, payload: str | None = None) -> dict[str, Any]:
    """The person opens the bot (t.me/<bot>?start=<payload>) and taps Start, or Restart after a block."""
    user_of(state, user_id)
    user = state.users[user_id]
    if user.blocked:
        user.blocked = False
        _private_status(state, user_id, KICKED, MEMBER)
    user.started = True
    user.known_to_bot = True
    return user_message(state, user_id, user_id, f"/start {payload}" if payload else "/start")


def block(state: SandboxState, user_id: int) -> dict[str, Any]:
    """The person blocks the bot: later sends get 403 and the bot hears of it via my_chat_member."""
    user_of(state, user_id)
    user = state.users[user_id]
    if user.blocked:
        return {"update_id": None}
    user.blocked = True
    return {"update_id": _private_status(state, user_id, MEMBER, KICKED)}


def _private_status(state: SandboxState, user_id: int, old: str, new: str) -> int | None:
    chat = state.chats[user_id]
    payload = {
        "chat": chat_json(state, chat),
        "from": user_json(state.users[user_id]),
        "date": state.now(),
        "old_chat_member": member_json(state, state.bot.id, Membership(old)),
        "new_chat_member": member_json(state, state.bot.id, Membership(new)),
    }
    state.changed.fire()
    return state.emit("my_chat_member", payload, chat.id)


def _visible_message(
    state: SandboxState, chat_id: int, message_id: int, user_id: int, old_history: bool = False
) -> tuple[Chat, Message]:
    chat = chat_of(state, chat_id)
    _member(state, chat, user_id, old_history)
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise ControlError(f"no message {message_id} in chat {chat_id}", 404)
    return chat, message


def press_button(
    state: SandboxState,
    chat_id: int,
    message_id: int,
    user_id: int,
    data: str | None = None,
    text: str | None = None,
) -> dict[str, Any]:
    """Tap an inline button (found by callback_data or by its label): a callback_query for the bot. Buttons of an
    upgraded group's old messages still work (Telegram's apps show that history): the query names the old chat."""
    chat, message = _visible_message(state, chat_id, message_id, user_id, old_history=True)
    buttons = [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]
    matches = [
        button
        for button in buttons
        if "callback_data" in button
        and (button["callback_data"] == data or (data is None and button["text"] == text))
    ]
    if not matches:
        raise ControlError(f"message {message_id} has no callback button {data or text!r}", 404)
    query = CallbackQuery(
        state.next_callback_id(),
        user_id,
        chat.id,
        message.message_id,
        matches[0]["callback_data"],
        state.now(),
    )
    state.callbacks[query.id] = query
    state.answer_times.tapped(query.id)
    payload = {
        "id": query.id,
        "from": user_json(state.users[user_id]),
        "message": message_json(state, message),
        "chat_instance": chat.chat_instance,
        "data": query.data,
    }
    update_id = state.emit("callback_query", payload, chat.id)
    return {"callback_query_id": query.id, "update_id": update_id}


def answer_poll(
    state: SandboxState, chat_id: int, message_id: int, user_id: int, option_ids: list[int]
) -> dict[str, Any]:
    """Vote (or retract with []): a `poll` update with new counts, and `poll_answer` unless anonymous."""
    chat, message = _visible_message(state, chat_id, message_id, user_id)
    if message.poll_id is None:
        raise ControlError(f"message {message_id} is not a poll", 404)
    poll = state.polls[message.poll_id]
    if poll.is_closed:
        raise ControlError("the poll is closed", 409)
    chosen = sorted(set(option_ids))
    if any(not 0 <= index < len(poll.options) for index in chosen):
        raise ControlError("no such option")
    if len(chosen) > 1 and not poll.allows_multiple_answers:
        raise ControlError("this poll allows one answer")
    previous = poll.answers.get(user_id, [])
    if previous and not poll.allows_revoting:
        raise ControlError("this poll does not allow changing the answer", 409)
    if not chosen and not previous:
        raise ControlError("nothing to retract")
    for index in previous:
        poll.options[index].voters.remove(user_id)
    for index in chosen:
        poll.options[index].voters.append(user_id)
    poll.answers[user_id] = chosen
    update_ids = [state.emit("poll", poll_json(poll), chat.id)]
    if not poll.is_anonymous:
        answer = {
            "poll_id": poll.id,
            "user": user_json(state.users[user_id]),
            "option_ids": chosen,
            "option_persistent_ids": [poll.options[index].persistent_id for index in chosen],
        }
        update_ids.append(state.emit("poll_answer", answer, user_id))
    state.changed.fire()
    correct = None if poll.type != "quiz" else set(chosen) == set(poll.correct_option_ids)
    return {"poll_id": poll.id, "update_ids": [u for u in update_ids if u is not None], "correct": correct}


def migrate(state: SandboxState, chat_id: int, by: int | None = None) -> dict[str, Any]:
    """Upgrade a group to a supergroup: service messages in both, and the old id answers 400 from now on."""
    chat = chat_of(state, chat_id)
    if chat.type != "group" or chat.migrated_to is not None:
        raise ControlError("only a basic group that was not migrated can be upgraded", 409)
    creator = next((uid for uid, m in chat.members.items() if m.status == CREATOR), None)
    actor = by if by is not None else creator
    if actor is None:
        raise ControlError("name the member who upgrades the group (by)")
    user_of(state, actor)
    new = state.add_group(chat.title or "", supergroup=True)
    new.members = {uid: Membership(m.status, dict(m.rights)) for uid, m in chat.members.items()}
    new.migrated_from = chat.id
    old_note = state.add_message(chat, actor, service={"migrate_to_chat_id": new.id})
    update_ids = [deliver(state, chat, old_note)]
    chat.migrated_to = new.id
    new_note = state.add_message(new, actor, service={"migrate_from_chat_id": chat.id})
    update_ids.append(deliver(state, new, new_note))
    return {"chat_id": new.id, "update_ids": [u for u in update_ids if u is not None]}
