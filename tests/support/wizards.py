"""Going through the bot's wizards as a person does: reading buttons, pressing them, calling a weekly meeting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lesson_bot.db.models import Schedule
from lesson_bot.domain.enums import ScheduleKind
from tests.support.bot import Harness


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message.get("buttons") or [] for b in row]


async def as_shown(h: Harness, chat_id: int, message_id: int) -> dict[str, Any]:
    """A message as the chat shows it now (after edits)."""
    transcript = (await h.control.transcript(chat_id))["messages"]
    return next(m for m in transcript if m["message_id"] == message_id)


async def press(h: Harness, chat_id: int, shown: dict[str, Any], user: int, label: str) -> dict[str, Any]:
    """Tap the button whose text contains `label`; the same message once the bot has handled the tap."""
    data = next(b["callback_data"] for row in shown["buttons"] for b in row if label in b["text"])
    answer = await h.tap(chat_id, shown["message_id"], user, data)
    await h.barrier()
    assert not answer.get("show_alert"), answer
    return await as_shown(h, chat_id, shown["message_id"])


def button(message: dict[str, Any], label: str) -> str:
    """The callback data of the button whose label contains `label`."""
    return str(next(b["callback_data"] for row in message["buttons"] for b in row if label in b["text"]))


async def tap_next(h: Harness, chat: int, message: dict[str, Any], user: int, label: str) -> dict[str, Any]:
    """Tap a button; the bot's next message in that chat."""
    before = await h.last_message_id(chat)
    await h.tap(chat, message["message_id"], user, button(message, label))
    [reply] = await h.bot_messages(chat, before)
    return reply


TOPIC = "学习党的二十大精神"


async def series_ids(h: Harness) -> list[int]:
    async with h.services.db.transaction() as s:
        return list((await s.execute(select(Schedule.id).where(Schedule.kind == ScheduleKind.MEETING)
                                     .order_by(Schedule.id))).scalars())


async def weekly_congress_by_wizard(h: Harness, li: int) -> int:
    """Li calls a 支部党员大会 for Thu 2026-12-03 19:30, repeating weekly, by /meeting in private; the series' id."""
    await h.start(li)
    [ask_type] = await h.say(li, li, "/meeting")
    await tap_next(h, li, ask_type, li, "支部党员大会")
    await h.say(li, li, TOPIC)
    await h.say(li, li, "2026-12-03 19:30")
    [ask_host] = await h.say(li, li, "党员活动室")
    ask_recorder = await tap_next(h, li, ask_host, li, "跳过")
    ask_duration = await tap_next(h, li, ask_recorder, li, "跳过")
    summary = await tap_next(h, li, ask_duration, li, "✓")  # the type's default duration
    summary = await tap_next(h, li, summary, li, "重复：更改")
    assert "重复：每周同一天同一时间" in summary["text"]
    called = await tap_next(h, li, summary, li, "确认")
    assert called["text"].startswith("✅ 会议已召集")
    [series_id] = await series_ids(h)
    return series_id
