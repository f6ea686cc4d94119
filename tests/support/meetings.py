"""A branch's month of meetings driven through the sandbox: people, the clock, the engine, and what each person saw.

Everything a person does goes through the sandbox's control API (a message, a tap, a photo, a document); the
only thing the test moves behind the product's back is the clock. The engine is the one `lesson-bot run` builds
(bot/engine.py): one tick of it, then its dispatcher settled, is what the service does at that moment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from lesson_bot.delivery.engine import Engine
from lesson_bot.services.clock import FixedClock
from tests.support.bot import Harness, start_harness
from tests.support.sandbox import PNG

SHANGHAI = ZoneInfo("Asia/Shanghai")
Message = dict[str, Any]


@dataclass(frozen=True)
class Person:
    name: str
    username: str
    group: str = ""  # 党小组
    committee: bool = False
    probationary: bool = False
    secretary: bool = False


def roster_csv(people: list[Person], *, english: bool = False) -> bytes:
    """The spreadsheet a secretary exports from the organisation's records (GB18030, as Excel saves it)."""
    words = ("name,telegram,role,status,party_group,committee", "secretary", "member", "probationary", "full",
             "yes", "no")
    if not english:
        words = ("姓名,Telegram,角色,状态,党小组,支委", "书记", "党员", "预备", "正式", "是", "否")
    lines = [words[0]]
    for p in people:
        role, status = words[1] if p.secretary else words[2], words[3] if p.probationary else words[4]
        lines.append(f"{p.name},@{p.username},{role},{status},{p.group},{words[5] if p.committee else words[6]}")
    return ("\n".join(lines) + "\n").encode("gb18030")


def button(message: Message, label: str) -> str:
    """The callback data of the button whose label contains `label`."""
    found = [b["callback_data"] for row in message.get("buttons") or [] for b in row if label in b["text"]]
    assert found, f"no button {label!r} in {message.get('buttons')}"
    return str(found[0])


def labels(message: Message) -> list[str]:
    return [b["text"] for row in message.get("buttons") or [] for b in row]


