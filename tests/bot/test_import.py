"""/import in private: a secretary's article becomes a draft (a file and a preview), kept as the branch's own lesson,
its quiz written in the chat, then scheduled and delivered to the branch's group; nobody else sees or imports it.

Pages are served by a local web server; the harness clock stands at Tue 2026-12-01 10:00 in Asia/Shanghai.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lesson_bot.db.models import BranchLesson, Lesson
from tests.support import REPO_ROOT
from tests.support.bot import Harness, at, registered_branch, start_harness
from tests.support.pages import PageServer, Route, fixture, html, paragraphs
from tests.support.wizards import as_shown, buttons, press

TITLE = "机关党支部开展主题党日活动"  # the saved page's title (tests/content/fixtures/import/gbk-meta.html)
QUESTION = "本次主题党日活动安排了哪项内容？"


@pytest.fixture
async def harness(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot allowed to fetch pages on private addresses: the local page server stands in for public websites."""
    async for h in start_harness(_copy(sqlite_template, tmp_path), import_private_hosts=True):
        yield h


def _copy(template: Path, folder: Path) -> str:
    target = folder / "bot.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def pages() -> Iterator[PageServer]:
    routes = {
        "/article.html": html(fixture("gbk-meta.html"), "text/html"),
        "/gone.html": Route(404, (("Content-Type", "text/html"),), b"not found"),
    }
    with PageServer(routes) as server:
        yield server


async def _file_text(h: Harness, message: dict[str, Any]) -> str:
    """The document the bot sent, downloaded through the Bot API as any client would."""
    assert message["media"]["kind"] == "document"
    data = await (await h.app.bot.get_file(message["media"]["file_id"])).download_as_bytearray()
    return bytes(data).decode("utf-8")


async def _imported(h: Harness, li: int, url: str) -> list[dict[str, Any]]:
    """Li sends /import with the link: the draft file, the lesson's one message, and the question to keep it."""
    return await h.say(li, li, f"/import {url}", replies=3)


async def _tap(h: Harness, chat: int, message: dict[str, Any], user: int, label: str, replies: int) -> list[
        dict[str, Any]]:
    """Tap a button; the bot's next `replies` messages in that chat."""
    before = await h.last_message_id(chat)
    data = next(b["callback_data"] for row in message["buttons"] for b in row if label in b["text"])
    await h.tap(chat, message["message_id"], user, data)
    return await h.bot_messages(chat, before, replies)


