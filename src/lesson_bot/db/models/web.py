"""The dashboard's one-time login links (the dashboard's sessions themselves live in signed cookies)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK


class DashboardLogin(Base):
    """A login link sent by /dashboard: only the SHA-256 of its token is kept; it works once, before it expires."""

    __tablename__ = "dashboard_logins"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
