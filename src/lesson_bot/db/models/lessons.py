"""The lesson library: a lesson by stable id, and every version of its content that was ever synced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lesson_bot.db.base import Base, BigIntPK, UTCDateTime


class Lesson(Base):
    """A lesson by its stable id (the `id` in its file's front matter)."""

    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_series_position", "series", "position"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    series: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    # use_alter: lessons and lesson_versions point at each other.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_versions.id", use_alter=True, ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)  # False once its file is gone; history stays
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )

    versions: Mapped[list[LessonVersion]] = relationship(
        back_populates="lesson", foreign_keys="LessonVersion.lesson_id", order_by="LessonVersion.id"
    )


class LessonVersion(Base):
    """The content of a lesson as it was at one content hash. Never changed once written."""

    __tablename__ = "lesson_versions"
    __table_args__ = (UniqueConstraint("lesson_id", "content_hash"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(100))
    series: Mapped[str] = mapped_column(String(60))
    position: Mapped[int]
    language: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int]
    summary: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text)
    body_md: Mapped[str] = mapped_column(Text)
    # [{"file", "caption", "kind", "sha256"}]
    media: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"question", "options", "correct" (0-based), "explanation"}]
    quiz: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())

    lesson: Mapped[Lesson] = relationship(back_populates="versions", foreign_keys=[lesson_id])


class BranchLesson(Base):
    """A lesson a branch's secretary imported (/import): seen and scheduled by that branch only.

    A lesson without this row is the library's (content/lessons/), which only the library sync writes. `slug` is
    the draft's own id, unique within the branch; the lesson row's slug carries the branch too (see
    services/lessons/imports.py), so it never meets a library id.
    """

    __tablename__ = "branch_lessons"
    __table_args__ = (UniqueConstraint("branch_id", "slug"),)

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    imported_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    source: Mapped[str] = mapped_column(Text)  # the URL, the file's name, or "text" for a pasted article
    quiz_ready: Mapped[bool] = mapped_column(default=False)  # the quiz is written: it may be scheduled
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MediaFile(Base):
    """A media file uploaded once; later sends reuse Telegram's file_id (keyed by content hash)."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    telegram_file_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[datetime]