async def test_a_secretary_imports_a_page_writes_its_quiz_and_the_group_gets_the_lesson(
        harness: Harness, pages: PageServer) -> None:
    """Link -> draft file and preview -> use it -> the wizard refuses it until the quiz is written in the chat (a
    bad answer is explained and asked again) -> scheduled -> delivered to the group with the secretary's quiz."""
    h = harness
    li, zhao = await h.user("Li"), await h.user("Zhao")
    chat_id = await registered_branch(h, li, zhao)
    await h.start(li)
    draft, preview, ask = await _imported(h, li, pages.url("/article.html"))
    assert draft["text"].startswith(f"草稿：“{TITLE}”，约 1 分钟。")
    text = await _file_text(h, draft)
    assert f"title: {TITLE}\n" in text and "【待填写】" in text
    first = paragraphs(fixture("gbk-meta.html"), "gbk")[0]
    assert preview["text"].startswith(TITLE) and first in preview["text"]
    assert ask["text"].startswith(f"将“{TITLE}”保存为第一党支部的课程吗？") and buttons(ask) == ["✅ 使用", "取消"]

    kept, question = await _tap(h, li, ask, li, "使用", 2)
    assert kept["text"] == f"“{TITLE}”现在是第一党支部的课程。写好测验后即可排课。"
    assert question["text"].startswith("第 1 题：请发送题目")

    [step] = await h.say(chat_id, li, "/schedule")  # before the quiz: listed, marked, refused with the way out
    step = await press(h, chat_id, step, li, "导入草稿")
    assert f"✏️ 1. {TITLE}" in buttons(step) and "✏️ 导入的课程，测验尚未编写（/quiz）" in step["text"]
    refused = await press(h, chat_id, step, li, TITLE)
    assert refused["text"].startswith(
        f"⚠️ 课程：“{TITLE}”是本支部导入的课程，测验还没有编写，因此不能排课。"
        "请在私聊中发送 /quiz 编写测验，然后再排课。")
    await h.say(chat_id, li, "/cancel")

    [options] = await h.say(li, li, QUESTION)
    assert options["text"].startswith("第 1 题：请在一条消息里发送选项")
    [again] = await h.say(li, li, "重温入党誓词")
    assert again["text"].startswith(
        "⚠️ 这是 1 个选项；测验需要 2 至 12 个，每行一个。\n\n第 1 题：请在一条消息里发送选项")
    [correct] = await h.say(li, li, "A. 重温入党誓词\nB. 参观科技馆\nC. 观看体育比赛")
    assert buttons(correct) == ["1. 重温入党誓词", "2. 参观科技馆", "3. 观看体育比赛"]
    [explain] = await _tap(h, li, correct, li, "1. 重温入党誓词", 1)
    assert explain["text"].startswith("请发送党员答题后看到的解析")
    [more] = await h.say(li, li, "活动以重温誓词开始，强化党员意识。")
    assert more["text"] == "第 1 题已写好。继续添加（最多 5 题），还是完成测验？"
    [done] = await _tap(h, li, more, li, "完成测验", 1)
    assert done["text"] == f"“{TITLE}”的测验已写好（共 1 题）。发送 /schedule 为第一党支部安排这节课。"

    [step] = await h.say(li, li, "/schedule")
    step = await press(h, li, step, li, "导入草稿")
    assert f"1. {TITLE}" in buttons(step)
    step = await press(h, li, step, li, TITLE)
    step = await press(h, li, step, li, "明天 20:00")
    done_step = await press(h, li, step, li, "确认")
    assert done_step["text"].startswith("✅ 已排课（#") and TITLE in done_step["text"]

    at(h, h.services.clock.now().replace(day=2, hour=12))  # 20:00 in Shanghai
    await h.system.engine.run_once()
    group = (await h.control.transcript(chat_id))["messages"]
    lesson = next(m for m in group if (m.get("text") or "").startswith(TITLE))
    assert first in lesson["text"] and lesson["buttons"][0][0]["text"] == "✅ 已学习"
    [poll] = [m["poll"] for m in group if "poll" in m]
    assert poll["question"] == QUESTION and [o["text"] for o in poll["options"]] == [
        "重温入党誓词", "参观科技馆", "观看体育比赛"]
    assert poll["correct_option_ids"] == [0] and h.unhandled() == []


