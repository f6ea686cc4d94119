"""三会一课 meetings, RSVPs with leave requests (请假), sign-ins (签到) and attachments to the record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.enums import LeaveStatus, MeetingStatus, RsvpAnswer, SignInMethod


class Meeting(Base):
    """One meeting of a branch and, once held, its record."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_status_starts_at", "status", "starts_at"),
        Index("ix_meetings_branch_starts_at", "branch_id", "starts_at"),  # reports
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    # A meeting type's key: a built-in (domain.enums.MeetingType) or one an organization configured.
    type: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    online_link: Mapped[str | None] = mapped_column(String(500))
    host_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    recorder_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    party_group: Mapped[str | None] = mapped_column(String(64))  # for a 党小组会: whose group is expected
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))  # for a 党课
    status: Mapped[MeetingStatus] = mapped_column(str_enum(MeetingStatus, "meeting_status"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # reminders, sign-in window, leave cutoff
    sign_in_code: Mapped[str | None] = mapped_column(String(16))
    minutes: Mapped[str | None] = mapped_column(Text)  # 纪要
    decisions: Mapped[str | None] = mapped_column(Text)  # 决议
    recorded_at: Mapped[datetime | None]
    recorded_late: Mapped[bool] = mapped_column(default=False)  # 补录: recorded after the meeting ended
    host_confirmed_at: Mapped[datetime | None]
    recorder_confirmed_at: Mapped[datetime | None]
    attendance_closed_at: Mapped[datetime | None]  # sign-in window closed: absentees marked, summary sent
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"))
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())


class MeetingAttachment(Base):
    """A photo or file attached to a meeting's record, kept by Telegram file_id."""

    __tablename__ = "meeting_attachments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    caption: Mapped[str | None] = mapped_column(Text)
    added_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    added_at: Mapped[datetime]


class Rsvp(Base):
    """A member's answer to a meeting notice: attend, or ask for leave with a reason."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    answer: Mapped[RsvpAnswer] = mapped_column(str_enum(RsvpAnswer, "rsvp_answer"))
    reason: Mapped[str | None] = mapped_column(Text)
    leave_status: Mapped[LeaveStatus | None] = mapped_column(str_enum(LeaveStatus, "leave_status"))
    decided_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    decided_at: Mapped[datetime | None]
    answered_at: Mapped[datetime]


class SignIn(Base):
    """A member signed in to a meeting (签到), once."""

    __tablename__ = "sign_ins"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    signed_at: Mapped[datetime]
    method: Mapped[SignInMethod] = mapped_column(str_enum(SignInMethod, "sign_in_method"))
    late: Mapped[bool] = mapped_column(default=False)
    recorded_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
