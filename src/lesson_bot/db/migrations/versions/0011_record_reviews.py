"""The committee's review of meeting records (审阅): `record_reviews`, an append-only history of rounds.

Each meeting already recorded gets its first round as `submitted` at its `recorded_at` (by nobody known), so
records made before this revision wait for review like new ones. The table is append-only like the audit log:
the database refuses UPDATE and DELETE (the PostgreSQL trigger function of revision 0002 is reused).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "record_reviews"
STATES = ("submitted", "approved", "returned", "answered")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("meeting_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="review_state", native_enum=False, create_constraint=True,
                                   length=24), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_record_reviews_meeting_id_meetings")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_record_reviews_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_reviews")),
        sa.UniqueConstraint("meeting_id", "seq", name=op.f("uq_record_reviews_meeting_id_seq")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_reviews_meeting_id"), ["meeting_id"], unique=False)
    meetings = sa.table("meetings", sa.column("id"), sa.column("recorded_at"))
    op.execute(sa.insert(sa.table(TABLE, sa.column("meeting_id"), sa.column("seq"), sa.column("round"),
                                  sa.column("state"), sa.column("at"))).from_select(
        ["meeting_id", "seq", "round", "state", "at"],
        sa.select(meetings.c.id, sa.literal(1), sa.literal(1), sa.literal("submitted"), meetings.c.recorded_at)
        .where(meetings.c.recorded_at.is_not(None))))
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   "FOR EACH ROW EXECUTE FUNCTION lesson_bot_append_only()")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {TABLE}_no_{verb.lower()} BEFORE {verb} ON {TABLE} "
                   f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: {verb} refused'); END")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_reviews_meeting_id"))
    op.drop_table(TABLE)