async def test_another_branch_sees_nothing_and_the_library_sync_leaves_it(harness: Harness, pages: PageServer) -> None:
    """Another branch's secretary finds no trace of the lesson in /schedule or /quiz; a member is refused /import;
    syncing the library keeps the branch lesson active and leaves the library read-only."""
    h = harness
    li, wang, zhao = await h.user("Li"), await h.user("Wang"), await h.user("Zhao")
    await registered_branch(h, li, zhao)
    other = await h.control.create_group("二支部群", [wang], bot_admin=True)
    other_chat = int(other["chat_id"])
    await h.bot_messages(other_chat, 0)
    [ask_zone] = await h.say(other_chat, wang, "/register 第二党支部")
    await press(h, other_chat, ask_zone, wang, "Asia/Shanghai")
    for person in (li, wang, zhao):
        await h.start(person)
    *_, ask = await _imported(h, li, pages.url("/article.html"))
    await _tap(h, li, ask, li, "使用", 2)
    await h.say(li, li, "/cancel")  # the quiz is left for later: /quiz offers it to Li only

    [step] = await h.say(other_chat, wang, "/schedule")
    assert "导入草稿" not in step["text"] and all("导入草稿" not in b for b in buttons(step))
    [nothing] = await h.say(wang, wang, "/quiz")
    assert nothing["text"] == "您的支部没有待编写测验的导入课程。发送 /import 可以导入文章。"
    [pick] = await h.say(li, li, "/quiz")
    assert pick["text"] == "要编写哪节课的测验？" and buttons(pick) == [f"{TITLE} · 第一党支部"]
    [first_question] = await _tap(h, li, pick, li, TITLE, 1)
    assert first_question["text"].startswith(f"“{TITLE}”的测验\n\n第 1 题：请发送题目")
    [cancelled] = await h.say(li, li, "/cancel")
    assert cancelled["text"] == "已取消，未保存任何内容。"
    [refused] = await h.say(zhao, zhao, f"/import {pages.url('/article.html')}")
    assert refused["text"] == "抱歉，只有支部书记和管理员可以执行此操作。"

    status = await h.services.library.sync(REPO_ROOT / "content" / "lessons")
    assert status.report.deactivated == [] and status.report.added == []
    async with h.services.db.transaction() as s:
        rows = (await s.execute(select(Lesson.title, Lesson.active, BranchLesson.quiz_ready)
                                .join(BranchLesson, BranchLesson.lesson_id == Lesson.id))).all()
    assert rows == [(TITLE, True, False)] and h.unhandled() == []


async def test_a_bad_link_gets_one_line_and_a_file_or_text_still_imports(harness: Harness, pages: PageServer) -> None:
    """A page that is gone: one line saying so and what to do; the dialog still waits, and a .txt file sent next
    (downloaded with getFile) becomes the draft; a PDF is refused by its type; /cancel leaves nothing kept."""
    h = harness
    li = await h.user("Li")
    await registered_branch(h, li)
    await h.start(li)
    [failed] = await h.say(li, li, f"/import {pages.url('/gone.html')}")
    assert failed["text"] == "⚠️ 导入失败：网站返回了 404，而不是文章。请在浏览器中检查链接后重新发送，或发送文章正文。"
    sent = await h.control.send_document(li, li, "notes.pdf", b"%PDF-1.4")
    [wrong] = await h.bot_messages(li, sent["message_id"])
    assert wrong["text"] == (
        "⚠️ 导入失败：notes.pdf 不是 .html 或 .txt 文件。请以这两种文件之一发送文章，或直接发送正文。")
    article = "学习贯彻党的二十大精神\n\n" + "支部全体党员认真学习了党的二十大报告，结合工作实际开展讨论。" * 3
    sent = await h.control.send_document(li, li, "notes.txt", article.encode())
    draft, preview, ask = await h.bot_messages(li, sent["message_id"], 3)
    assert "支部全体党员认真学习了党的二十大报告" in await _file_text(h, draft)
    assert "支部全体党员认真学习了党的二十大报告" in preview["text"] and buttons(ask) == ["✅ 使用", "取消"]
    [cancelled] = await h.say(li, li, "/cancel")
    assert cancelled["text"] == "已取消，未保存任何内容。"
    answer = await h.tap(li, ask["message_id"], li, ask["buttons"][0][0]["callback_data"])
    assert answer["show_alert"]  # the dialog is over: its buttons are expired
    await h.barrier()
    assert (await as_shown(h, li, ask["message_id"]))["text"] == ask["text"]
    async with h.services.db.transaction() as s:
        assert (await s.execute(select(BranchLesson))).all() == []
    assert h.unhandled() == []


