"""民主测评: surveys, their questions, and the anonymous polls sent for them to each branch group.

survey_polls keeps, per question and branch, where the poll is, how many members were expected when the survey
opened, and the per-option counts Telegram answered when the poll was stopped. No table holds a person's answer.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Enum("open", "closed", name="survey_state", native_enum=False, create_constraint=True,
                                   length=24), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index("ix_surveys_state_closes_at", ["state", "closes_at"], unique=False)
    op.create_table(
        "survey_questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("survey_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("scale", sa.Enum("satisfaction", "five", name="survey_scale", native_enum=False,
                                   create_constraint=True, length=24), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_survey_questions_survey_id_surveys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
        sa.UniqueConstraint("survey_id", "position", name=op.f("uq_survey_questions_survey_id_position")),
    )
    op.create_table(
        "survey_polls",
        sa.Column("id", ID, nullable=False),
        sa.Column("survey_id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("branch_id", ID, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_poll_id", sa.String(length=64), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("total_voters", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"], name=op.f("fk_survey_polls_branch_id_branches")),
        sa.ForeignKeyConstraint(["question_id"], ["survey_questions.id"],
                                name=op.f("fk_survey_polls_question_id_survey_questions")),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_survey_polls_survey_id_surveys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_polls")),
        sa.UniqueConstraint("question_id", "branch_id", name=op.f("uq_survey_polls_question_id_branch_id")),
    )
    with op.batch_alter_table("survey_polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_polls_survey_id"), ["survey_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_polls_survey_id"))
    op.drop_table("survey_polls")
    op.drop_table("survey_questions")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index("ix_surveys_state_closes_at")
    op.drop_table("surveys")
