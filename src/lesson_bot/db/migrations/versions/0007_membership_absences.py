"""Membership periods: a member who left a branch and came back keeps their first `joined_at`; the time away is a
row of `membership_absences` (left_at, returned_at), so what was delivered while they were away is not theirs and
what came before still is.

A new table only: memberships are untouched (their joined_at is the latest join for rows rejoined before this
revision; that history is gone and cannot be rebuilt). Downgrading moves joined_at to the last return, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "membership_absences",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("membership_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"], ["memberships.id"], name=op.f("fk_membership_absences_membership_id_memberships")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_absences")),
    )
    with op.batch_alter_table("membership_absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_absences_membership_id"), ["membership_id"], unique=False)


def downgrade() -> None:
    # Before this revision a rejoin restarted the membership: joined_at becomes the last return again.
    memberships = sa.table("memberships", sa.column("id"), sa.column("joined_at"))
    absences = sa.table("membership_absences", sa.column("membership_id"), sa.column("returned_at"))
    mine = absences.c.membership_id == memberships.c.id
    op.execute(sa.update(memberships).where(sa.exists().where(mine))
               .values(joined_at=sa.select(sa.func.max(absences.c.returned_at)).where(mine).scalar_subquery()))
    with op.batch_alter_table("membership_absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_absences_membership_id"))
    op.drop_table("membership_absences")
