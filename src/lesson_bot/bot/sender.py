"""The delivery engine's Sender, on python-telegram-bot: Bot API calls described as data (parameters by their Bot
API names, which python-telegram-bot's methods share), errors classified.

It uses its own Bot (own connection pool, no AIORateLimiter): broadcasts are paced by the engine's limiter and
never queue in front of the direct replies the Application sends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from lesson_bot.domain.messages import ChatGone, ChatMoved, Rejected, RetryLater, Sent, Transient

MEDIA_PARAMS = ("photo", "document", "video")
NOT_MODIFIED = "message is not modified"
GONE_400 = ("chat not found", "user not found", "group chat was deactivated", "peer_id_invalid")


def _prepare(params: Mapping[str, Any], media_root: Path | None) -> dict[str, Any]:
    prepared = dict(params)
    for key in MEDIA_PARAMS:
        value = prepared.get(key)
        if isinstance(value, dict) and "path" in value:
            path = Path(value["path"])
            if media_root is not None and not path.is_absolute():
                path = media_root / path
            prepared[key] = InputFile(path.read_bytes(), filename=path.name)
    return prepared


def _result(message: Message) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if message.poll is not None:
        result["poll_id"] = message.poll.id
    if message.photo:
        result["file_id"] = message.photo[-1].file_id
    for attachment in (message.document, message.video):
        if attachment is not None:
            result["file_id"] = attachment.file_id
    return result


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


class TelegramSender:
    """Sends outbox payloads with a plain python-telegram-bot Bot."""

    def __init__(self, bot: Bot, media_root: Path | None = None) -> None:
        self._bot = bot
        self._media_root = media_root

    def _method(self, name: str) -> Callable[..., Awaitable[Message | bool]]:
        methods: dict[str, Callable[..., Awaitable[Message | bool]]] = {
            "sendMessage": self._bot.send_message,
            "sendPoll": self._bot.send_poll,
            "sendPhoto": self._bot.send_photo,
            "sendDocument": self._bot.send_document,
            "sendVideo": self._bot.send_video,
            "editMessageReplyMarkup": self._bot.edit_message_reply_markup,
        }
        if name not in methods:
            raise Rejected(f"the delivery engine does not send {name!r}")
        return methods[name]

    async def send(self, chat_id: int, payload: Mapping[str, Any]) -> Sent:
        method = self._method(str(payload["method"]))
        params = _prepare(payload.get("params", {}), self._media_root)
        if isinstance(params.get("reply_markup"), dict):
            params["reply_markup"] = InlineKeyboardMarkup.de_json(params["reply_markup"], self._bot)
        try:
            message = await method(chat_id=chat_id, **params)
        except RetryAfter as exc:
            raise RetryLater(str(exc), _seconds(exc.retry_after)) from exc
        except ChatMigrated as exc:
            raise ChatMoved(str(exc), exc.new_chat_id) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            if NOT_MODIFIED in exc.message.lower():  # an edit that is already there: the wanted state holds
                return Sent(params.get("message_id"), {})
            if any(marker in exc.message.lower() for marker in GONE_400):
                raise ChatGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise Transient(f"{type(exc).__name__}: {exc.message}") from exc
        except TelegramError as exc:
            raise Transient(f"{type(exc).__name__}: {exc.message}") from exc
        except OSError as exc:  # a media file that cannot be read
            raise Rejected(f"cannot read media: {exc}") from exc
        if not isinstance(message, Message):  # an edit answers True, not the message
            return Sent(params.get("message_id"), {})
        return Sent(message.message_id, _result(message))



