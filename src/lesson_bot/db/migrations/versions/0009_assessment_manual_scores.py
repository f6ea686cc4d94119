"""Assessment: the scores admins enter for manual scorecard dimensions, and an index the period reports use to
find a member's events for the lessons delivered in the period.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "assessment_manual_scores",
        sa.Column("id", ID, nullable=False),
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"],
                                name=op.f("fk_assessment_manual_scores_branch_id_branches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_manual_scores")),
        sa.UniqueConstraint("branch_id", "period", "dimension",
                            name=op.f("uq_assessment_manual_scores_branch_id_period_dimension")),
    )
    with op.batch_alter_table("assessment_manual_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_manual_scores_branch_id"), ["branch_id"], unique=False)
    # A plain CREATE INDEX: a batch operation could rebuild the table on SQLite and lose its append-only triggers.
    op.create_index("ix_participation_events_member_version", "participation_events",
                    ["member_id", "lesson_version_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_participation_events_member_version", table_name="participation_events")
    with op.batch_alter_table("assessment_manual_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_manual_scores_branch_id"))
    op.drop_table("assessment_manual_scores")
