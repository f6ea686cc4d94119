"""What an occurrence sends: the parts of a lesson (text, media, quiz polls), in order, and its check-in button."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.content.renderer import render_caption, render_lesson
from lesson_bot.db.models import Lesson, LessonVersion, MediaFile, Schedule
from lesson_bot.domain.callbacks import LessonDone
from lesson_bot.domain.messages import EditButtons, Keyboard, Media, MediaKind, Part, Poll, Text, keyboard
from lesson_bot.i18n import Lang
from lesson_bot.services.lessons.scope import deliverable_to


async def lesson_for(session: AsyncSession, schedule: Schedule, seq: int) -> LessonVersion | None:
    """The lesson version an occurrence delivers: the schedule's lesson, or the seq-th lesson of its series
    (None when the series has no lesson that far)."""
    if schedule.lesson_id is not None:
        lesson = await session.get(Lesson, schedule.lesson_id)
    else:
        lesson = (await session.execute(
            select(Lesson).where(Lesson.series == schedule.series, Lesson.active.is_(True),
                                 deliverable_to(schedule.branch_id))
            .order_by(Lesson.position).offset(seq - 1).limit(1)
        )).scalar_one_or_none()
    if lesson is None or lesson.current_version_id is None:
        return None
    return await session.get(LessonVersion, lesson.current_version_id)


def checkin_label(t: Lang, count: int | None = None, expected: int | None = None, makeup: int = 0) -> str:
    """The check-in button's label: plain before the first check-in, then with the count (everyone who studied
    it) and, once any, how many of them as make-up (补学)."""
    if count is None:
        return t._("✅ Studied")
    if makeup:
        return t._("✅ Studied {count}/{expected} (make-up {makeup})", count=count, expected=expected, makeup=makeup)
    return t._("✅ Studied {count}/{expected}", count=count, expected=expected)


def checkin_buttons(label: str, delivery_id: int) -> Keyboard:
    """The lesson message's keyboard: one check-in button (its label carries the live count once there is one)."""
    return keyboard([(label, LessonDone(delivery_id).encode())])


def checkin_edit(label: str, delivery_id: int, message_id: int) -> EditButtons:
    """The lesson message's check-in button, relabelled (the live count)."""
    return EditButtons(message_id, checkin_buttons(label, delivery_id))


def quiz_part(delivery_id: int | None, index: int, question: Mapping[str, Any]) -> Part:
    """One quiz question as a poll, with the meta the lesson on-sent hook (services/messages/lesson_sent.py)
    records its QuizPoll from (none without a delivery)."""
    correct = int(question["correct"])
    poll = Poll(str(question["question"]), tuple(question["options"]), correct, question.get("explanation"))
    meta = None if delivery_id is None else {"question": index, "correct": correct, "delivery": delivery_id}
    return Part(poll, meta)


def lesson_parts(version: LessonVersion, *, delivery_id: int | None = None, button: str | None = None,
                 checkin: bool = True, file_ids: Mapping[tuple[str, str], str] | None = None) -> list[Part]:
    """The messages that deliver a lesson version: its texts, then its media, then its quiz.

    With a `delivery_id`, the last text message carries the check-in button labelled `button` (unless `checkin`
    is False: a lesson studied before gets none), and every part carries meta for the on-sent hook: the
    delivery, which part holds the button, each poll's question and correct option, each media file's hash.
    `file_ids` maps (sha256, kind) of media sent before to Telegram's file_id, so a file is uploaded once and
    re-sent by id after that.
    """
    texts, _issues, _length = render_lesson(version.title, version.series, version.position, version.language,
                                            version.body_md, 1)
    parts = [Part(Text(text)) for text in texts]
    tracked = delivery_id is not None
    if tracked and checkin and parts:
        assert delivery_id is not None
        parts[-1] = Part(Text(texts[-1], checkin_buttons(button or "✅", delivery_id)), {"checkin": True})
    for item in version.media:
        kind = str(item.get("kind"))
        media_kind: MediaKind = kind if kind in ("photo", "video") else "document"  # type: ignore[assignment]
        known = (file_ids or {}).get((str(item.get("sha256")), kind))
        caption = render_caption(str(item["caption"]), 1, "media")[0] if item.get("caption") else None
        media = Media(media_kind, None if known else str(item["file"]), known or None, caption)
        parts.append(Part(media, {"media": {"sha256": item.get("sha256"), "kind": kind}}))
    parts += [quiz_part(delivery_id, index, question) for index, question in enumerate(version.quiz)]
    if not tracked:
        return [Part(part.message) for part in parts]
    return [Part(part.message, {**(part.meta or {}), "delivery": delivery_id}) for part in parts]


def part_keys(occurrence_id: int, chat_id: int, index: int) -> tuple[str, str]:
    """(dedupe key, group key) of one part: unique per occurrence x chat x part, grouped per occurrence x chat."""
    group = f"occ:{occurrence_id}:chat:{chat_id}"
    return f"{group}:part:{index}", group


async def uploaded_file_ids(s: AsyncSession, version: LessonVersion) -> dict[tuple[str, str], str]:
    """Telegram file ids of this version's media that were uploaded before, by (sha256, kind)."""
    hashes = [str(m["sha256"]) for m in version.media if m.get("sha256")]
    if not hashes:
        return {}
    rows = await s.execute(select(MediaFile.sha256, MediaFile.kind, MediaFile.telegram_file_id)
                           .where(MediaFile.sha256.in_(hashes)))
    return {(sha, kind): file_id for sha, kind, file_id in rows}
