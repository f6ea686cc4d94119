"""Indexes the organization's period report reads by: a branch's meetings by start (the period's meetings of each
branch, rather than every meeting of the branch), and a meeting's participation events by member (a meeting's 补学).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-20
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX: a batch operation could rebuild a table on SQLite and lose its append-only triggers.
    op.create_index("ix_meetings_branch_starts_at", "meetings", ["branch_id", "starts_at"], unique=False)
    op.create_index("ix_participation_events_meeting_member", "participation_events", ["meeting_id", "member_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_participation_events_meeting_member", table_name="participation_events")
    op.drop_index("ix_meetings_branch_starts_at", table_name="meetings")
