"""Lesson deliveries are planned before they are sent (delivered_at nullable, one per occurrence x chat) and
carry the live check-in count: expected, recorded, shown on the button, and when it was last edited.

Nothing wrote lesson_deliveries before this revision, so SQLite's table copy (batch mode) moves no rows and
breaks no reference from participation_events or quiz_polls.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lesson_deliveries", schema=None) as batch_op:
        batch_op.alter_column("delivered_at", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.add_column(sa.Column("expected_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("checkin_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("shown_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("count_edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_lesson_deliveries_occurrence_id_chat_id"), ["occurrence_id", "chat_id"]
        )
        batch_op.create_index(batch_op.f("ix_lesson_deliveries_delivered_at"), ["delivered_at"], unique=False)

    # A plain CREATE INDEX: participation_events is never copied, so its append-only triggers stay.
    op.create_index(
        op.f("ix_participation_events_delivery_id"), "participation_events", ["delivery_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_participation_events_delivery_id"), table_name="participation_events")
    with op.batch_alter_table("lesson_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_deliveries_delivered_at"))
        batch_op.drop_constraint(batch_op.f("uq_lesson_deliveries_occurrence_id_chat_id"), type_="unique")
        batch_op.drop_column("count_edited_at")
        batch_op.drop_column("shown_count")
        batch_op.drop_column("checkin_count")
        batch_op.drop_column("expected_count")
        batch_op.alter_column("delivered_at", existing_type=sa.DateTime(timezone=True), nullable=False)
