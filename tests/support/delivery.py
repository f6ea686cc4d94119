"""The outbox and dispatcher side of the delivery tests: chat events recorded, lesson parts, groups, statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from lesson_bot.bot.sender import TelegramSender
from lesson_bot.db.models import OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.delivery.dispatcher import Dispatcher
from lesson_bot.domain.messages import part_from_payload
from tgsandbox import Sandbox


@dataclass
class Events:
    gone: list[tuple[int, str]] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)

    async def chat_gone(self, chat_id: int, reason: str) -> None:
        self.gone.append((chat_id, reason))

    async def chat_moved(self, old_chat_id: int, new_chat_id: int) -> None:
        self.moved.append((old_chat_id, new_chat_id))



@dataclass
class Rig:
    """The dispatcher rig of the delivery tests (tests/delivery/conftest.py builds it)."""

    sb: Sandbox
    db: Database
    dispatcher: Dispatcher
    events: Events
    sender: TelegramSender


def lesson_parts(chat_id: int, key: str, due: datetime) -> list[OutboxItem]:
    """A lesson text and three quiz polls for one group, as the planner would enqueue them."""
    text = {"method": "sendMessage", "params": {"text": f"<b>第一课</b> {key}", "parse_mode": "HTML"}}
    parts = [text] + [
        {"method": "sendPoll", "params": {"question": f"问题 {n}", "options": ["甲", "乙", "丙"], "type": "quiz",
                                          "correct_option_ids": [1], "is_anonymous": False}}
        for n in (1, 2, 3)
    ]
    return [OutboxItem.of(f"{key}:{chat_id}:{i}", chat_id, "lesson", part_from_payload(payload), due,
                          f"{key}:{chat_id}", seq=i)
            for i, payload in enumerate(parts)]


async def groups(sb: Sandbox, n: int) -> list[int]:
    owner = (await sb.control.create_user("Owner"))["id"]
    return [int((await sb.control.create_group(f"G{i}", [owner]))["chat_id"]) for i in range(n)]


async def statuses(db: Database) -> dict[str, int]:
    async with db.transaction() as s:
        rows = await s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {str(status): count for status, count in rows.all()}
