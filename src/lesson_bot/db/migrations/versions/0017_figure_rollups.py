"""Report rollups: every membership's figures per local month, quarter and year (`member_period_figures`) and every
branch's meetings, records and cadence per ended period (`branch_period_figures`), kept fresh through a change log
(`figure_changes`) that triggers append to whenever a write can move them
(services/reports/rollups.py).

Triggers rather than application code: the log must hear of every write that matters, whichever path makes it (the
recorder's Core inserts, the ORM, the importer, a CLI command, a hand-run SQL fix). Each trigger only appends a
narrow row; the refresher works out which (branch, month) pairs to recompute. Existing branches are logged as
changed as a whole, so the first refresh builds every period they have. (A later SQLite batch migration that
recreates one of the watched tables must recreate its triggers too.)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = "branch_id, member_id, lesson_version_id, meeting_id, at, whole"


class Trigger(NamedTuple):
    name: str
    table: str
    event: str  # INSERT, DELETE, or UPDATE OF <columns>
    when: str | None  # a condition on NEW / OLD, or None
    rows: tuple[str, ...]  # each: the values of COLUMNS, {true} / {false} for the dialect's booleans


def _branch_of(row: str) -> str:
    return f"(SELECT branch_id FROM memberships WHERE id = {row}.membership_id)"  # noqa: S608  (NEW or OLD)


def _row_changes(table: str, name: str, columns: str, values: str) -> list[Trigger]:
    """A table whose inserted, updated (those columns) and deleted rows each log `values` of NEW or OLD."""
    return [Trigger(f"{name}_insert", table, "INSERT", None, (values.format(r="NEW"),)),
            Trigger(f"{name}_update", table, f"UPDATE OF {columns}", None,
                    (values.format(r="OLD"), values.format(r="NEW"))),
            Trigger(f"{name}_delete", table, "DELETE", None, (values.format(r="OLD"),))]


TRIGGERS = [
    Trigger("fc_events", "participation_events", "INSERT",
            "NEW.kind IN ('lesson_checkin', 'quiz_answer', 'makeup_done')",
            ("NEW.branch_id, NEW.member_id, NEW.lesson_version_id, NEW.meeting_id, NULL, {false}",)),
    *_row_changes("lesson_deliveries", "fc_deliveries", "delivered_at, mode, member_id, lesson_version_id, branch_id",
                  "{r}.branch_id, NULL, NULL, NULL, {r}.delivered_at, {{false}}"),
    *_row_changes("meetings", "fc_meetings",
                  "status, starts_at, attendance_closed_at, settings, party_group, lesson_id, branch_id, type, "
                  "recorded_at, recorded_late",
                  "{r}.branch_id, NULL, NULL, NULL, {r}.starts_at, {{false}}"),
    *_row_changes("sign_ins", "fc_sign_ins", "meeting_id, member_id, late",
                  "NULL, {r}.member_id, NULL, {r}.meeting_id, NULL, {{false}}"),
    *_row_changes("rsvps", "fc_rsvps", "meeting_id, member_id, answer, leave_status",
                  "NULL, {r}.member_id, NULL, {r}.meeting_id, NULL, {{false}}"),
    *_row_changes("memberships", "fc_memberships",
                  "branch_id, member_id, status, is_committee, party_group, joined_at, left_at",
                  "{r}.branch_id, NULL, NULL, NULL, NULL, {{true}}"),
    *_row_changes("membership_absences", "fc_absences", "membership_id, left_at, returned_at",
                  _branch_of("{r}") + ", NULL, NULL, NULL, NULL, {{true}}"),
    Trigger("fc_branches_update", "branches", "UPDATE OF timezone, status", None,
            ("NEW.id, NULL, NULL, NULL, NULL, {true}",)),
]


def upgrade() -> None:
    op.create_table(
        "figure_changes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("branch_id", sa.BigInteger(), nullable=True),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("lesson_version_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_id", sa.BigInteger(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("whole", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figure_changes")),
    )
    counts = [sa.Column(name, sa.Integer(), nullable=False) for name in (
        "delivered", "on_time", "makeup", "answered", "answered_right", "reviews", "reviews_right", "attended", "late",
        "excused", "absent", "made_up")]
    op.create_table(
        "member_period_figures",
        sa.Column("membership_id", ID, autoincrement=False, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("branch_id", sa.BigInteger(), nullable=False),
        *counts,
        sa.PrimaryKeyConstraint("membership_id", "period", name=op.f("pk_member_period_figures")),
    )
    op.create_index("ix_member_period_figures_period_branch", "member_period_figures", ["period", "branch_id"])
    op.create_table(
        "branch_period_figures",
        sa.Column("branch_id", ID, autoincrement=False, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("rules", sa.String(length=16), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in (
            "meetings_held", "records_on_time", "records_late", "cadence_due", "cadence_met")],
        sa.PrimaryKeyConstraint("branch_id", "period", name=op.f("pk_branch_period_figures")),
    )
    postgres = op.get_context().dialect.name == "postgresql"
    booleans = {"true": "true", "false": "false"} if postgres else {"true": "1", "false": "0"}
    for trigger in TRIGGERS:
        # Constant SQL: every name and value comes from this module.
        inserts = " ".join(f"INSERT INTO figure_changes ({COLUMNS}) VALUES ({row.format(**booleans)});"  # noqa: S608
                           for row in trigger.rows)
        if postgres:
            op.execute(f"CREATE FUNCTION lesson_bot_{trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {inserts} RETURN NULL; END $$")
            when = f" WHEN ({trigger.when})" if trigger.when else ""
            op.execute(f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} FOR EACH ROW{when} "
                       f"EXECUTE FUNCTION lesson_bot_{trigger.name}()")
        else:
            when = f" WHEN {trigger.when}" if trigger.when else ""
            op.execute(f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} FOR EACH ROW{when} "
                       f"BEGIN {inserts} END")
    # What is already recorded: every branch is changed as a whole, so the first refresh builds its months.
    op.execute(f"INSERT INTO figure_changes ({COLUMNS}) "  # noqa: S608  (constant SQL)
               f"SELECT id, NULL, NULL, NULL, NULL, {booleans['true']} FROM branches")


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger.name}" + (f" ON {trigger.table}" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS lesson_bot_{trigger.name}()")
    op.drop_table("branch_period_figures")
    op.drop_index("ix_member_period_figures_period_branch", table_name="member_period_figures")
    op.drop_table("member_period_figures")
    op.drop_table("figure_changes")
