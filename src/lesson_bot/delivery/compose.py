"""What an occurrence sends: the outbox parts of a lesson (text, media, quiz polls), in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.content.renderer import render_caption, render_lesson
from lesson_bot.db.models import Lesson, LessonVersion, MediaFile, Schedule
from lesson_bot.domain.callbacks import LessonDone

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


def checkin_markup(label: str, delivery_id: int) -> dict[str, Any]:
    """The lesson message's keyboard: one check-in button (its label carries the live count once there is one)."""
    return {"inline_keyboard": [[{"text": label, "callback_data": LessonDone(delivery_id).encode()}]]}


def lesson_payloads(version: LessonVersion, *, delivery_id: int | None = None, button: str | None = None,
                    file_ids: Mapping[tuple[str, str], str] | None = None) -> list[dict[str, Any]]:
    """The Bot API calls that deliver a lesson version: its messages, then its media, then its quiz.

    With a `delivery_id`, the last text message carries the check-in button labelled `button`, and every part
    carries payload["meta"] (which the sender ignores) for the on-sent hook: the delivery, which part holds the
    button, each poll's question and correct option, each media file's hash. `file_ids` maps (sha256, kind) of
    media sent before to Telegram's file_id, so a file is uploaded once and re-sent by id after that.
    """
    messages, _issues, _length = render_lesson(version.title, version.series, version.position, version.language,
                                               version.body_md, 1)
    payloads: list[dict[str, Any]] = [
        {"method": "sendMessage", "params": {"text": text, "parse_mode": "HTML"}} for text in messages
    ]
    if delivery_id is not None and payloads:
        payloads[-1]["params"]["reply_markup"] = checkin_markup(button or "✅", delivery_id)
        payloads[-1]["meta"] = {"checkin": True}
    for item in version.media:
        kind = str(item.get("kind"))
        method, param = MEDIA_METHOD.get(kind, MEDIA_METHOD["document"])
        known = (file_ids or {}).get((str(item.get("sha256")), kind))
        params: dict[str, Any] = {param: known if known else {"path": item["file"]}}
        if item.get("caption"):
            params.update(caption=render_caption(str(item["caption"]), 1, "media")[0], parse_mode="HTML")
        payloads.append({"method": method, "params": params,
                         "meta": {"media": {"sha256": item.get("sha256"), "kind": kind}}})
    for index, question in enumerate(version.quiz):
        payloads.append({"method": "sendPoll", "params": {
            "question": question["question"], "options": list(question["options"]), "type": "quiz",
            "correct_option_ids": [int(question["correct"])], "explanation": question.get("explanation"),
            "is_anonymous": False,
        }, "meta": {"question": index, "correct": int(question["correct"])}})
    if delivery_id is not None:
        for payload in payloads:
            payload["meta"] = {**payload.get("meta", {}), "delivery": delivery_id}
    else:
        for payload in payloads:
            payload.pop("meta", None)
    return payloads


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
