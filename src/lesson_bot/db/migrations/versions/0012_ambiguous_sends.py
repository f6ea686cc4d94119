"""Delivery under faults: sends whose answer never came (ambiguous), and the leader epoch that fences claims.

`outbox.ambiguous_attempts` counts a row's attempts whose request left but whose answer never came (a read
timeout, a connection dropped after the request was written): Telegram may have delivered each of them, so the
ledger shows the row as possibly duplicated. `delivery_leader` holds one row whose `epoch` the delivery leader
increments when it takes the lead; `outbox.claim_epoch` is the epoch a row was claimed under, and a dispatcher
whose epoch is no longer current can neither claim nor settle rows (docs/delivery.md).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch operation): SQLite would otherwise rebuild the table.
    op.add_column("outbox", sa.Column("ambiguous_attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("outbox", sa.Column("claim_epoch", sa.BigInteger(), nullable=True))
    op.create_table(
        "delivery_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_leader")),
    )


def downgrade() -> None:
    op.drop_table("delivery_leader")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claim_epoch")
        batch_op.drop_column("ambiguous_attempts")
