"""Telegram Mini App `initData`: checked with Telegram's HMAC-SHA-256 scheme, without I/O.

data-check-string = every field but `hash`, sorted by key, `key=value` joined by newlines (values URL-decoded);
secret = HMAC-SHA-256(key="WebAppData", message=bot token); the data is Telegram's when hex
HMAC-SHA-256(secret, data-check-string) equals `hash`. A valid hash on old data is refused too (`auth_date`), so
that initData copied from a client's logs does not open a session days later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

MAX_AGE = timedelta(hours=1)
CLOCK_SKEW = timedelta(minutes=5)  # an auth_date this far ahead of our clock is still believed


class InitDataRejected(Exception):
    """initData that does not prove a Telegram user; `reason` is one of the constants below."""

    MALFORMED, MISSING_HASH, FORGED, STALE, NO_USER = "malformed", "missing_hash", "forged", "stale", "no_user"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAppUser:
    telegram_user_id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    auth_date: datetime

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def data_check_string(fields: dict[str, str]) -> str:
    """The string Telegram signs: every field but `hash`, sorted by key, `key=value` joined by newlines."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hex hash Telegram gives these fields for this bot (what a valid `hash` field holds)."""
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(secret, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def parse_fields(init_data: str) -> dict[str, str]:
    """The fields of an initData query string, URL-decoded; a repeated or unparsable field is malformed."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataRejected(InitDataRejected.MALFORMED) from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRejected(InitDataRejected.MALFORMED)
    return fields


def validate(init_data: str, bot_token: str, now: datetime, max_age: timedelta = MAX_AGE) -> WebAppUser:
    """The user initData proves, or InitDataRejected saying why not."""
    fields = parse_fields(init_data)
    given = fields.get("hash")
    if not given:
        raise InitDataRejected(InitDataRejected.MISSING_HASH)
    if not hmac.compare_digest(sign(fields, bot_token).encode(), given.lower().encode()):
        raise InitDataRejected(InitDataRejected.FORGED)
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        raise InitDataRejected(InitDataRejected.MALFORMED) from None
    if not now - max_age <= auth_date <= now + CLOCK_SKEW:
        raise InitDataRejected(InitDataRejected.STALE)
    try:
        user = json.loads(fields["user"])
        return WebAppUser(int(user["id"]), str(user.get("first_name", "")), user.get("last_name"),
                          user.get("username"), user.get("language_code"), auth_date)
    except (KeyError, ValueError, TypeError):
        raise InitDataRejected(InitDataRejected.NO_USER) from None
