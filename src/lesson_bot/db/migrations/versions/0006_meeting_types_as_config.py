"""Meeting types become configuration: `meetings.type` is a plain string (built-in keys or an organization's own),
and a meeting records when its sign-in window was closed (absentees marked, summary sent).

Nothing wrote meetings before this revision, so SQLite's table copy (batch mode) moves no rows and breaks no
reference from rsvps, sign_ins, meeting_attachments or participation_events.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILT_IN = ("party_congress", "committee", "party_group", "party_lecture", "theme_day", "life_meeting")


def _enum() -> sa.Enum:
    return sa.Enum(*BUILT_IN, name="meeting_type", native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_meetings_meeting_type"), "meetings", type_="check")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        if op.get_context().dialect.name != "postgresql":
            batch_op.drop_constraint(op.f("ck_meetings_meeting_type"), type_="check")
        batch_op.alter_column("type", existing_type=sa.String(length=24), type_=sa.String(length=32),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("attendance_closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_meetings_status_starts_at"), ["status", "starts_at"], unique=False)


def downgrade() -> None:
    # An organization's own types have no place in the old vocabulary: those meetings become 主题党日.
    op.execute(sa.update(sa.table("meetings", sa.column("type"))).where(sa.column("type").not_in(BUILT_IN))
               .values(type="theme_day"))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_status_starts_at"))
        batch_op.drop_column("attendance_closed_at")
        batch_op.alter_column("type", existing_type=sa.String(length=32), type_=_enum(), existing_nullable=False)
