"""No log line carries the bot token or the webhook secret, at any level.

python-telegram-bot, httpx and aiohttp log the Bot API URL (which holds the token) at DEBUG, and an exception's
text may quote it. Every log record is redacted as it is made (a record factory wraps the standard one), so no
handler, formatter or level configured anywhere later can print a secret.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
_secrets: set[str] = set()
_installed: list[Any] = []  # the wrapped factory, once installed


def _redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record: logging.LogRecord = _installed[0](*args, **kwargs)
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: the handler reports it when it formats the record
        return record
    redacted = _redact(message)
    if redacted != message:
        record.msg, record.args = redacted, None
    if record.exc_info and record.exc_info[1] is not None:
        # Formatted here, redacted, and cached where every Formatter looks first.
        record.exc_text = _redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    return record


def redact_secrets(secrets: Iterable[str | None]) -> None:
    """From now on, every log record has these values replaced by [redacted] (empty values are ignored)."""
    _secrets.update(s for s in secrets if s)
    if not _installed:
        _installed.append(logging.getLogRecordFactory())
        logging.setLogRecordFactory(_make_record)
