"""The dashboard's one-time login links: a token's SHA-256, whose it is, when it expires and when it was used.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_logins",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_logins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dashboard_logins_token_hash")),
    )
    with op.batch_alter_table("dashboard_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dashboard_logins_telegram_user_id"), ["telegram_user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dashboard_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dashboard_logins_telegram_user_id"))
    op.drop_table("dashboard_logins")
