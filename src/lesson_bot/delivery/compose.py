"""What an occurrence sends: the outbox parts of a lesson (text, media, quiz polls), in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.content.renderer import render_caption, render_lesson
from lesson_bot.db.models import Lesson, LessonVersion, Schedule

MEDIA_METHOD = {
    "photo": ("sendPhoto", "photo"),
    "video": ("sendVideo", "video"),
    "document": ("sendDocument", "document"),
}


async def lesson_for(session: AsyncSession, schedule: Schedule, seq: int) -> LessonVersion | None:
    """The lesson version an occurrence delivers: the schedule's lesson, or the seq-th lesson of its series
    (None when the series has no lesson that far)."""
    if schedule.lesson_id is not None:
        lesson = await session.get(Lesson, schedule.lesson_id)
    else:
        lesson = (await session.execute(
            select(Lesson).where(Lesson.series == schedule.series, Lesson.active.is_(True))
            .order_by(Lesson.position).offset(seq - 1).limit(1)
        )).scalar_one_or_none()
    if lesson is None or lesson.current_version_id is None:
        return None
    return await session.get(LessonVersion, lesson.current_version_id)


def lesson_payloads(version: LessonVersion) -> list[dict[str, Any]]:
    """The Bot API calls that deliver a lesson version: its messages, then its media, then its quiz."""
    messages, _issues, _length = render_lesson(version.title, version.series, version.position, version.language,
                                               version.body_md, 1)
    payloads: list[dict[str, Any]] = [
        {"method": "sendMessage", "params": {"text": text, "parse_mode": "HTML"}} for text in messages
    ]
    for item in version.media:
        method, param = MEDIA_METHOD.get(str(item.get("kind")), MEDIA_METHOD["document"])
        params: dict[str, Any] = {param: {"path": item["file"]}}
        if item.get("caption"):
            params.update(caption=render_caption(str(item["caption"]), 1, "media")[0], parse_mode="HTML")
        payloads.append({"method": method, "params": params})
    for question in version.quiz:
        payloads.append({"method": "sendPoll", "params": {
            "question": question["question"], "options": list(question["options"]), "type": "quiz",
            "correct_option_ids": [int(question["correct"])], "explanation": question.get("explanation"),
            "is_anonymous": False,
        }})
    return payloads


def part_keys(occurrence_id: int, chat_id: int, index: int) -> tuple[str, str]:
    """(dedupe key, group key) of one part: unique per occurrence x chat x part, grouped per occurrence x chat."""
    group = f"occ:{occurrence_id}:chat:{chat_id}"
    return f"{group}:part:{index}", group


