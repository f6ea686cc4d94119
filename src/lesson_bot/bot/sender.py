"""The delivery engine's Sender, on python-telegram-bot: the one place where a typed outgoing message
(domain/messages.py) becomes a Bot API call, and the errors are classified.

It uses its own Bot (own connection pool, no AIORateLimiter): broadcasts are paced by the engine's limiter and
never queue in front of the direct replies the Application sends.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any, cast

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram import Poll as TelegramPoll
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from lesson_bot.domain.messages import (
    AnonymousPoll,
    ChatGone,
    ChatMoved,
    EditButtons,
    Keyboard,
    Media,
    Poll,
    Rejected,
    RetryLater,
    Sent,
    StopPoll,
    Text,
    Transient,
)
from lesson_bot.domain.messages import Message as OutMessage

NOT_MODIFIED = "message is not modified"
# What python-telegram-bot's HTTPXRequest wraps when the request was written but no answer came back: Telegram may
# have performed it. A connect error, a write error or a pool timeout means the request never (fully) left.
UNANSWERED = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)
GONE_400 = ("chat not found", "user not found", "group chat was deactivated", "peer_id_invalid")


def _markup(buttons: Keyboard) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, url=b.url) if b.url is not None
                                  else InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in buttons])


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
    """Sends typed messages (the outbox's, and private lessons answered directly) with a plain python-telegram-bot
    Bot."""

    def __init__(self, bot: Bot, media_root: Path | None = None) -> None:
        self._bot = bot
        self._media_root = media_root

    def _media(self, media: Media) -> InputFile | str:
        if media.file_id:
            return media.file_id
        path = Path(str(media.path))
        if self._media_root is not None and not path.is_absolute():
            path = self._media_root / path
        return InputFile(path.read_bytes(), filename=path.name)

    def _call(self, chat_id: int, message: OutMessage) -> Awaitable[Message | bool | TelegramPoll]:
        """The one place a typed message becomes a Bot API call."""
        bot = self._bot
        match message:
            case Text():
                reply = None if message.reply_to is None else ReplyParameters(message.reply_to,
                                                                               allow_sending_without_reply=True)
                return bot.send_message(chat_id, message.text, parse_mode="HTML" if message.html else None,
                                        reply_markup=_markup(message.buttons) if message.buttons else None,
                                        reply_parameters=reply)
            case Poll():
                return bot.send_poll(chat_id, message.question, list(message.options), type="quiz",
                                     correct_option_ids=[cast(Any, message.correct)], explanation=message.explanation,
                                     is_anonymous=False)
            case AnonymousPoll():
                return bot.send_poll(chat_id, message.question, list(message.options), type="regular",
                                     is_anonymous=True, allows_multiple_answers=False)
            case StopPoll():
                return bot.stop_poll(chat_id, message.message_id)
            case Media():
                file, caption = self._media(message), message.caption or None
                mode = "HTML" if caption else None
                if message.kind == "photo":
                    return bot.send_photo(chat_id, file, caption=caption, parse_mode=mode)
                if message.kind == "video":
                    return bot.send_video(chat_id, file, caption=caption, parse_mode=mode)
                return bot.send_document(chat_id, file, caption=caption, parse_mode=mode)
            case EditButtons():
                return bot.edit_message_reply_markup(chat_id, message.message_id,
                                                     reply_markup=_markup(message.buttons))

    async def send(self, chat_id: int, message: OutMessage) -> Sent:
        edited = message.message_id if isinstance(message, EditButtons | StopPoll) else None
        try:
            answer = await self._call(chat_id, message)
        except RetryAfter as exc:
            raise RetryLater(str(exc), _seconds(exc.retry_after)) from exc
        except ChatMigrated as exc:
            raise ChatMoved(str(exc), exc.new_chat_id) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            if NOT_MODIFIED in exc.message.lower():  # an edit that is already there: the wanted state holds
                return Sent(edited, {})
            if any(marker in exc.message.lower() for marker in GONE_400):
                raise ChatGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise Transient(f"{type(exc).__name__}: {exc.message}",
                            ambiguous=isinstance(exc.__cause__, UNANSWERED)) from exc
        except TelegramError as exc:
            raise Transient(f"{type(exc).__name__}: {exc.message}") from exc
        except OSError as exc:  # a media file that cannot be read
            raise Rejected(f"cannot read media: {exc}") from exc
        if isinstance(answer, TelegramPoll):  # stopPoll answers the final Poll: the counts, never who voted
            return Sent(message.message_id if isinstance(message, StopPoll) else None, {
                "poll_id": answer.id, "counts": [option.voter_count for option in answer.options],
                "total_voters": answer.total_voter_count})
        if not isinstance(answer, Message):  # an edit answers True, not the message
            return Sent(edited, {})
        return Sent(answer.message_id, _result(answer))



