"""What members did, as an append-only log; reports and scores are pure functions over it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.enums import ParticipationKind, ParticipationMode


class LessonDelivery(Base):
    """A lesson version delivered to a branch group, or to one member in private (补学, review).

    A group delivery is created when the planner plans its occurrence (so the check-in button can carry its id)
    and filled in (message_id, delivered_at, expected_count) when its message is sent.
    """

    __tablename__ = "lesson_deliveries"
    __table_args__ = (
        Index("ix_lesson_deliveries_branch_version", "branch_id", "lesson_version_id"),
        UniqueConstraint("occurrence_id", "chat_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    lesson_version_id: Mapped[int] = mapped_column(ForeignKey("lesson_versions.id"))
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    mode: Mapped[ParticipationMode] = mapped_column(str_enum(ParticipationMode, "delivery_mode"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the message carrying the check-in button
    delivered_at: Mapped[datetime | None] = mapped_column(index=True)  # None while planned, not yet sent
    expected_count: Mapped[int | None]  # active roster members when delivered: the "/30" of the live count
    checkin_count: Mapped[int] = mapped_column(default=0, server_default="0")  # kept by the recorder
    # a group delivery: 补学 check-ins of its lesson in its branch, kept by the recorder (they change the count)
    makeup_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # checkin_count + makeup_count when the button was last relabelled: a difference means the label is due
    shown_count: Mapped[int] = mapped_column(default=0, server_default="0")
    count_edited_at: Mapped[datetime | None]  # last live-count edit enqueued (rate bound per delivery)


class QuizPoll(Base):
    """A quiz poll the bot sent: maps Telegram's poll id back to the lesson version and question."""

    __tablename__ = "quiz_polls"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    telegram_poll_id: Mapped[str] = mapped_column(String(64), unique=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("lesson_deliveries.id"), index=True)
    question_index: Mapped[int]
    correct_option: Mapped[int]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime]


class ParticipationEvent(Base):
    """One thing a member did. Append-only (the database refuses updates and deletes); the dedupe key makes
    a replayed update harmless."""

    __tablename__ = "participation_events"
    __table_args__ = (
        Index("ix_participation_events_branch_kind_at", "branch_id", "kind", "occurred_at"),
        Index("ix_participation_events_member_at", "member_id", "occurred_at"),
        Index("ix_participation_events_member_version", "member_id", "lesson_version_id"),  # reports
        Index("ix_participation_events_meeting_member", "meeting_id", "member_id"),  # reports
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ParticipationKind] = mapped_column(str_enum(ParticipationKind, "participation_kind"))
    mode: Mapped[ParticipationMode] = mapped_column(str_enum(ParticipationMode, "participation_mode"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    lesson_version_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_versions.id"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_deliveries.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    question_index: Mapped[int | None]
    option_index: Mapped[int | None]
    correct: Mapped[bool | None]
    seconds_after_delivery: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
