"""`lesson-bot demo`: the real bot against the built-in sandbox on SQLite, with a narrated walk-through.

Nothing here is faked: the scene drives sandbox users through its control API, and everything the bot says is
what python-telegram-bot sent to the sandbox.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console

from lesson_bot.bootstrap import build_services, prepare_database
from lesson_bot.bot.app import ALLOWED_UPDATES, build_application, prepare
from lesson_bot.config import load_settings
from lesson_bot.sandbox import ControlClient, run_sandbox
from lesson_bot.sandbox.limits import FloodConfig

ROSTER_CSV = (
    "姓名,Telegram,角色,状态,党小组\n"
    "张伟,@zhangwei,党员,正式,第一党小组\n"
    "王芳,@wangfang,党员,预备,第一党小组\n"
    "赵强,,党员,正式,\n"
)


class Scene:
    """Plays people in the sandbox and prints the conversation as they would see it."""

    def __init__(self, control: ControlClient, console: Console) -> None:
        self.control = control
        self.console = console
        self.names: dict[int, str] = {}

    async def person(self, name: str, username: str) -> int:
        user = await self.control.create_user(name, username=username, language_code="zh-hans")
        self.names[user["id"]] = name
        return int(user["id"])

    def show(self, where: str, message: dict[str, Any]) -> None:
        who = "🤖 bot" if message["from"]["is_bot"] else message["from"]["name"]
        self.console.print(f"[dim]{where}[/dim] [bold]{who}[/bold]: {message['text'] or ''}", highlight=False)
        for row in message.get("buttons") or []:
            labels = "  ".join(f"[reverse] {b['text']} [/reverse]" for b in row)
            self.console.print(f"{' ' * (len(where) + 1)}{labels}")

    async def replies(self, chat_id: int, where: str, after: int, count: int = 1) -> list[dict[str, Any]]:
        ids = (await self.control.wait_bot_messages(chat_id, after=after, count=count))["message_ids"]
        by_id = {m["message_id"]: m for m in (await self.control.transcript(chat_id))["messages"]}
        shown = [by_id[i] for i in ids]
        for message in shown:
            self.show(where, message)
        return shown

    async def say(self, chat_id: int, where: str, user: int, text: str, count: int = 1) -> list[dict[str, Any]]:
        self.console.print(f"[dim]{where}[/dim] [bold]{self.names[user]}[/bold]: {text}", highlight=False)
        sent = await self.control.send(chat_id, user, text)
        return await self.replies(chat_id, where, sent["message_id"], count)

    async def tap(self, chat_id: int, where: str, user: int, message: dict[str, Any], label: str) -> None:
        button = next(b for row in message["buttons"] for b in row if label in b["text"])
        self.console.print(f"[dim]{where}[/dim] [bold]{self.names[user]}[/bold] taps “{button['text']}”")
        await self.control.press(chat_id, message["message_id"], user, data=button["callback_data"])
        await self.replies(chat_id, where, message["message_id"])

    def step(self, title: str) -> None:
        self.console.rule(f"[bold cyan]{title}")


async def play(scene: Scene, admin: int) -> None:
    """A group becomes a branch, its roster fills, and the secretary and the admin look at it."""
    secretary = await scene.person("李明", "liming")
    zhang = await scene.person("张伟", "zhangwei")
    wang = await scene.person("王芳", "wangfang")
    scene.step("1. The secretary adds the bot to the branch's group (as an administrator)")
    group = await scene.control.create_group("消防救援站党支部群", [secretary, zhang, wang], bot_admin=True)
    chat, here = int(group["chat_id"]), "[群]"
    await scene.replies(chat, here, 0)
    scene.step("2. /register: the group becomes a party branch")
    [ask_zone] = await scene.say(chat, here, secretary, "/register 消防救援站第一党支部")
    await scene.tap(chat, here, secretary, ask_zone, "Asia/Shanghai")
    scene.step("3. Members join the roster")
    await scene.say(chat, here, zhang, "/join")
    await scene.control.send(chat, wang, "收到，今晚学习。")
    scene.console.print(f"[dim]{here}[/dim] [bold]王芳[/bold]: 收到，今晚学习。  [dim](recorded silently)[/dim]")
    scene.step("4. The secretary imports the roster from a spreadsheet, in private")
    await scene.control.start(secretary)
    await scene.replies(secretary, "[私聊 李明]", 0)
    scene.console.print("[dim][私聊 李明][/dim] [bold]李明[/bold]: (sends 名册.csv)")
    sent = await scene.control.send_document(secretary, secretary, "名册.csv", ROSTER_CSV.encode("gb18030"),
                                             mime_type="text/csv")
    await scene.replies(secretary, "[私聊 李明]", sent["message_id"])
    scene.step("5. The secretary checks the roster")
    await scene.say(chat, here, secretary, "/roster")
    scene.step("6. The admin sees every branch")
    await scene.control.start(admin)
    await scene.replies(admin, "[私聊 管理员]", 0)
    await scene.say(admin, "[私聊 管理员]", admin, "/branches")


async def run_demo(console: Console, *, once: bool, port: int, db_path: Path | None) -> None:
    """Start the sandbox and the bot, play the scene, then keep serving until interrupted (unless `once`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or Path(tmp) / "demo.db"
        async with run_sandbox(port=port, flood=FloodConfig(enabled=True)) as sb:
            admin_user = await sb.control.create_user("管理员", username="admin", language_code="zh-hans")
            settings = load_settings(
                database_url=f"sqlite+aiosqlite:///{path}",
                bot_api_base_url=sb.base_url.removesuffix("/bot"),
                admin_ids=str(admin_user["id"]),
            )
            services = build_services(settings)
            await prepare_database(services)
            bot = build_application(services, sb.token, settings.bot_api_base_url)
            async with bot:
                await prepare(bot)
                assert bot.updater is not None
                await bot.updater.start_polling(timeout=5, poll_interval=0, allowed_updates=ALLOWED_UPDATES)
                await bot.start()
                try:
                    console.print(f"sandbox Bot API: {sb.base_url}   control API: {sb.control_url}   "
                                  f"database: {path}", highlight=False)
                    scene = Scene(sb.control, console)
                    scene.names[int(admin_user["id"])] = "管理员"
                    await play(scene, int(admin_user["id"]))
                    if not once:
                        console.rule("[bold]The bot and the sandbox keep running")
                        console.print(f"Act as the people above through the control API at {sb.control_url} "
                                      "(see docs/sandbox.md). Press Ctrl-C to stop.", highlight=False)
                        await asyncio.Event().wait()
                finally:
                    await bot.updater.stop()
                    await bot.stop()
                    await services.db.dispose()
