"""What every message-sending method shares: reply targets, the flood check and the stored result."""

from __future__ import annotations

from typing import Any

from tgsandbox.errors import bad_request
from tgsandbox.model import Chat, Message
from tgsandbox.objects import message_json
from tgsandbox.params import Params
from tgsandbox.registry import check_flood
from tgsandbox.state import SandboxState


def reply_target(chat: Chat, params: Params) -> int | None:
    """The message replied to (reply_parameters or the older reply_to_message_id), if it exists."""
    reply = params.json("reply_parameters")
    allow_missing = params.boolean("allow_sending_without_reply")
    target: int | None = None
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        target = int(reply["message_id"])
        allow_missing = allow_missing or bool(reply.get("allow_sending_without_reply"))
    elif params.has("reply_to_message_id"):
        target = params.integer("reply_to_message_id")
    if target is None:
        return None
    found = chat.messages.get(target)
    if found is None or found.deleted:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return target


def send_bot_message(state: SandboxState, chat: Chat, params: Params, **fields: Any) -> dict[str, Any]:
    """Check the flood budget, store the bot's message and answer it as a Message."""
    reply_to = reply_target(chat, params)
    check_flood(state, chat)
    message = state.add_message(chat, state.bot.id, reply_to=reply_to, **fields)
    return message_json(state, message)


def snapshot(message: Message) -> dict[str, Any]:
    """The visible content of a message before an edit, for the transcript's edit history."""
    return {
        "date": message.edit_date or message.date,
        "text": message.text,
        "entities": message.entities,
        "caption": message.caption,
        "caption_entities": message.caption_entities,
        "html": message.source_html,
        "reply_markup": message.reply_markup,
    }
