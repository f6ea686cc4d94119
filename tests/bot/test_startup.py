"""At start the bot loads the lesson library: broken lessons are skipped, logged, and reported to the admins."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from lesson_bot.db.models import Lesson
from tests.support import REPO_ROOT
from tests.support.bot import ADMIN_ID, start_harness


async def test_a_broken_lesson_is_skipped_and_the_admins_are_told(sqlite_template: Path, tmp_path: Path) -> None:
    """One good and one broken lesson: the good one is stored, the admins get the broken one's file:line reason."""
    content = tmp_path / "content"
    (content / "lessons").mkdir(parents=True)
    (content / "media").mkdir()
    shutil.copy(REPO_ROOT / "content/lessons/red/red-zunyi-conference.md", content / "lessons")
    good = (REPO_ROOT / "content/lessons/org-life/org-life-sanhui-yike.md").read_text(encoding="utf-8")
    (content / "lessons/org-life-sanhui-yike.md").write_text(good.replace("correct: 2\n", "correct: 9\n", 1),
                                                             encoding="utf-8")
    db = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, db)
    async for h in start_harness(f"sqlite+aiosqlite:///{db}", content_dir=content, admin_chat=True):
        messages = (await h.control.transcript(ADMIN_ID))["messages"]
        report = next(m["text"] for m in messages if m["from"]["is_bot"] and "课程文件" in (m["text"] or ""))
        assert report.startswith("⚠️ 以下 1 个课程文件有问题，已跳过：")
        assert "org-life-sanhui-yike.md:" in report and "correct" in report
        assert "lesson-bot content check" in report
        async with h.services.db.transaction() as s:
            slugs = (await s.execute(select(Lesson.slug))).scalars().all()
        assert slugs == ["red-zunyi-conference"]


async def test_command_menus_are_published_per_scope_and_language(sqlite_template: Path, tmp_path: Path) -> None:
    """Private chats, groups and group admins each get their own menu, in Chinese by default and in English."""
    from telegram import BotCommandScopeAllChatAdministrators, BotCommandScopeAllGroupChats

    db = tmp_path / "bot.db"
    shutil.copyfile(sqlite_template, db)
    async for h in start_harness(f"sqlite+aiosqlite:///{db}"):
        bot = h.app.bot
        group_default = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())
        group_en = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats(), language_code="en")
        admins = await bot.get_my_commands(scope=BotCommandScopeAllChatAdministrators(), language_code="zh")
        private = await bot.get_my_commands()
        assert next((c.command, c.description) for c in group_default) == ("join", "加入本支部名册")
        assert next((c.command, c.description) for c in group_en) == ("join", "put yourself on this branch's roster")
        assert "register" in [c.command for c in admins] and "register" not in [c.command for c in group_default]
        assert private == ()  # the default scope is left empty: every chat type has its own menu
