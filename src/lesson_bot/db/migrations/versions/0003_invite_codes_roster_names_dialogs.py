"""Branch invite codes (deep links), roster names, and wizard state (dialogs) in the database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:22:19.624233
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dialogs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogs")),
        sa.UniqueConstraint("chat_id", "user_id", name=op.f("uq_dialogs_chat_id_user_id")),
    )
    # Existing branches get a random code before the column becomes NOT NULL and unique.
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invite_code", sa.String(length=32), nullable=True))
    if op.get_context().dialect.name == "postgresql":
        op.execute("UPDATE branches SET invite_code = substr(md5(random()::text || id::text), 1, 16)")
    else:
        op.execute("UPDATE branches SET invite_code = lower(hex(randomblob(8)))")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.alter_column("invite_code", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_branches_invite_code"), ["invite_code"])

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_name", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("roster_name")

    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_branches_invite_code"), type_="unique")
        batch_op.drop_column("invite_code")

    op.drop_table("dialogs")
