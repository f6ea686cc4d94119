"""A chat as its members see it, in order: text, buttons, polls with results, edits, deletions, pins."""

from __future__ import annotations

from typing import Any

from tgsandbox.model import Chat, Message, Poll
from tgsandbox.state import SandboxState


def _who(state: SandboxState, user_id: int) -> dict[str, Any]:
    user = state.users[user_id]
    return {"id": user.id, "name": user.first_name, "username": user.username, "is_bot": user.is_bot}


def _buttons(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [[dict(button) for button in row] for row in markup["inline_keyboard"]]


def poll_view(state: SandboxState, poll: Poll) -> dict[str, Any]:
    """A poll with vote counts, the correct options and who answered what (and whether rightly)."""
    correct = set(poll.correct_option_ids)
    return {
        "id": poll.id,
        "question": poll.question,
        "type": poll.type,
        "is_anonymous": poll.is_anonymous,
        "closed": poll.is_closed,
        "options": [{"text": o.text, "votes": len(o.voters)} for o in poll.options],
        "correct_option_ids": list(poll.correct_option_ids),
        "explanation": poll.explanation,
        "total_voter_count": poll.total_voter_count,
        "answers": [
            {
                "user_id": user_id,
                "option_ids": chosen,
                "correct": (set(chosen) == correct) if poll.type == "quiz" and chosen else None,
            }
            for user_id, chosen in poll.answers.items()
        ],
    }


def entry(state: SandboxState, message: Message) -> dict[str, Any]:
    """One transcript entry."""
    item: dict[str, Any] = {
        "message_id": message.message_id,
        "from": _who(state, message.sender_id),
        "date": message.date,
        "text": message.text if message.text is not None else message.caption,
        "entities": message.entities if message.text is not None else message.caption_entities,
        "html": message.source_html,
        "buttons": _buttons(message.reply_markup),
        "reply_to": message.reply_to,
        "edited": message.edit_date is not None,
        "edit_date": message.edit_date,
        "history": [
            {
                "date": old["date"],
                "text": old["text"] if old["text"] is not None else old["caption"],
                "html": old["html"],
                "buttons": _buttons(old["reply_markup"]),
            }
            for old in message.history
        ],
        "deleted": message.deleted,
        "pinned": message.pinned,
        "service": _service(message),
    }
    if message.media is not None:
        item["media"] = {"kind": message.media.kind, "file_id": message.media.file_id}
    if message.poll_id is not None:
        item["poll"] = poll_view(state, state.polls[message.poll_id])
    return item


def _service(message: Message) -> dict[str, Any] | None:
    return dict(message.service) if message.service else None


def transcript(state: SandboxState, chat: Chat) -> dict[str, Any]:
    """The whole chat in order."""
    return {
        "chat_id": chat.id,
        "type": chat.type,
        "title": chat.title,
        "migrated_to": chat.migrated_to,
        "messages": [entry(state, chat.messages[message_id]) for message_id in chat.order],
    }


def callback_view(state: SandboxState, query_id: str) -> dict[str, Any] | None:
    """A button tap and the bot's answer to it, if any."""
    query = state.callbacks.get(query_id)
    if query is None:
        return None
    return {
        "id": query.id,
        "user_id": query.user_id,
        "chat_id": query.chat_id,
        "message_id": query.message_id,
        "data": query.data,
        "answered": query.answered,
        "answer": query.answer,
    }
