"""`lesson-bot demo`: the real bot and delivery engine against the built-in sandbox on SQLite, with a narrated
walk-through.

Nothing here is faked: the scene drives sandbox users through its control API, everything the bot says is what
python-telegram-bot sent to the sandbox, and the lesson is delivered by the engine `lesson-bot run` starts, on the
real clock. The scene itself lives in demo/scene.py (the stage) and demo/lesson.py (the lesson cycle).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import re
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

import uvicorn
from rich.console import Console
from rich.markup import escape

from lesson_bot.bootstrap.app import Overrides, build_app
from lesson_bot.bot.app import BotApplication
from lesson_bot.config import load_settings
from lesson_bot.demo.afterwards import afterwards
from lesson_bot.demo.dashboard import local_web, open_dashboard
from lesson_bot.demo.lesson import Branch, lesson_cycle
from lesson_bot.demo.meeting import meeting
from lesson_bot.demo.scene import Scene
from lesson_bot.demo.stop import until_interrupted
from lesson_bot.i18n import Lang, Translator
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
    t = scene.t
    scene.step(t._("1. The secretary adds the bot to the branch's group (as an administrator)"))
    group = await scene.control.create_group("消防救援站党支部群", [secretary, zhang, wang, chen], bot_admin=True)
    chat, here = int(group["chat_id"]), "[群]"
    await scene.replies(chat, here, 0)
    scene.step(t._("2. /register: the group becomes a party branch"))
    [ask_zone] = await scene.say(chat, here, secretary, "/register 消防救援站第一党支部")
    _, _, [registered] = await scene.tap(chat, here, secretary, ask_zone, ZONE)
    scene.step(t._("3. Members join the roster"))
    await scene.say(chat, here, zhang, "/join")
    await scene.control.send(chat, wang, "收到，今晚学习。")
    scene.line(here, "王芳", "收到，今晚学习。", t._("(recorded silently)"))
    invite = re.search(r"\?start=([\w-]+)", registered["text"] or "")
    assert invite is not None, registered["text"]
    scene.note(t._("陈静 opens the invitation link from the bot's message: a private chat with the bot."))
    await scene.control.start(chen, invite.group(1))
    await scene.replies(chen, "[私聊 陈静]", 0)
    scene.step(t._("4. The secretary imports the roster from a spreadsheet, in private"))
    await scene.control.start(secretary)
    await scene.replies(secretary, "[私聊 李明]", 0)
    scene.line("[私聊 李明]", "李明", t._("(sends 名册.csv)"))
    sent = await scene.control.send_document(secretary, secretary, "名册.csv", ROSTER_CSV.encode("gb18030"),
                                             mime_type="text/csv")
    await scene.replies(secretary, "[私聊 李明]", sent["message_id"])
    scene.step(t._("5. The secretary checks the roster"))
    await scene.say(chat, here, secretary, "/roster")
    scene.step(t._("6. The admin sees every branch"))
    await scene.control.start(admin)
    await scene.replies(admin, "[私聊 管理员]", 0)
    await scene.say(admin, "[私聊 管理员]", admin, "/branches")
    return Branch(chat, ZONE, secretary, {"张伟": zhang, "王芳": wang, "陈静": chen})


async def play(scene: Scene, admin: int, lessons_dir: Path, clock: Clock) -> Branch:
    """The whole walk-through: onboarding, one lesson from /schedule to 补学, a meeting from /meeting to 请假, and
    签到 at a meeting about to start."""
    branch = await onboarding(scene, admin)
    await lesson_cycle(scene, branch, lessons_dir, clock)
    await meeting(scene, branch, clock)
    return branch


def _content_dir() -> Path:
    """content/ of the working directory (as `lesson-bot run` uses), else the one beside the source tree."""
    here = Path("content")
    return here if (here / "lessons").is_dir() else Path(__file__).resolve().parents[2] / "content"


class PortTaken(Exception):
    """A port the demo needs is in use: `option` names the flag that chooses another."""

    def __init__(self, option: str, port: int) -> None:
        super().__init__(f"{option} {port}: address in use")
        self.option = option
        self.port = port


def _taken(exc: OSError) -> bool:
    return exc.errno == errno.EADDRINUSE


async def run_demo(console: Console, *, once: bool, port: int, db_path: Path | None,
                   dashboard_port: int | None = None, lang: str = "zh-Hans") -> bool:
    """Start the sandbox, the bot and the delivery engine, play the scene, then keep serving until interrupted
    (unless `once`). With `dashboard_port` (0: any free port) the web dashboard is served there too, and the scene
    ends with the admin's sign-in link to it. The narration speaks `lang`. False when Ctrl-C (or SIGTERM) ended it;
    PortTaken when a port is in use."""
    t = Translator(lang).lang(lang)

    def stopping() -> None:
        console.print(t._("Ctrl-C: stopping the demo…"), highlight=False, markup=False)
        # The sandbox's answer to the wait the demo abandoned is cancelled as the process ends; uvicorn would print
        # that expected cancellation as an error with a traceback.
        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)

    stopped = not await until_interrupted(_demo(console, t, once=once, port=port, db_path=db_path,
                                                dashboard_port=dashboard_port), stopping)
    if stopped:
        console.print(t._("The demo has stopped."), highlight=False, markup=False)
    return not stopped


async def _demo(console: Console, t: Lang, *, once: bool, port: int, db_path: Path | None,
                dashboard_port: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or Path(tmp) / "demo.db"
        try:
            web = local_web(dashboard_port) if dashboard_port is not None else None
        except OSError as exc:
            if _taken(exc):
                raise PortTaken("--dashboard-port", dashboard_port or 0) from None
            raise
        async with contextlib.AsyncExitStack() as stack:
            try:
                sb = await stack.enter_async_context(run_sandbox(port=port, flood=FloodConfig(enabled=True)))
            except OSError as exc:
                if _taken(exc):
                    raise PortTaken("--port", port) from None
                raise
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
                console.print(t._("sandbox Bot API: {base}   control API: {control}   database: {path}",
                                  base=sb.base_url, control=sb.control_url, path=path)
                              + (t._("   dashboard: {url}", url=web.url) if web else ""), highlight=False)
                scene = Scene(sb.control, console, partial(_settle, sb.control, app.bot), t)
                admin = int(admin_user["id"])
                scene.names[admin] = "管理员"
                branch = await play(scene, admin, settings.lessons_dir, app.services.clock)
                if web is not None:
                    link = await open_dashboard(scene, admin)
                    console.print(t._("Open the dashboard as the admin (the organization view of the branch "
                                      "above): {link}\nThe link works once, for 10 minutes; for a new one, send "
                                      "/dashboard as 管理员 through the control API.", link=link), highlight=False)
                afterwards(scene, branch, admin, sb.control_url)
                if not once:
                    console.rule(f"[bold]{escape(t._('The bot, the engine and the sandbox keep running'))}")
                    console.print(t._("Act as the people above through the control API at {url} (see "
                                      "docs/sandbox.md). Press Ctrl-C to stop.", url=sb.control_url),
                                  highlight=False)
                    await asyncio.Event().wait()


async def _stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    await task


async def _settle(control: ControlClient, bot: BotApplication) -> None:
    """The scene's barrier: every update the sandbox holds was fetched, and the bot has handled each."""
    await control.wait_updates_taken()
    await bot.update_queue.join()