async def test_a_secretary_of_two_branches_picks_one_and_pastes_the_text(harness: Harness) -> None:
    """In a group /import points to the private chat; there a secretary of two branches taps the branch, pastes an
    article, pastes a second one, and the first draft's button is refused as an earlier step's; the kept lesson is
    the second branch's."""
    h = harness
    li = await h.user("Li")
    first_chat = await registered_branch(h, li)
    second = await h.control.create_group("二支部群", [li], bot_admin=True)
    second_chat = int(second["chat_id"])
    await h.bot_messages(second_chat, 0)
    [ask_zone] = await h.say(second_chat, li, "/register 第二党支部")
    await press(h, second_chat, ask_zone, li, "Asia/Shanghai")
    [pointer] = await h.say(first_chat, li, "/import")
    assert pointer["text"] == "请在与我的私聊中导入文章：在私聊里发送 /import。"
    await h.start(li)
    [ask] = await h.say(li, li, "/import")
    assert ask["text"] == "这节课属于哪个支部？" and buttons(ask) == ["第一党支部", "第二党支部"]
    [source] = await _tap(h, li, ask, li, "第二党支部", 1)
    assert source["text"].startswith("导入文章，作为第二党支部的课程")
    body = "。".join(["支部组织党员到社区开展志愿服务，帮助居民解决实际困难"] * 4) + "。"
    *_, earlier = await h.say(li, li, f"社区志愿服务活动\n\n{body}", replies=3)
    *_, latest = await h.say(li, li, f"党员志愿服务进社区\n\n{body}", replies=3)
    stale = await h.tap(li, earlier["message_id"], li, earlier["buttons"][0][0]["callback_data"])
    assert stale["text"] == "这些按钮属于之前的步骤，请使用最新的消息。" and stale["show_alert"]
    kept, _question = await _tap(h, li, latest, li, "使用", 2)
    assert kept["text"] == "“党员志愿服务进社区”现在是第二党支部的课程。写好测验后即可排课。"
    async with h.services.db.transaction() as s:
        branches = (await s.execute(select(BranchLesson.branch_id))).scalars().all()
        second_branch = await h.services.branches.by_chat(second_chat)
    assert second_branch is not None and branches == [second_branch.id] and h.unhandled() == []


async def test_an_english_speaking_secretary_is_answered_in_english(harness: Harness, pages: PageServer) -> None:
    """The failure line and the draft's question come in the secretary's language."""
    h = harness
    li = await h.user("Li", language_code="en")
    await registered_branch(h, li)
    await h.start(li)
    [failed] = await h.say(li, li, f"/import {pages.url('/gone.html')}")
    assert failed["text"] == ("⚠️ Import failed: the website answered 404 instead of the article. Check the link in a "
                              "browser and send it again, or send the article's text.")
    _draft_file, _preview, ask = await h.say(li, li, pages.url("/article.html"), replies=3)
    assert ask["text"].startswith(f"Keep “{TITLE}” as a lesson of 第一党支部? Only this branch sees it.")
    assert buttons(ask) == ["✅ Use it", "Cancel"]


async def test_a_link_into_the_servers_own_network_is_refused(
        sqlite_template: Path, tmp_path: Path, pages: PageServer) -> None:
    """As deployed (LESSON_BOT_IMPORT_PRIVATE_HOSTS unset), a link to a loopback or private address is refused
    before any request is made: a secretary cannot make the server fetch its own network's services."""
    async for h in start_harness(_copy(sqlite_template, tmp_path)):
        li = await h.user("Li")
        await registered_branch(h, li)
        await h.start(li)
        refused = ("⚠️ 导入失败：该链接指向内部网络的地址，机器人不会打开。请发送公开网页的链接，或文章正文。")
        for url in (pages.url("/article.html"), pages.url("/article.html").replace("127.0.0.1", "localhost"),
                    "http://10.1.2.3/article.html", "http://[::ffff:127.0.0.1]:1/article.html"):
            [failed] = await h.say(li, li, f"/import {url}")
            assert failed["text"] == refused, url
        assert pages.requested == []
        async with h.services.db.transaction() as s:
            assert (await s.execute(select(BranchLesson))).all() == []
        assert h.unhandled() == []
