"""The outbox keeps what Telegram returned (message and poll ids); an index serves part ordering per chat.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 17:03:01.721799
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.create_index("ix_outbox_group_key_seq", ["group_key", "seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_group_key_seq")
        batch_op.drop_column("result")
