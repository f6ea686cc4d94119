"""Outgoing messages as typed values, and what became of a send.

A message is what a use case wants said in a chat: a `Text` (with inline `Button`s, maybe a reply), a quiz
`Poll`, an `AnonymousPoll` (a survey question), a `Media` file, an `EditButtons` of a message already there, or a
`StopPoll` that closes a poll the bot sent (its Sent result carries the final counts). The outbox stores a message
as JSON, the Bot API call it stands for: {"method": "sendMessage", "params": {...}} (plus "meta", what recording
the sent row needs, beside it). `to_payload` writes exactly that JSON and `from_payload` reads it back, so rows
written before these types existed are read unchanged. Turning a message into a python-telegram-bot call happens
in one place, bot/sender.py.

The send results (`Sent` and the `DeliveryError`s) are what a sender answers; the dispatcher decides on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

MEDIA_METHOD = {"photo": "sendPhoto", "video": "sendVideo", "document": "sendDocument"}
MediaKind = Literal["photo", "video", "document"]


@dataclass(frozen=True)
class Button:
    """An inline button: a callback (`data`) or a link (`url`)."""

    text: str
    data: str | None = None
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.url is not None:
            return {"text": self.text, "url": self.url}
        return {"text": self.text, "callback_data": self.data}


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(*rows: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> Keyboard:
    """Callback buttons from (label, data) pairs, row by row."""
    return tuple(tuple(Button(text, data) for text, data in row) for row in rows)


def markup_json(buttons: Keyboard) -> dict[str, Any]:
    return {"inline_keyboard": [[button.to_json() for button in row] for row in buttons]}


def _keyboard_from(markup: object) -> Keyboard:
    if not isinstance(markup, Mapping):
        return ()
    return tuple(tuple(Button(str(b["text"]), b.get("callback_data"), b.get("url")) for b in row)
                 for row in markup.get("inline_keyboard") or ())


@dataclass(frozen=True)
class Text:
    """A text message; `html` sets parse_mode HTML; `reply_to` answers a message of the chat (sent even if that
    message is gone)."""

    text: str
    buttons: Keyboard = ()
    html: bool = True
    reply_to: int | None = None

    def to_payload(self) -> dict[str, Any]:
        params: dict[str, Any] = {"text": self.text}
        if self.html:
            params["parse_mode"] = "HTML"
        if self.reply_to is not None:
            params.update(reply_to_message_id=self.reply_to, allow_sending_without_reply=True)
        if self.buttons:
            params["reply_markup"] = markup_json(self.buttons)
        return {"method": "sendMessage", "params": params}


@dataclass(frozen=True)
class Poll:
    """A quiz poll, not anonymous (answers are per member)."""

    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"method": "sendPoll", "params": {
            "question": self.question, "options": list(self.options), "type": "quiz",
            "correct_option_ids": [self.correct], "explanation": self.explanation, "is_anonymous": False,
        }}


@dataclass(frozen=True)
class AnonymousPoll:
    """A regular anonymous poll, one answer each (a survey question): the bot never learns who voted what."""

    question: str
    options: tuple[str, ...]

    def to_payload(self) -> dict[str, Any]:
        return {"method": "sendPoll", "params": {
            "question": self.question, "options": list(self.options), "type": "regular", "is_anonymous": True,
            "allows_multiple_answers": False,
        }}


@dataclass(frozen=True)
class StopPoll:
    """Close a poll the bot sent; the sender answers Sent with result {"poll_id", "counts", "total_voters"}."""

    message_id: int

    def to_payload(self) -> dict[str, Any]:
        return {"method": "stopPoll", "params": {"message_id": self.message_id}}


@dataclass(frozen=True)
class Media:
    """A photo, video or document: a local `path` (uploaded) or a Telegram `file_id` (sent again by id)."""

    kind: MediaKind
    path: str | None = None
    file_id: str | None = None
    caption: str | None = None  # HTML

    def to_payload(self) -> dict[str, Any]:
        params: dict[str, Any] = {self.kind: self.file_id if self.file_id else {"path": self.path}}
        if self.caption:
            params.update(caption=self.caption, parse_mode="HTML")
        return {"method": MEDIA_METHOD[self.kind], "params": params}


@dataclass(frozen=True)
class EditButtons:
    """New buttons under a message already in the chat."""

    message_id: int
    buttons: Keyboard

    def to_payload(self) -> dict[str, Any]:
        return {"method": "editMessageReplyMarkup",
                "params": {"message_id": self.message_id, "reply_markup": markup_json(self.buttons)}}


Message = Text | Poll | AnonymousPoll | Media | EditButtons | StopPoll


@dataclass(frozen=True)
class Part:
    """A message with the meta its on-sent hook records from (a lesson's delivery, a poll's question...)."""

    message: Message
    meta: Mapping[str, Any] | None = None

    def to_payload(self) -> dict[str, Any]:
        payload = self.message.to_payload()
        if self.meta is not None:
            payload["meta"] = dict(self.meta)
        return payload


class UnknownMessage(ValueError):
    """A stored payload that is none of the messages above."""


def from_payload(payload: Mapping[str, Any]) -> Message:
    """The message a stored payload stands for (its meta aside); UnknownMessage if it stands for none."""
    method = str(payload.get("method", ""))
    params: Mapping[str, Any] = payload.get("params") or {}
    if method == "sendMessage":
        return Text(str(params["text"]), _keyboard_from(params.get("reply_markup")),
                    params.get("parse_mode") == "HTML", params.get("reply_to_message_id"))
    if method == "sendPoll" and params.get("type") == "regular":
        return AnonymousPoll(str(params["question"]), tuple(params["options"]))
    if method == "sendPoll":
        return Poll(str(params["question"]), tuple(params["options"]), int(params["correct_option_ids"][0]),
                    params.get("explanation"))
    for kind, name in MEDIA_METHOD.items():
        if method == name:
            value = params[kind]
            path, file_id = (str(value["path"]), None) if isinstance(value, Mapping) else (None, str(value))
            return Media(kind, path, file_id, params.get("caption"))  # type: ignore[arg-type]
    if method == "editMessageReplyMarkup":
        return EditButtons(int(params["message_id"]), _keyboard_from(params.get("reply_markup")))
    if method == "stopPoll":
        return StopPoll(int(params["message_id"]))
    raise UnknownMessage(f"the delivery engine does not send {method!r}")


def part_from_payload(payload: Mapping[str, Any]) -> Part:
    meta = payload.get("meta")
    return Part(from_payload(payload), dict(meta) if isinstance(meta, Mapping) else None)


def missed_window(due_at: datetime, grace: timedelta, event_at: datetime | None = None) -> datetime:
    """The latest moment a message may go: its grace window, and never after the event it announces."""
    latest = due_at + grace
    return min(latest, event_at) if event_at is not None else latest


@dataclass(frozen=True)
class Sent:
    message_id: int | None
    result: dict[str, Any] = field(default_factory=dict)  # e.g. {"poll_id": ..., "file_id": ...}


class DeliveryError(Exception):
    """A send that did not succeed; the subclass says what the dispatcher should do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """429: wait retry_after seconds (for this chat, or the whole bot)."""

    def __init__(self, reason: str, retry_after: float, whole_bot: bool = False) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.whole_bot = whole_bot


class Transient(DeliveryError):
    """5xx, network error or timeout: retry with backoff. `ambiguous`: the request left but its answer never came
    (a read timeout, the connection dropped after the request was written), so the message may have arrived."""

    def __init__(self, reason: str, ambiguous: bool = False) -> None:
        super().__init__(reason)
        self.ambiguous = ambiguous


class ChatGone(DeliveryError):
    """403: the bot was removed from the group, blocked, or the user is gone. Nothing more goes to that chat."""


class ChatMoved(DeliveryError):
    """The group became a supergroup: resend to the new chat id."""

    def __init__(self, reason: str, new_chat_id: int) -> None:
        super().__init__(reason)
        self.new_chat_id = new_chat_id


class Rejected(DeliveryError):
    """400 for this message itself (too long, bad HTML...): retrying will not help."""
