"""The demo's stage: people acting through the sandbox's control API, and what they see printed with Rich.

Every wait is one of the sandbox's own waits (a bot message, an answered tap, a request) or the bot's update queue
draining, so the narration never races the bot and never sleeps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from rich.markup import escape

from lesson_bot.i18n import Lang
from tgsandbox import ControlClient

Message = dict[str, Any]


class Scene:
    """Plays people in the sandbox and prints the conversation as they would see it."""

    def __init__(self, control: ControlClient, console: Console, settle: Callable[[], Awaitable[None]],
                 t: Lang) -> None:
        self.control = control
        self.t = t  # the narration's language (what the bot says is in each user's own)
        self.console = console
        self.settle = settle  # returns once the bot has handled every update sent so far
        self.names: dict[int, str] = {}
        self._shown: set[tuple[int, int]] = set()  # (chat, message) already printed

    async def person(self, name: str, username: str) -> int:
        user = await self.control.create_user(name, username=username, language_code="zh-hans")
        self.names[user["id"]] = name
        return int(user["id"])

    def step(self, title: str) -> None:
        self.console.rule(f"[bold cyan]{escape(title)}")

    def note(self, text: str) -> None:
        """The narrator's aside (not something anyone in the chat sees)."""
        self.console.print(f"[italic yellow]{escape(text)}[/italic yellow]", highlight=False)

    def line(self, where: str, who: str, text: str, aside: str = "") -> None:
        extra = f"  [dim]{escape(aside)}[/dim]" if aside else ""
        self.console.print(f"[dim]{escape(where)}[/dim] [bold]{escape(who)}[/bold]: {escape(text)}{extra}",
                           highlight=False)

    def show(self, where: str, message: Message) -> None:
        """A message as the chat shows it, whole: text, buttons, or a quiz poll."""
        t = self.t
        who = t._("🤖 bot") if message["from"]["is_bot"] else message["from"]["name"]
        pad = " " * (len(where) + 1)
        if "poll" in message:
            poll = message["poll"]
            self.line(where, who, f"📊 {poll['question']}", t._("(quiz poll)") if poll["type"] == "quiz" else
                      t._("(poll)"))
            for option in poll["options"]:
                self.console.print(f"{pad}  ○ {escape(option['text'])}", highlight=False)
            return
        text = message["text"] or ""
        if "media" in message:
            text = f"[{message['media']['kind']}] {text}"
        self.line(where, who, text)
        for row in message.get("buttons") or []:
            labels = "  ".join(f"[reverse] {escape(b['text'])} [/reverse]" for b in row)
            self.console.print(f"{pad}{labels}")

    async def last_id(self, chat_id: int) -> int:
        messages = (await self.control.transcript(chat_id))["messages"]
        return int(messages[-1]["message_id"]) if messages else 0

    async def current(self, chat_id: int, message_id: int) -> Message:
        """A message as its chat shows it now (after edits)."""
        messages = (await self.control.transcript(chat_id))["messages"]
        return next(m for m in messages if m["message_id"] == message_id)

    def _show_new(self, chat_id: int, where: str, messages: list[Message]) -> None:
        for message in messages:
            if (chat_id, message["message_id"]) not in self._shown:
                self._shown.add((chat_id, message["message_id"]))
                self.show(where, message)

    async def replies(self, chat_id: int, where: str, after: int, count: int = 1, *,
                      timeout: float = 10.0) -> list[Message]:
        """Wait for the bot's next `count` messages in the chat after message `after`; show (those not shown
        yet) and return them."""
        ids = (await self.control.wait_bot_messages(chat_id, after=after, count=count, timeout=timeout))
        by_id = {m["message_id"]: m for m in (await self.control.transcript(chat_id))["messages"]}
        got = [by_id[i] for i in ids["message_ids"]]
        self._show_new(chat_id, where, got)
        return got

    async def say(self, chat_id: int, where: str, user: int, text: str, count: int = 1) -> list[Message]:
        self.line(where, self.names[user], text)
        sent = await self.control.send(chat_id, user, text)
        return await self.replies(chat_id, where, sent["message_id"], count)

    async def tap(self, chat_id: int, where: str, user: int, message: Message,
                  label: str) -> tuple[dict[str, Any], Message, list[Message]]:
        """Tap the button whose label contains `label`: the answer (toast) is shown, then the message if the bot
        edited its text, then whatever the bot wrote after. Returns (answer, message now, new messages)."""
        found = [b for row in message.get("buttons") or [] for b in row if label in b["text"]]
        if not found:
            raise LookupError(f"no button “{label}” under the bot's message: {message['text']!r}")
        button = found[0]
        self.console.print(f"[dim]{escape(where)}[/dim] [bold]{escape(self.names[user])}[/bold] "
                           + escape(self.t._("taps “{label}”", label=button["text"])), highlight=False)
        mark = await self.last_id(chat_id)
        pressed = await self.control.press(chat_id, message["message_id"], user, data=button["callback_data"])
        answer = dict(await self.control.wait_callback_answered(pressed["callback_query_id"]))
        if answer.get("text"):
            kind = self.t._("alert") if answer.get("show_alert") else self.t._("toast")
            self.console.print(f"{' ' * (len(where) + 1)}[italic]↳ {kind}: {escape(answer['text'])}[/italic]",
                               highlight=False)
        await self.settle()
        now = await self.current(chat_id, message["message_id"])
        if now["text"] != message["text"]:
            self.show(where, now)
        transcript = (await self.control.transcript(chat_id))["messages"]
        new = [m for m in transcript if m["message_id"] > mark and m["from"]["is_bot"] and not m["service"]]
        self._show_new(chat_id, where, new)
        return answer, now, new

    async def vote(self, chat_id: int, where: str, user: int, poll: Message, option: int) -> bool:
        """Answer a quiz poll (the bot says nothing back; Telegram shows the member whether it was right)."""
        result = await self.control.vote(chat_id, poll["message_id"], user, [option])
        chosen = poll["poll"]["options"][option]["text"]
        mark = self.t._("✓ right") if result.get("correct") else self.t._("✗ wrong")
        self.console.print(f"[dim]{escape(where)}[/dim] [bold]{escape(self.names[user])}[/bold] "
                           + escape(self.t._("answers “{option}”", option=chosen)) + f"  [dim]({escape(mark)})[/dim]",
                           highlight=False)
        await self.settle()
        return bool(result.get("correct"))
