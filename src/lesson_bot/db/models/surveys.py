"""民主测评: surveys, their questions, and the anonymous polls that carried them to each branch group.

No table here (or anywhere) holds a person's answer: a poll row keeps only Telegram's per-option counts, read
when the poll is stopped (services/surveys/closing.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.surveys import Scale, SurveyState


class Survey(Base):
    """A survey an admin opened for a period in every active branch's group."""

    __tablename__ = "surveys"
    __table_args__ = (Index("ix_surveys_state_closes_at", "state", "closes_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(32))  # a label such as 2026-Q1, shown with the results
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(BigInteger)  # the admin's Telegram user id
    state: Mapped[SurveyState] = mapped_column(str_enum(SurveyState, "survey_state"))


class SurveyQuestion(Base):
    """One question of a survey, answered on a scale."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    scale: Mapped[Scale] = mapped_column(str_enum(Scale, "survey_scale"))


class SurveyPoll(Base):
    """One question's anonymous poll in one branch group: where it is, whom it expected, and (once stopped) the
    count of each option."""

    __tablename__ = "survey_polls"
    __table_args__ = (UniqueConstraint("question_id", "branch_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # set when sent
    telegram_poll_id: Mapped[str | None] = mapped_column(String(64))
    expected: Mapped[int]  # the branch's active roster members when the survey opened
    sent_at: Mapped[datetime | None]
    stop_queued_at: Mapped[datetime | None]  # the stopPoll was put in the outbox (once)
    closed_at: Mapped[datetime | None]  # stopped, and the counts below read from Telegram's final Poll
    counts: Mapped[list[int] | None] = mapped_column(JSON)  # voters per option, in the scale's order
    total_voters: Mapped[int | None]  # Telegram's total_voter_count
