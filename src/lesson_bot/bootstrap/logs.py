"""The service's logging: one line per event on stderr, plain text or JSON (LESSON_BOT_LOG_FORMAT=json).

What reaches a log line is redacted first (bootstrap/redaction.py: the token, the webhook secret, the metrics
token); message text is never part of one (bot/observe.py). python-telegram-bot's DEBUG lines quote whole
updates, private messages included, so its loggers stay at INFO or above whatever the level asked for.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# Fields of a record that every record has; anything else on it was passed as `extra` and goes into the JSON.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
QUIET = ("httpx", "httpcore", "apscheduler", "telegram.ext.ExtBot", "aiohttp")  # their chatter: WARNING and up
# DEBUG lines that quote what members wrote: whole updates (python-telegram-bot), SQL with its parameters (the
# database drivers; a meeting's minutes, a typed answer).
NO_DEBUG = ("telegram", "aiosqlite", "asyncpg", "sqlalchemy.engine")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the `extra` fields (update_id,
    chat_id, user_id, handler, ...), and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_"))
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, fmt: str = "text") -> None:
    """Lines on stderr at `level`, as text or JSON; the libraries' chatter stays at WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if logging.getLogger().level < logging.INFO:
        for name in NO_DEBUG:
            logging.getLogger(name).setLevel(logging.INFO)
