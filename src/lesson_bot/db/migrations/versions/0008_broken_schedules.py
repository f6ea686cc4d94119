"""A schedule the planner cannot compute is marked: when (broken_at) and why (broken_reason, the recurrence error
as data), so that it is reported once and skipped, rather than logged on every tick. Meeting series are schedules
too (kind meeting), so one table carries both.

Downgrading drops the mark: a broken schedule is active again and fails (and is logged) on every tick, as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("broken_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("broken_reason", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_column("broken_reason")
        batch_op.drop_column("broken_at")
