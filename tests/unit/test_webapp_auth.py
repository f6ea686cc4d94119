"""Mini App initData: Telegram's HMAC-SHA-256 check, a fresh auth_date, and every way a forgery shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from lesson_bot.domain.webapp_auth import InitDataRejected, data_check_string, sign, validate

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
NOW = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)
USER = {"id": 4242, "first_name": "书记", "last_name": "周", "username": "zhou", "language_code": "zh-hans"}


def init_data(*, token: str = TOKEN, at: datetime = NOW, user: dict[str, object] = USER,
              order: list[str] | None = None, hash_value: str | None = None) -> str:
    """initData as Telegram builds it: the fields, and the hash over them signed with the bot's token."""
    fields = {"query_id": "AAF", "user": json.dumps(user, ensure_ascii=False), "auth_date": str(int(at.timestamp()))}
    fields["hash"] = sign(fields, token) if hash_value is None else hash_value
    keys = order or list(fields)
    return urlencode([(key, fields[key]) for key in keys])


def test_a_good_init_data_names_the_user() -> None:
    """Data Telegram signed for this bot a minute ago proves the user: id, name, username and language."""
    user = validate(init_data(at=NOW - timedelta(minutes=1)), TOKEN, NOW)
    assert (user.telegram_user_id, user.full_name, user.username, user.language_code) == (
        4242, "书记 周", "zhou", "zh-hans")


def test_the_check_string_is_sorted_and_leaves_out_the_hash() -> None:
    """The signed string is every field but hash, sorted, key=value per line (Telegram's documented form)."""
    assert data_check_string({"user": "u", "hash": "h", "auth_date": "1", "query_id": "q"}) == (
        "auth_date=1\nquery_id=q\nuser=u")


def test_fields_in_another_order_are_still_valid() -> None:
    """The order the client sends the fields in does not matter: the check sorts them."""
    data = init_data(order=["hash", "user", "auth_date", "query_id"])
    assert data.startswith("hash=")
    assert validate(data, TOKEN, NOW).telegram_user_id == 4242


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (init_data(token="999999:ZYXwvuTSRqpoNMLkjiHGFedcBA987654321"), InitDataRejected.FORGED),
        (init_data(hash_value="0" * 64), InitDataRejected.FORGED),
        (init_data().replace("4242", "1001"), InitDataRejected.FORGED),  # another user's id, same hash
        (init_data(at=NOW - timedelta(hours=1, minutes=1)), InitDataRejected.STALE),
        (init_data(at=NOW + timedelta(hours=1)), InitDataRejected.STALE),
        (init_data(hash_value=""), InitDataRejected.MISSING_HASH),
        (urlencode({"user": json.dumps(USER), "auth_date": str(int(NOW.timestamp()))}), InitDataRejected.MISSING_HASH),
        ("user=%7B&&&", InitDataRejected.MALFORMED),
        (init_data() + "&auth_date=1", InitDataRejected.MALFORMED),  # a repeated field
    ],
    ids=["other-bot", "zero-hash", "tampered-user", "stale", "future", "empty-hash", "no-hash", "garbage",
         "repeated"],
)
def test_forged_stale_or_broken_init_data_is_refused(data: str, reason: str) -> None:
    """A hash from another token, a tampered field, an old or future auth_date, or no hash: refused, saying why."""
    with pytest.raises(InitDataRejected) as info:
        validate(data, TOKEN, NOW)
    assert info.value.reason == reason


def test_signed_data_without_a_user_is_refused() -> None:
    """Validly signed data that names no user opens nothing."""
    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "AAF"}
    data = urlencode({**fields, "hash": sign(fields, TOKEN)})
    with pytest.raises(InitDataRejected) as info:
        validate(data, TOKEN, NOW)
    assert info.value.reason == InitDataRejected.NO_USER
