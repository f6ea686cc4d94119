"""Scores an admin enters by hand for a branch's manual scorecard dimensions (domain/assessment.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK


class ManualScore(Base):
    """One manual dimension's score (0-100) for one branch and period, with the admin's note; entering it again
    replaces it (the audit log keeps each entry)."""

    __tablename__ = "assessment_manual_scores"
    __table_args__ = (UniqueConstraint("branch_id", "period", "dimension"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    period: Mapped[str] = mapped_column(String(32))  # domain.periods.Period.label, e.g. 2026-Q4
    dimension: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_telegram_id: Mapped[int] = mapped_column(BigInteger)
    entered_at: Mapped[datetime]
