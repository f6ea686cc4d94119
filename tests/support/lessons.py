"""A branch's lesson weeks driven through the sandbox: a content folder of its own, the bot, the engine, polls.

Builds on tests/e2e/meeting_support.py (people act through the sandbox's control API; the test moves only the
clock and ticks the engine of `lesson-bot run`). The lesson library is a folder written for the scenario, so the
figures do not hang on what content/ holds today: a three-lesson zh-Hans series whose first lesson has a picture
and whose second is long enough to be split into two messages, and the two-lesson English series "Getting started".
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from pathlib import Path

from tests.support import REPO_ROOT
from tests.support.bot import start_harness
from tests.support.english_lessons import write_english_series
from tests.support.meetings import Message, Month

SERIES = "消防安全三课"
# The scenario's series, in order: (source lesson in content/, its number of quiz questions).
SERIES_LESSONS = (("fire-extinguisher-use", 4), ("fire-call-119", 4), ("fire-initial-fire-escape", 3))
LONG_PARAGRAPH = ("某小区居民发现楼道内电动自行车起火，立即拨打119，讲清了小区名称、楼栋号、起火部位和燃烧物，"
                  "并派人到小区门口接应消防车；消防员到场后迅速扑灭了火灾，没有造成人员伤亡。" * 4)


def scenario_content(folder: Path) -> Path:
    """A content folder (lessons/, media/) holding the scenario's series and the English one."""
    lessons, media = folder / "lessons", folder / "media"
    lessons.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "content" / "media", media)
    for position, (slug, _questions) in enumerate(SERIES_LESSONS, start=1):
        text = (REPO_ROOT / "content" / "lessons" / f"{slug}.md").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^series: .*$", f"series: {SERIES}", text, count=1)
        text = re.sub(r"(?m)^position: .*$", f"position: {position}", text, count=1)
        if position == 2:  # long enough to need two messages: the button goes on the last one
            text += "".join(f"\n\n## 案例{n}\n\n" + LONG_PARAGRAPH for n in range(1, 17))
        (lessons / f"{slug}.md").write_text(text, encoding="utf-8")
    write_english_series(lessons)
    return folder


@asynccontextmanager
async def lesson_month(db_url: str, content_dir: Path, default_locale: str = "zh-Hans") -> AsyncIterator[Month]:
    """The bot against a fresh sandbox with the scenario's library, and the engine beside it, ticked by the test."""
    async with aclosing(start_harness(db_url, default_locale=default_locale, content_dir=content_dir)) as harnesses:
        async for h in harnesses:
            yield Month(h, h.system.engine)


def right(poll: Message) -> int:
    """The correct option of a quiz poll (what a member who knows the answer picks)."""
    return int(poll["poll"]["correct_option_ids"][0])


def wrong(poll: Message) -> int:
    """An option that is not the correct one: the next after it."""
    return (right(poll) + 1) % len(poll["poll"]["options"])


async def vote(m: Month, name: str, poll: Message, option: int) -> None:
    """`name` answers a quiz poll where it was sent, and the bot has handled the answer."""
    await m.h.control.vote(poll["chat_id"], poll["message_id"], m.id(name), [option])
    await m.h.barrier()


async def current(m: Month, message: Message) -> Message:
    """A message as its chat shows it now (after edits)."""
    transcript = (await m.h.control.transcript(message["chat_id"]))["messages"]
    [now] = [x for x in transcript if x["message_id"] == message["message_id"]]
    return {**now, "chat_id": message["chat_id"]}


async def press(m: Month, name: str, message: Message, label: str) -> Message:
    """`name` taps a button of a message the bot edits in place (a wizard step); the message after the edit."""
    answer = await m.tap(name, message, label)
    await m.h.barrier()
    assert not answer.get("show_alert"), answer
    return await current(m, message)
