"""The committee's review of meeting records (审阅): an append-only history, one row per step.

A round begins with a submission (`submitted`); a reviewer approves it or returns it with a comment; the
secretary (or the recorder) may answer a return; submitting the record again begins the next round. `seq` numbers
a meeting's rows 1, 2, 3, ...: two steps taken at once on the same record collide on it instead of both counting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lesson_bot.db.base import Base, BigIntPK, str_enum
from lesson_bot.domain.enums import ReviewState


class RecordReview(Base):
    """One step of a record's review. Append-only (the database refuses UPDATE and DELETE)."""

    __tablename__ = "record_reviews"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    seq: Mapped[int]  # the row's place in the meeting's history, from 1
    round: Mapped[int]  # from 1; a submission after a review begins the next
    state: Mapped[ReviewState] = mapped_column(str_enum(ReviewState, "review_state"))
    # Who took the step: the submitter, the reviewer (approved / returned) or the one who answered.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]  # when: of an `answered` row, the answer's time
    comment: Mapped[str | None] = mapped_column(Text)  # the reviewer's (required to return, optional to approve)
    answer: Mapped[str | None] = mapped_column(Text)  # the secretary's answer, on an `answered` row
