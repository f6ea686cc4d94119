"""Settings: defaults, parsing from the environment and .env, and one-line errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from lesson_bot.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("LESSON_BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_run_the_embedded_setup_without_a_token() -> None:
    """With nothing configured, lesson_bot uses a local SQLite file, Beijing time and Chinese, with no token."""
    s = load_settings()
    assert s.database_url == "sqlite+aiosqlite:///./lesson_bot.db"
    assert s.default_timezone == "Asia/Shanghai"
    assert s.default_locale == "zh-Hans"
    assert s.bot_token is None
    assert s.admin_ids == ()
    assert s.db_upgrade_on_start is True


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every setting is read from its LESSON_BOT_ variable."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", "postgresql+asyncpg://bot@db/lessons")
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", "1001, 1002")
    monkeypatch.setenv("LESSON_BOT_DEFAULT_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("LESSON_BOT_DEFAULT_LOCALE", "en")
    monkeypatch.setenv("LESSON_BOT_BOT_API_BASE_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("LESSON_BOT_WEB_PORT", "9000")
    s = load_settings()
    assert s.database_url == "postgresql+asyncpg://bot@db/lessons"
    assert s.admin_ids == (1001, 1002)
    assert s.default_timezone == "Europe/Berlin"
    assert s.default_locale == "en"
    assert s.bot_api_base_url == "http://127.0.0.1:8081"
    assert s.web_port == 9000


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    """A .env file in the working directory supplies settings."""
    (tmp_path / ".env").write_text("LESSON_BOT_ADMIN_IDS=42\nLESSON_BOT_CONTENT_DIR=/srv/content\n")
    s = load_settings()
    assert s.admin_ids == (42,)
    assert s.lessons_dir == Path("/srv/content/lessons")


def test_secrets_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot token and webhook secret are hidden when settings are printed or logged."""
    monkeypatch.setenv("LESSON_BOT_BOT_TOKEN", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678")
    monkeypatch.setenv("LESSON_BOT_WEBHOOK_SECRET", "s3cret-value_1")
    s = load_settings()
    assert "ABCdef" not in repr(s) and "s3cret" not in repr(s)
    assert s.bot_token is not None and s.bot_token.get_secret_value().startswith("123456:")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("WEB_PORT", "abc", "LESSON_BOT_WEB_PORT: "),
        ("WEB_PORT", "70000", "LESSON_BOT_WEB_PORT: "),
        ("DEFAULT_TIMEZONE", "GMT+8", "LESSON_BOT_DEFAULT_TIMEZONE: is not a known IANA time zone"),
        ("DEFAULT_LOCALE", "fr", "LESSON_BOT_DEFAULT_LOCALE: "),
        ("ADMIN_IDS", "alice,bob", "LESSON_BOT_ADMIN_IDS: must be whole numbers separated by commas"),
        ("DATABASE_URL", "sqlite:///x.db", "LESSON_BOT_DATABASE_URL: must start with sqlite+aiosqlite://"),
        ("BOT_TOKEN", "not-a-token", "LESSON_BOT_BOT_TOKEN: does not look like a bot token"),
        ("WEBHOOK_SECRET", "has space", "LESSON_BOT_WEBHOOK_SECRET: has characters Telegram does not allow"),
        ("BOT_API_BASE_URL", "ftp://x", "LESSON_BOT_BOT_API_BASE_URL: must be an http:// or https:// URL"),
        ("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot", "LESSON_BOT_BOT_API_BASE_URL: ends in /bot, which the "
         "bot adds itself: drop it and use http://127.0.0.1:8081;"),
        ("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot/", "LESSON_BOT_BOT_API_BASE_URL: ends in /bot, which the "
         "bot adds itself: drop it and use http://127.0.0.1:8081;"),
        ("PUBLIC_URL", "party.example.org", "LESSON_BOT_PUBLIC_URL: must be an http:// or https:// URL"),
        ("SESSION_SECRET", "short", "LESSON_BOT_SESSION_SECRET: is shorter than 32 characters"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_the_form(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    """A bad value stops start-up with one line: the variable, what is wrong, and the form expected."""
    monkeypatch.setenv(f"LESSON_BOT_{variable}", value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "expected" in message
    assert value not in message or variable != "BOT_TOKEN"  # a token is never echoed back


def test_the_dashboard_needs_a_session_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """A public URL without a session secret stops start-up naming the missing variable; with one, the dashboard
    is on, its URL without a trailing slash, and the secret hidden when the settings are printed."""
    monkeypatch.setenv("LESSON_BOT_PUBLIC_URL", "https://party.example.org/")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert str(info.value).startswith("LESSON_BOT_SESSION_SECRET: required when LESSON_BOT_PUBLIC_URL is set")
    monkeypatch.setenv("LESSON_BOT_SESSION_SECRET", "k" * 40)
    s = load_settings()
    assert s.dashboard_enabled and s.public_url == "https://party.example.org"
    assert "k" * 40 not in repr(s)
    monkeypatch.delenv("LESSON_BOT_PUBLIC_URL")
    assert not load_settings().dashboard_enabled
