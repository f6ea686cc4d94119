"""Logging in to the dashboard through Telegram: a one-time link sent by /dashboard, or a Mini App's initData.

A link's token is 32 random bytes; only its SHA-256 is stored, so the table never holds a working link. It opens
one session, within LINK_TTL of being sent: consuming it is one conditional UPDATE, so two tabs racing with the
same link cannot both win.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from lesson_bot.db.models import DashboardLogin
from lesson_bot.db.uow import Database
from lesson_bot.domain import webapp_auth
from lesson_bot.services import lookup
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import ServiceError

log = logging.getLogger(__name__)
LINK_TTL = timedelta(minutes=10)
KEEP_USED = timedelta(days=1)  # rows past their expiry by this much are purged


class LoginRefused(ServiceError):
    """The link or initData does not open a session; `reason` says why (the page tells the user what to do)."""

    UNKNOWN, USED, EXPIRED, NO_BOT = "unknown", "used", "expired", "no_bot"

    def __init__(self, reason: str) -> None:
        super().__init__(f"login refused: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class LoginLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class SessionUser:
    """Who a new session belongs to, and the language to show them (None: the default)."""

    telegram_user_id: int
    locale: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class WebSessionService:
    """Issues and consumes login links; checks Mini App initData."""

    def __init__(self, db: Database, clock: Clock, public_url: str | None, bot_token: str | None,
                 link_ttl: timedelta = LINK_TTL, init_data_max_age: timedelta = webapp_auth.MAX_AGE) -> None:
        self._db = db
        self._clock = clock
        self._public_url = public_url
        self._bot_token = bot_token
        self.link_ttl = link_ttl
        self._max_age = init_data_max_age

    @property
    def enabled(self) -> bool:
        return self._public_url is not None

    @property
    def app_url(self) -> str | None:
        """The Mini App's address (None without a public URL)."""
        return None if self._public_url is None else f"{self._public_url}/app"

    async def issue_login_link(self, telegram_user_id: int) -> LoginLink:
        """A fresh single-use link for this Telegram user (anyone: the pages show what their role allows)."""
        if self._public_url is None:
            raise LoginRefused(LoginRefused.NO_BOT)
        now = self._clock.now()
        token = secrets.token_urlsafe(32)
        async with self._db.transaction() as s:
            await s.execute(delete(DashboardLogin).where(DashboardLogin.expires_at < now - KEEP_USED))
            s.add(DashboardLogin(token_hash=token_hash(token), telegram_user_id=telegram_user_id, created_at=now,
                                 expires_at=now + self.link_ttl))
        return LoginLink(f"{self._public_url}/login/{token}", now + self.link_ttl)

    async def consume(self, token: str) -> SessionUser:
        """The user a link was sent to, marking it used; LoginRefused if unknown, used or expired."""
        now = self._clock.now()
        digest = token_hash(token)
        async with self._db.transaction() as s:
            taken = await s.execute(
                update(DashboardLogin)
                .where(DashboardLogin.token_hash == digest, DashboardLogin.used_at.is_(None),
                       DashboardLogin.expires_at > now)
                .values(used_at=now).returning(DashboardLogin.telegram_user_id)
            )
            user_id = taken.scalar_one_or_none()
            if user_id is None:
                row = (await s.execute(select(DashboardLogin).where(DashboardLogin.token_hash == digest))
                       ).scalar_one_or_none()
                reason = (LoginRefused.UNKNOWN if row is None else
                          LoginRefused.USED if row.used_at is not None else LoginRefused.EXPIRED)
                log.info("dashboard login link refused: %s", reason)
                raise LoginRefused(reason)
            member = await lookup.by_telegram_id(s, user_id)
            return SessionUser(user_id, member.locale if member is not None else None)

    async def login_webapp(self, init_data: str) -> SessionUser:
        """The user a Mini App's initData proves; InitDataRejected (forged, stale, ...) or LoginRefused."""
        if self._bot_token is None:
            raise LoginRefused(LoginRefused.NO_BOT)
        user = webapp_auth.validate(init_data, self._bot_token, self._clock.now(), self._max_age)
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, user.telegram_user_id)
            locale = member.locale if member is not None and member.locale else user.language_code
        return SessionUser(user.telegram_user_id, locale)
