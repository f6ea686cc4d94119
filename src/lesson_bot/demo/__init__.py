"""`lesson-bot demo`: the real bot and delivery engine against the built-in sandbox on SQLite, with a narrated
walk-through.

Nothing here is faked: the scene drives sandbox users through its control API, everything the bot says is what
python-telegram-bot sent to the sandbox, and the lesson is delivered by the engine `lesson-bot run` starts, on the
real clock. The scene itself lives in demo/scene.py (the stage) and demo/lesson.py (the lesson cycle).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

import uvicorn
from rich.console import Console

from lesson_bot.bootstrap.app import Overrides, build_app
from lesson_bot.bot.app import BotApplication
from lesson_bot.config import load_settings
from lesson_bot.demo.dashboard import local_web, open_dashboard
from lesson_bot.demo.lesson import Branch, lesson_cycle
from lesson_bot.demo.meeting import meeting
from lesson_bot.demo.scene import Scene
from lesson_bot.services.clock import Clock
from tgsandbox import ControlClient, run_sandbox
from tgsandbox.limits import FloodConfig

ROSTER_CSV = (
    "姓名,Telegram,角色,状态,党小组\n"
    "张伟,@zhangwei,党员,正式,第一党小组\n"
    "王芳,@wangfang,党员,预备,第一党小组\n"
    "赵强,,党员,正式,\n"
)
ZONE = "Asia/Shanghai"


async def onboarding(scene: Scene, admin: int) -> Branch:
    """Steps 1-6: a group becomes a branch, its roster fills, and the secretary and the admin look at it."""
    secretary = await scene.person("李明", "liming")
    zhang = await scene.person("张伟", "zhangwei")
    wang = await scene.person("王芳", "wangfang")
    chen = await scene.person("陈静", "chenjing")
    scene.step("1. The secretary adds the bot to the branch's group (as an administrator)")
    group = await scene.control.create_group("消防救援站党支部群", [secretary, zhang, wang, chen], bot_admin=True)
    chat, here = int(group["chat_id"]), "[群]"
    await scene.replies(chat, here, 0)
    scene.step("2. /register: the group becomes a party branch")
    [ask_zone] = await scene.say(chat, here, secretary, "/register 消防救援站第一党支部")
    _, _, [registered] = await scene.tap(chat, here, secretary, ask_zone, ZONE)
    scene.step("3. Members join the roster")
    await scene.say(chat, here, zhang, "/join")
    await scene.control.send(chat, wang, "收到，今晚学习。")
    scene.line(here, "王芳", "收到，今晚学习。", "(recorded silently)")
    invite = re.search(r"\?start=([\w-]+)", registered["text"] or "")
    assert invite is not None, registered["text"]
    scene.note("陈静 opens the invitation link from the bot's message: a private chat with the bot.")
    await scene.control.start(chen, invite.group(1))
    await scene.replies(chen, "[私聊 陈静]", 0)
    scene.step("4. The secretary imports the roster from a spreadsheet, in private")
    await scene.control.start(secretary)
    await scene.replies(secretary, "[私聊 李明]", 0)
    scene.line("[私聊 李明]", "李明", "(sends 名册.csv)")
    sent = await scene.control.send_document(secretary, secretary, "名册.csv", ROSTER_CSV.encode("gb18030"),
                                             mime_type="text/csv")
    await scene.replies(secretary, "[私聊 李明]", sent["message_id"])
    scene.step("5. The secretary checks the roster")
    await scene.say(chat, here, secretary, "/roster")
    scene.step("6. The admin sees every branch")
    await scene.control.start(admin)
    await scene.replies(admin, "[私聊 管理员]", 0)
    await scene.say(admin, "[私聊 管理员]", admin, "/branches")
    return Branch(chat, ZONE, secretary, {"张伟": zhang, "王芳": wang, "陈静": chen})


async def play(scene: Scene, admin: int, lessons_dir: Path, clock: Clock) -> None:
    """The whole walk-through: onboarding, one lesson from /schedule to 补学, a meeting from /meeting to 请假."""
    branch = await onboarding(scene, admin)
    await lesson_cycle(scene, branch, lessons_dir, clock)
    await meeting(scene, branch)


def _content_dir() -> Path:
    """content/ of the working directory (as `lesson-bot run` uses), else the one beside the source tree."""
    here = Path("content")
    return here if (here / "lessons").is_dir() else Path(__file__).resolve().parents[2] / "content"


async def run_demo(console: Console, *, once: bool, port: int, db_path: Path | None,
                   dashboard_port: int | None = None) -> None:
    """Start the sandbox, the bot and the delivery engine, play the scene, then keep serving until interrupted
    (unless `once`). With `dashboard_port` (0: any free port) the web dashboard is served there too, and the scene
    ends with the admin's sign-in link to it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or Path(tmp) / "demo.db"
        web = local_web(dashboard_port) if dashboard_port is not None else None
        async with run_sandbox(port=port, flood=FloodConfig(enabled=True)) as sb:
            admin_user = await sb.control.create_user("管理员", username="admin", language_code="zh-hans")
            settings = load_settings(
                database_url=f"sqlite+aiosqlite:///{path}",
                bot_api_base_url=sb.base_url.removesuffix("/bot"),
                admin_ids=str(admin_user["id"]),
                bot_token=sb.token,
                content_dir=_content_dir(),
                public_url=web.url if web else None,
                session_secret=web.session_secret if web else None,
            )
            # SQLite is the one-process store, so this engine is always the leader (delivery/leader.py).
            app = build_app(settings, Overrides(polling=True, poll_timeout=timedelta(seconds=5), signals=False))
            assert app.bot is not None
            async with app, contextlib.AsyncExitStack() as serving:
                if web is not None:
                    server = app.web_server()
                    task = asyncio.create_task(server.serve(sockets=[web.socket]))
                    serving.push_async_callback(partial(_stop, server, task))
                console.print(f"sandbox Bot API: {sb.base_url}   control API: {sb.control_url}   "
                              f"database: {path}" + (f"   dashboard: {web.url}" if web else ""), highlight=False)
                scene = Scene(sb.control, console, partial(_settle, sb.control, app.bot))
                scene.names[int(admin_user["id"])] = "管理员"
                await play(scene, int(admin_user["id"]), settings.lessons_dir, app.services.clock)
                if web is not None:
                    link = await open_dashboard(scene, int(admin_user["id"]))
                    console.print(f"Open the dashboard as the admin (the organization view of the branch above): "
                                  f"{link}\nThe link works once, for 10 minutes; for a new one, send /dashboard as "
                                  "管理员 through the control API.", highlight=False)
                if not once:
                    console.rule("[bold]The bot, the engine and the sandbox keep running")
                    console.print(f"Act as the people above through the control API at {sb.control_url} "
                                  "(see docs/sandbox.md). Press Ctrl-C to stop.", highlight=False)
                    await asyncio.Event().wait()


async def _stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    await task


async def _settle(control: ControlClient, bot: BotApplication) -> None:
    """The scene's barrier: every update the sandbox holds was fetched, and the bot has handled each."""
    await control.wait_updates_taken()
    await bot.update_queue.join()
