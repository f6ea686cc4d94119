"""Branch lessons: a lesson a secretary imported in Telegram (/import) belongs to their branch, which alone sees and
schedules it; a lesson without a branch_lessons row is the library's (docs/importing.md, "In Telegram").

A table beside `lessons` rather than a column on it: adding a foreign key column to `lessons` and dropping it again
would rebuild that table on SQLite, which every lesson version, schedule and meeting refers to. On the way down a
branch lesson becomes an inactive lesson: its deliveries and participation stay, nobody picks it any more.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "branch_lessons",
        sa.Column("lesson_id", ID, nullable=False),
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("imported_by_member_id", ID, nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("quiz_ready", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_branch_lessons_branch_id_branches")),
        sa.ForeignKeyConstraint(["imported_by_member_id"], ["members.id"],
                                name=op.f("fk_branch_lessons_imported_by_member_id_members")),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_branch_lessons_lesson_id_lessons")),
        sa.PrimaryKeyConstraint("lesson_id", name=op.f("pk_branch_lessons")),
        sa.UniqueConstraint("branch_id", "slug", name=op.f("uq_branch_lessons_branch_id_slug")),
    )
    with op.batch_alter_table("branch_lessons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branch_lessons_branch_id"), ["branch_id"], unique=False)


def downgrade() -> None:
    # Without the table these would read as the library's lessons, which every branch may pick.
    op.execute("UPDATE lessons SET active = false WHERE id IN (SELECT lesson_id FROM branch_lessons)")
    with op.batch_alter_table("branch_lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branch_lessons_branch_id"))
    op.drop_table("branch_lessons")