class Month:
    """The harness plus the engine and a wall clock in the branch's zone."""

    def __init__(self, h: Harness, engine: Engine) -> None:
        self.h = h
        self.engine = engine
        self.ids: dict[str, int] = {}
        self.group = 0

    def id(self, name: str) -> int:
        return self.group if name == "group" else self.ids[name]

    def at(self, local: str) -> datetime:
        """Move the service clock to a wall time in Shanghai ("2026-12-03 19:30")."""
        moment = datetime.strptime(local, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
        clock = self.h.services.clock
        assert isinstance(clock, FixedClock)
        assert moment >= clock.now(), "time only moves forward"
        clock.set(moment)
        return moment

    async def tick(self) -> None:
        """One engine tick at the current time (the planner and every periodic job), then every due message sent."""
        await self.engine.run_once()

    async def marks(self, *names: str) -> dict[str, int]:
        return {n: await self.h.last_message_id(self.id(n)) for n in names}

    async def since(self, marks: dict[str, int]) -> dict[str, list[Message]]:
        """What the bot said to each of them after the marks."""
        out = {}
        for name, mark in marks.items():
            transcript = (await self.h.control.transcript(self.id(name)))["messages"]
            out[name] = _in(self.id(name), [m for m in transcript if m["from"]["is_bot"] and m["message_id"] > mark])
        return out

    async def ticked(self, *names: str) -> dict[str, list[Message]]:
        """One engine tick; what each of `names` received from it."""
        marks = await self.marks(*names)
        await self.tick()
        return await self.since(marks)

    async def say(self, name: str, text: str, *, chat: str | None = None, replies: int = 1) -> list[Message]:
        """`name` writes in their private chat (or `chat`); the bot's replies."""
        where = self.id(chat or name)
        return _in(where, await self.h.say(where, self.id(name), text, replies=replies))

    async def tap(self, name: str, message: Message, label: str) -> Message:
        """`name` taps a button of a message in its chat; the bot's answer to the tap (the toast or alert), once the
        bot has finished handling it (it may write more after answering)."""
        answer = await self.h.tap(message["chat_id"], message["message_id"], self.id(name), button(message, label))
        await self.h.barrier()
        return answer

    async def tap_next(self, name: str, message: Message, label: str, count: int = 1) -> list[Message]:
        """`name` taps a button; the bot's next `count` messages in that chat."""
        chat = message["chat_id"]
        before = await self.h.last_message_id(chat)
        await self.h.tap(chat, message["message_id"], self.id(name), button(message, label))
        return _in(chat, await self.h.bot_messages(chat, before, count))

    async def private_after(self, name: str, before: int, count: int = 1) -> list[Message]:
        return _in(self.id(name), await self.h.bot_messages(self.id(name), before, count))


def _in(chat_id: int, messages: list[Message]) -> list[Message]:
    """Transcript entries do not name their chat; the tap helpers need it."""
    return [{**m, "chat_id": chat_id} for m in messages]


async def call_meeting(m: Month, secretary: str, chat: str, kind: str, topic: str, start: str, place: str, host: str,
                       recorder: str, duration: str, *, group: str | None = None, code: bool = False,
                       lesson: str | None = None) -> Message:
    """The secretary's /meeting wizard in Chinese in `chat` (private or the group); the summary before confirming."""
    [ask_type] = await m.say(secretary, "/meeting", chat=chat)
    assert ask_type["text"] == "为“第一党支部”召集会议。请选择会议类型：", ask_type["text"]
    [step] = await m.tap_next(secretary, ask_type, kind)
    if group is not None:
        assert step["text"].startswith("哪个党小组开会？"), step["text"]
        [step] = await m.tap_next(secretary, step, group)
    assert step["text"] == f"{kind}：请输入会议议题。", step["text"]
    [step] = await m.say(secretary, topic, chat=chat)
    if lesson is not None:  # the lesson's title: pages are turned until its button shows (the library grows)
        assert step["text"].startswith("这次党课讲哪一课？"), step["text"]
        for _ in range(50):
            if any(lesson in b["text"] for row in step["buttons"] for b in row):
                break
            [step] = await m.tap_next(secretary, step, "下一页")
        [step] = await m.tap_next(secretary, step, lesson)
    assert step["text"].startswith("会议何时开始？"), step["text"]
    [ask_place] = await m.say(secretary, start, chat=chat)
    assert ask_place["text"].startswith("会议地点？"), ask_place["text"]
    [ask_host] = await m.say(secretary, place, chat=chat)
    [ask_recorder] = await m.tap_next(secretary, ask_host, host)
    [ask_duration] = await m.tap_next(secretary, ask_recorder, recorder)
    [summary] = await m.tap_next(secretary, ask_duration, duration)
    if code:
        [summary] = await m.tap_next(secretary, summary, "开启签到码")
    return summary


async def record_meeting(m: Month, who: str, item: str, minutes: list[str], decisions: list[str], *,
                         photo: str | None = None) -> Message:
    """`who` records a meeting in private through /record (in Chinese); the record as reviewed before submitting,
    with what the bot said on submitting under "saved"."""
    [menu] = await m.say(who, "/record")
    assert menu["text"].splitlines()[0] == "要记录哪一次会议？", menu["text"]
    [prompt] = await m.tap_next(who, menu, item)
    assert "请发送会议纪要" in prompt["text"], prompt["text"]
    for number, line in enumerate(minutes, start=1):
        [noted] = await m.say(who, line)
        assert noted["text"].startswith(f"✓ 已记下（共 {number} 条）"), noted["text"]
    if photo is not None:
        sent = await m.h.control.send_photo(m.id(who), m.id(who), PNG, caption=photo)
        [kept] = await m.h.bot_messages(m.id(who), sent["message_id"])
        assert kept["text"] == "📎 已保存附件（本记录共 1 个）。"
    [ask_decisions] = await m.tap_next(who, noted, "完成")
    assert "决议" in ask_decisions["text"], ask_decisions["text"]
    last = ask_decisions
    for line in decisions:
        [last] = await m.say(who, line)
    record, question = await m.tap_next(who, last, "完成", count=2)
    [saved] = await m.tap_next(who, question, "提交")
    return {**record, "saved": saved["text"]}


async def call_meeting_en(m: Month, secretary: str, kind: str, topic: str, start: str, place: str, host: str,
                          recorder: str, duration: str, lesson: str | None = None) -> Message:
    """The secretary's /meeting wizard in private, in English; the summary before confirming."""
    [ask_type] = await m.say(secretary, "/meeting")
    assert ask_type["text"] == "Call a meeting for 第一党支部. Which type?", ask_type["text"]
    [ask_topic] = await m.tap_next(secretary, ask_type, kind)
    assert ask_topic["text"] == f"{kind}: type the topic."
    [step] = await m.say(secretary, topic)
    if lesson is not None:
        assert step["text"].startswith("Which lesson does this party lecture teach?")
        [step] = await m.tap_next(secretary, step, lesson)
    assert step["text"].startswith("When does it start?"), step["text"]
    await m.say(secretary, start)
    [ask_host] = await m.say(secretary, place)
    [ask_recorder] = await m.tap_next(secretary, ask_host, host)
    [ask_duration] = await m.tap_next(secretary, ask_recorder, recorder)
    [summary] = await m.tap_next(secretary, ask_duration, duration)
    return summary


@asynccontextmanager
async def month(db_url: str, default_locale: str = "zh-Hans") -> AsyncIterator[Month]:
    """The bot against a fresh sandbox, and the engine of `lesson-bot run` beside it, ticked by the test at the
    moments it chooses."""
    async with aclosing(start_harness(db_url, default_locale=default_locale)) as harnesses:
        async for h in harnesses:
            yield Month(h, h.system.engine)
