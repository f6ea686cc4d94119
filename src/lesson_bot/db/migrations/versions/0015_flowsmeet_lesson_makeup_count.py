"""A group lesson's button counts its make-ups: `lesson_deliveries.makeup_count` is bumped by the recorder for every
补学 check-in of the delivery's lesson in its branch, so the count tick re-labels the group's button
("✅ 已学习 8/10（补学 2）") when a make-up is recorded (docs/participation.md, "Live count").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch operation): SQLite would otherwise rebuild the table.
    op.add_column("lesson_deliveries", sa.Column("makeup_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of lesson_deliveries would rebuild a referenced table.
    op.drop_column("lesson_deliveries", "makeup_count")
