"""Settings from the environment (prefix LESSON_BOT_) and an optional .env file.

Built by load_settings(), never at import time. A bad value raises ConfigError with one line that names
the variable and the form it expects; the CLI prints that line and exits.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from lesson_bot.domain.nudge_rules import NudgeRules, QuietHours

ENV_PREFIX = "LESSON_BOT_"
SUPPORTED_LOCALES = ("zh-Hans", "en")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SESSION_SECRET_MIN = 32
_BOT_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    """Everything lesson_bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///./lesson_bot.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB",
    )
    db_upgrade_on_start: bool = Field(default=True, description="run Alembic migrations when the service starts")
    bot_token: SecretStr | None = Field(
        default=None, description="the token @BotFather gave, like 123456:ABC-DEF...; only to run against Telegram"
    )
    bot_api_base_url: str = Field(
        default="https://api.telegram.org",
        description="Bot API server root (scheme://host[:port]); point it at `lesson-bot sandbox` to run locally",
    )
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(), description="comma-separated Telegram user ids of the admins, like 1001,1002"
    )
    admin_chat_id: int | None = Field(default=None, description="chat id where errors and alerts are posted")
    default_timezone: str = Field(default="Asia/Shanghai", description="an IANA zone name like Asia/Shanghai")
    default_locale: Literal["zh-Hans", "en"] = Field(default="zh-Hans", description="zh-Hans or en")
    content_dir: Path = Field(default=Path("content"), description="folder holding lessons/ and media/")
    web_host: str = Field(default="127.0.0.1", description="address the web server binds")
    web_port: int = Field(default=8080, ge=1, le=65535, description="a TCP port, 1-65535")
    webhook_url: str | None = Field(
        default=None, description="public https URL Telegram posts updates to; unset means long polling"
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="1-256 characters of A-Z a-z 0-9 _ -, checked on every webhook request"
    )
    import_private_hosts: bool = Field(
        default=False, description="let /import in Telegram fetch pages on loopback, private and link-local addresses "
        "(an intranet); off, a secretary's link may only reach public addresses, never the server's own network"
    )
    public_url: str | None = Field(
        default=None, description="the dashboard's public URL, like https://party.example.org (https in production: "
        "Telegram opens Mini Apps over https only); unset means no dashboard"
    )
    session_secret: SecretStr | None = Field(
        default=None, description="at least 32 random characters that sign the dashboard's session cookies; required "
        "when LESSON_BOT_PUBLIC_URL is set"
    )
    meeting_types_file: Path | None = Field(
        default=None, description="a YAML file of meeting types to add or override (see docs/meetings.md)"
    )
    assessment_file: Path | None = Field(
        default=None, description="a YAML file of assessment rules (default: the shipped assessment_default.yaml)"
    )
    nudge_after_hours: float = Field(
        default=24, gt=0, le=168, description="hours after a lesson's delivery before those who have not studied it "
        "are nudged, more than 0 and at most 168"
    )
    nudge_quiet_hours: str = Field(
        default="22:00-08:00", description="local HH:MM-HH:MM in which no nudge is sent, like 22:00-08:00 (equal "
        "ends: none)"
    )
    nudge_group_per_day: int = Field(
        default=1, ge=0, le=20, description="group nudge messages per branch per local day, 0-20 (0: none)"
    )
    nudge_window_days: int = Field(default=7, ge=1, le=60, description="days after a delivery it may be nudged, 1-60")
    record_grace_hours: int = Field(
        default=24, ge=0, le=24 * 30, description="hours after a meeting's end before its record counts as 补录 (late)"
    )
    cadence_remind_days: int = Field(
        default=7, ge=1, le=60, description="days before a period's deadline to remind secretaries of a missing meeting"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text (one readable line per event) or json (one JSON object per line)"
    )
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="a TCP port, 1-65535, to serve /metrics on instead of the web port "
        "(bound to LESSON_BOT_WEB_HOST); unset: /metrics is on the web port"
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="a bearer token /metrics requires (Authorization: Bearer TOKEN); unset: none"
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _BOT_TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token")
        return value

    @field_validator("bot_api_base_url", "webhook_url", "public_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("bot_api_base_url")
    @classmethod
    def _api_root(cls, value: str) -> str:
        # The sandbox prints its base_url for python-telegram-bot, which ends in /bot; the bot adds /bot<token>
        # itself, so that URL here becomes .../bot/bot<token> and every call fails as if the token were wrong.
        if value.endswith("/bot"):
            raise ValueError(f"ends in /bot, which the bot adds itself: drop it and use {value.removesuffix('/bot')}")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be whole numbers separated by commas")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("is not a known IANA time zone") from exc
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_TOKEN_RE.match(value.get_secret_value()):
            raise ValueError("has characters Telegram does not allow")
        return value

    @field_validator("session_secret")
    @classmethod
    def _session_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < SESSION_SECRET_MIN:
            raise ValueError(f"is shorter than {SESSION_SECRET_MIN} characters")
        return value

    @field_validator("nudge_quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        QuietHours.parse(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                f"{ENV_PREFIX}WEBHOOK_SECRET: required when {ENV_PREFIX}WEBHOOK_URL is set, so that only Telegram "
                "can post updates; expected 1-256 characters of A-Z a-z 0-9 _ -"
            )
        return self

    @model_validator(mode="after")
    def _dashboard_needs_secret(self) -> Settings:
        if self.public_url and self.session_secret is None:
            raise ValueError(
                f"{ENV_PREFIX}SESSION_SECRET: required when {ENV_PREFIX}PUBLIC_URL is set, to sign the dashboard's "
                f"session cookies; expected at least {SESSION_SECRET_MIN} random characters"
            )
        return self

    @property
    def dashboard_enabled(self) -> bool:
        return self.public_url is not None

    @property
    def nudge_rules(self) -> NudgeRules:
        return NudgeRules(timedelta(hours=self.nudge_after_hours), QuietHours.parse(self.nudge_quiet_hours),
                          self.nudge_group_per_day, timedelta(days=self.nudge_window_days))

    @property
    def lessons_dir(self) -> Path:
        return self.content_dir / "lessons"

    @property
    def media_dir(self) -> Path:
        return self.content_dir / "media"


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ConfigError naming the first bad variable and the form it expects."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        if not err["loc"]:  # a rule across several variables states its own message
            raise ConfigError(err["msg"].removeprefix("Value error, ")) from None
        field = str(err["loc"][0])
        info = Settings.model_fields.get(field)
        expected = info.description if info is not None and info.description else ""
        reason = err["msg"].removeprefix("Value error, ")
        raise ConfigError(
            f"{ENV_PREFIX}{field.upper()}: {reason}" + (f"; expected {expected}" if expected else "")
        ) from None
