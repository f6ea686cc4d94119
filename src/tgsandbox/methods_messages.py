"""Text messages: send, edit, delete, pin, and answering button taps."""

from __future__ import annotations

from typing import Any

from tgrules.limits import ANSWER_CALLBACK_TEXT_MAX
from tgsandbox import text
from tgsandbox.access import bot_right, existing_message, readable_chat, writable_chat
from tgsandbox.errors import bad_request
from tgsandbox.model import Chat, Message
from tgsandbox.objects import message_json
from tgsandbox.params import Params
from tgsandbox.registry import check_flood, method
from tgsandbox.sending import send_bot_message, snapshot
from tgsandbox.state import SandboxState

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
# An edit past 4096 characters is refused by Telegram's servers, and the Bot API passes the code through.
EDITED_TOO_LONG = "MESSAGE_TOO_LONG"


@method("sendMessage")
async def send_message(state: SandboxState, params: Params) -> Any:
    """Send a text message."""
    chat = writable_chat(state, params)
    formatted = text.message_text(params)
    markup = text.reply_markup(params)
    return send_bot_message(
        state,
        chat,
        params,
        text=formatted.text,
        entities=formatted.entities,
        source_html=formatted.html,
        reply_markup=markup,
    )


@method("sendChatAction")
async def send_chat_action(state: SandboxState, params: Params) -> Any:
    """A typing indicator: nothing to store, but the chat must be writable."""
    writable_chat(state, params)
    if not params.string("action"):
        raise bad_request("wrong parameter action in request")
    return True


def _editable(state: SandboxState, params: Params) -> tuple[Chat, Message]:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = writable_chat(state, params)
    message = existing_message(chat, params, "message to edit not found")
    if message.sender_id != state.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(state: SandboxState, chat: Chat, message: Message, **changes: Any) -> dict[str, Any]:
    # The HTML source may differ (<b> vs <strong>) while what members see is the same.
    if all(getattr(message, key) == value for key, value in changes.items() if key != "source_html"):
        raise bad_request(NOT_MODIFIED)
    check_flood(state, chat)
    message.history.append(snapshot(message))
    for key, value in changes.items():
        setattr(message, key, value)
    message.edit_date = state.now()
    state.changed.fire()
    return message_json(state, message)


@method("editMessageText")
async def edit_message_text(state: SandboxState, params: Params) -> Any:
    """Replace a bot message's text (and its inline keyboard, which is dropped when not given)."""
    chat, message = _editable(state, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    formatted = text.message_text(params, too_long=EDITED_TOO_LONG)
    return _apply_edit(
        state,
        chat,
        message,
        text=formatted.text,
        entities=formatted.entities,
        source_html=formatted.html,
        reply_markup=text.reply_markup(params),
    )


@method("editMessageCaption")
async def edit_message_caption(state: SandboxState, params: Params) -> Any:
    """Replace a media message's caption."""
    chat, message = _editable(state, params)
    if message.media is None:
        raise bad_request("there is no caption in the message to edit")
    formatted = text.caption(params)
    return _apply_edit(
        state,
        chat,
        message,
        caption=formatted.text if formatted else None,
        caption_entities=formatted.entities if formatted else [],
        source_html=formatted.html if formatted else None,
        reply_markup=text.reply_markup(params),
    )


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: SandboxState, params: Params) -> Any:
    """Replace (or, when omitted, remove) a bot message's inline keyboard."""
    chat, message = _editable(state, params)
    return _apply_edit(state, chat, message, reply_markup=text.reply_markup(params))


@method("deleteMessage")
async def delete_message(state: SandboxState, params: Params) -> Any:
    """Delete the bot's own message, or anyone's where the bot may (private chats, admins in groups)."""
    chat = readable_chat(state, params)
    message = existing_message(chat, params, "message to delete not found")
    own = message.sender_id == state.bot.id
    if chat.is_group and not own and not bot_right(state, chat, "can_delete_messages"):
        raise bad_request("message can't be deleted")
    message.deleted = True
    state.changed.fire()
    return True


def _pin_rights(state: SandboxState, chat: Chat) -> None:
    if chat.is_group and not bot_right(state, chat, "can_pin_messages"):
        raise bad_request("not enough rights to manage pinned messages in the chat")


@method("pinChatMessage")
async def pin_chat_message(state: SandboxState, params: Params) -> Any:
    """Pin a message; the chat gets the "pinned a message" service message."""
    chat = writable_chat(state, params)
    _pin_rights(state, chat)
    message = existing_message(chat, params, "message to pin not found")
    message.pinned = True
    state.add_message(chat, state.bot.id, service={"pinned_message": message.message_id})
    return True


@method("unpinChatMessage")
async def unpin_chat_message(state: SandboxState, params: Params) -> Any:
    """Unpin one message, or the most recently pinned one."""
    chat = readable_chat(state, params)
    _pin_rights(state, chat)
    if params.has("message_id"):
        message = existing_message(chat, params, "message to unpin not found")
    else:
        pinned = [chat.messages[i] for i in reversed(chat.order) if chat.messages[i].pinned]
        if not pinned:
            raise bad_request("message to unpin not found")
        message = pinned[0]
    message.pinned = False
    state.changed.fire()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(state: SandboxState, params: Params) -> Any:
    """Answer a button tap once; the answer is kept for the control API."""
    query_id = params.string("callback_query_id")
    query = state.callbacks.get(query_id or "")
    if query is None or query.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    answer_text = params.string("text")
    if answer_text is not None and len(answer_text) > ANSWER_CALLBACK_TEXT_MAX:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    state.answer_times.answered(query.id)
    query.answer = {
        "text": answer_text,
        "show_alert": params.boolean("show_alert"),
        "url": params.string("url"),
        "cache_time": params.integer("cache_time", default=0),
        "date": state.now(),
    }
    state.changed.fire()
    return True
