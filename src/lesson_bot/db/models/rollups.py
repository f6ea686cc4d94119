"""The report's figures kept per membership and period (each local month, quarter and year), and the change log
that says which are stale
(services/reports/rollups.py; docs/assessment.md, "Rollups").

Both are derived: triggers (migration 0017) append a `figure_changes` row whenever a write can move a member's
figures (a check-in, an answer, a 补学, a delivery sent, a meeting closed or moved, a sign-in, a leave decision, a
roster change); the refresher recomputes the (branch, period) pairs those rows name and deletes the rows it read.
Neither table has foreign keys: a cache must never stop a branch or a member from being changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK


class FigureChange(Base):
    """Something changed that can move the figures of a branch (whole: every month of it), of a meeting's month,
    of the months a lesson version was delivered to a member's branches, or of the month holding `at`."""

    __tablename__ = "figure_changes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(BigInteger)
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    lesson_version_id: Mapped[int | None] = mapped_column(BigInteger)
    meeting_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime | None]
    whole: Mapped[bool] = mapped_column(default=False)


class MemberPeriodFigures(Base):
    """One membership's figures for the lessons delivered and the meetings held in one local month, quarter or year
    of its branch, counted as services/reports/queries.py counts that period (a row only where something was due)."""

    __tablename__ = "member_period_figures"
    __table_args__ = (Index("ix_member_period_figures_period_branch", "period", "branch_id"),)

    membership_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)  # Period.label: 2026-07, 2026-Q3, 2026
    branch_id: Mapped[int] = mapped_column(BigInteger)
    delivered: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    makeup: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    answered_right: Mapped[int] = mapped_column(Integer)
    reviews: Mapped[int] = mapped_column(Integer)
    reviews_right: Mapped[int] = mapped_column(Integer)
    attended: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)
    excused: Mapped[int] = mapped_column(Integer)
    absent: Mapped[int] = mapped_column(Integer)
    made_up: Mapped[int] = mapped_column(Integer)


class BranchPeriodFigures(Base):
    """One branch's meetings held, records on time and late, and 三会一课 cadence for one local month, quarter or year
    (services/reports/branch_facts.py). `final` once the period has ended in the branch's time zone (then nothing of it
    depends on the day any more; before, reports count it afresh); `rules`: the cadence rules it was counted by."""

    __tablename__ = "branch_period_figures"

    branch_id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=False)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    final: Mapped[bool]
    rules: Mapped[str] = mapped_column(String(16))
    meetings_held: Mapped[int] = mapped_column(Integer)
    records_on_time: Mapped[int] = mapped_column(Integer)
    records_late: Mapped[int] = mapped_column(Integer)
    cadence_due: Mapped[int] = mapped_column(Integer)
    cadence_met: Mapped[int] = mapped_column(Integer)
