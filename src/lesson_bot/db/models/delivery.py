"""Schedules as data, their materialised occurrences, the outbox and its delivery log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.enums import (
    DeliveryOutcome,
    OccurrenceStatus,
    OutboxStatus,
    RecurrenceType,
    ScheduleKind,
    ScheduleStatus,
)


class Schedule(Base):
    """A one-off or recurring plan for a branch, in the branch's zone (a name, never an offset)."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    kind: Mapped[ScheduleKind] = mapped_column(str_enum(ScheduleKind, "schedule_kind"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))
    series: Mapped[str | None] = mapped_column(String(60))  # a whole series, one lesson per occurrence
    meeting_template: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))
    recurrence: Mapped[RecurrenceType] = mapped_column(str_enum(RecurrenceType, "recurrence_type"))
    # weekly: {"days": [0..6], "time": "HH:MM"}; monthly: {"day": 1..31} or {"weekday": 4, "nth": 1};
    # cron: {"expr": "..."}; once: {}
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    max_count: Mapped[int | None]
    status: Mapped[ScheduleStatus] = mapped_column(str_enum(ScheduleStatus, "schedule_status"))
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    # Set once when the planner cannot compute the schedule (a rule corrupted in the DB, a zone gone from tzdata);
    # the planner skips it from then on, until it is cancelled. The reason is data ({"field", "problem",
    # "params"} of the RecurrenceError) so that each reader sees it in their own language.
    broken_at: Mapped[datetime | None]
    broken_reason: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SkipDate(Base):
    """A local date (holiday) on which a branch's recurring schedules do not fire."""

    __tablename__ = "skip_dates"
    __table_args__ = (UniqueConstraint("branch_id", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    day: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String(128))


class Occurrence(Base):
    """One firing of a schedule. Unique per (schedule, due time), so re-planning adds nothing."""

    __tablename__ = "occurrences"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id"))
    seq: Mapped[int]  # 1-based position among the schedule's occurrences
    due_at: Mapped[datetime]
    status: Mapped[OccurrenceStatus] = mapped_column(str_enum(OccurrenceStatus, "occurrence_status"))
    lesson_version_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_versions.id"))
    planned_at: Mapped[datetime]


class OutboxMessage(Base):
    """One message to send: unique per occurrence x chat x part (the dedupe key)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_chat_id_seq", "chat_id", "seq"),
        Index("ix_outbox_group_key_seq", "group_key", "seq"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("occurrences.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))  # lesson_text, lesson_media, quiz, notice, reminder, nudge...
    seq: Mapped[int]  # order within the chat: a part is sent only after every earlier part of its group
    group_key: Mapped[str] = mapped_column(String(200))  # parts of one occurrence in one chat share it
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime]
    not_after: Mapped[datetime | None]  # end of the grace window; later it is missed, never sent
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus, "outbox_status"))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # what Telegram returned that others need (poll id...)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    # Attempts whose request left but whose answer never came: each may have been delivered (a possible duplicate).
    ambiguous_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    claim_epoch: Mapped[int | None] = mapped_column(BigInteger)  # the leader epoch the row was claimed under


class DeliveryLeader(Base):
    """One row: the epoch of the current delivery leader, incremented by each new leader (fences stale claims)."""

    __tablename__ = "delivery_leader"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger)


class DeliveryLogEntry(Base):
    """What happened to an outbox row at each attempt: the delivery ledger secretaries read."""

    __tablename__ = "delivery_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    at: Mapped[datetime]
    outcome: Mapped[DeliveryOutcome] = mapped_column(str_enum(DeliveryOutcome, "delivery_outcome"))
    detail: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(64))
