"""The in-memory state of one sandbox: the bot, users, chats, messages, polls, files and queues."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tgsandbox.faults import FaultInjector
from tgsandbox.latency import AnswerTimes
from tgsandbox.limits import FloodConfig, FloodLimiter
from tgsandbox.model import GROUP, PRIVATE, SUPERGROUP, CallbackQuery, Chat, Message, Poll, StoredFile, User
from tgsandbox.signals import Signal
from tgsandbox.updates import UpdateQueue

FIRST_USER_ID = 10_001
GROUP_ID_BASE = 100_000
SUPERGROUP_ID_BASE = 1_000_000_000_000
DEFAULT_BOT_ID = 7_000_000_001


def new_token(bot_id: int = DEFAULT_BOT_ID) -> str:
    """A fresh token in Telegram's `<bot id>:<secret>` form."""
    return f"{bot_id}:{secrets.token_urlsafe(26)}"


@dataclass
class WebhookConfig:
    """The webhook as set by setWebhook, plus the delivery errors getWebhookInfo reports."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Tunables:
    """Knobs that make the sandbox quick to test against without changing what Telegram would do."""

    webhook_retry_base_s: float = 0.2
    webhook_retry_max_s: float = 10.0
    webhook_timeout_s: float = 10.0


@dataclass
class SandboxState:
    """Everything one sandbox knows. Only touched from the event loop, so it needs no locks."""

    token: str
    bot: User
    flood: FloodLimiter
    faults: FaultInjector
    clock: Callable[[], float] = time.time
    tunables: Tunables = field(default_factory=Tunables)
    users: dict[int, User] = field(default_factory=dict)
    usernames: dict[str, int] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    chat_usernames: dict[str, int] = field(default_factory=dict)
    polls: dict[str, Poll] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    files_by_path: dict[str, StoredFile] = field(default_factory=dict)
    callbacks: dict[str, CallbackQuery] = field(default_factory=dict)
    answer_times: AnswerTimes = field(default_factory=AnswerTimes)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    webhook: WebhookConfig | None = None
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)  # None: the default button
    privacy_mode: bool = True
    requests: Counter[str] = field(default_factory=Counter)
    changed: Signal = field(default_factory=Signal)
    _next_user_id: int = FIRST_USER_ID
    _next_group: int = 1
    _next_supergroup: int = 1
    _next_callback: int = 1
    _next_poll: int = 1

    def __post_init__(self) -> None:
        self.users[self.bot.id] = self.bot
        if self.bot.username:
            self.usernames[self.bot.username.lower()] = self.bot.id

    def now(self) -> int:
        """Unix seconds, the unit of every Bot API date."""
        return int(self.clock())

    # -- users and chats -------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> User:
        """Create a person; their private chat with the bot exists from the start (id == user id)."""
        if user_id is None:
            user_id = self._next_user_id
        if user_id in self.users or user_id <= 0:
            raise ValueError(f"user id {user_id} is taken or invalid")
        if username and username.lower() in self.usernames:
            raise ValueError(f"username @{username} is taken")
        self._next_user_id = max(self._next_user_id, user_id + 1)
        user = User(user_id, first_name, last_name, username, language_code)
        self.users[user_id] = user
        if username:
            self.usernames[username.lower()] = user_id
        self.chats[user_id] = Chat(user_id, PRIVATE, chat_instance=self._chat_instance(user_id))
        return user

    def add_group(self, title: str, supergroup: bool = False, username: str | None = None) -> Chat:
        """Create an empty group (negative id) or supergroup (-100... id)."""
        if supergroup:
            chat_id = -(SUPERGROUP_ID_BASE + self._next_supergroup)
            self._next_supergroup += 1
        else:
            chat_id = -(GROUP_ID_BASE + self._next_group)
            self._next_group += 1
        if username and username.lower() in self.chat_usernames:
            raise ValueError(f"username @{username} is taken")
        chat = Chat(
            chat_id,
            SUPERGROUP if supergroup else GROUP,
            title=title,
            username=username,
            chat_instance=self._chat_instance(chat_id),
        )
        self.chats[chat_id] = chat
        if username:
            self.chat_usernames[username.lower()] = chat_id
        return chat

    def _chat_instance(self, chat_id: int) -> str:
        # Telegram's chat_instance is an opaque signed 64-bit number, stable per chat.
        digest = hashlib.sha256(f"{self.token}:{chat_id}".encode()).digest()
        return str(int.from_bytes(digest[:8], "big", signed=True))

    def find_chat(self, ref: int | str) -> Chat | None:
        """A chat by id or by "@username" of a public group."""
        if isinstance(ref, str) and ref.startswith("@"):
            chat_id = self.chat_usernames.get(ref[1:].lower())
            return None if chat_id is None else self.chats.get(chat_id)
        if isinstance(ref, str):
            return None
        return self.chats.get(ref)

    # -- messages --------------------------------------------------------------------------------

    def add_message(self, chat: Chat, sender_id: int, **fields: Any) -> Message:
        """Append a message to a chat; ids increase per chat, as in Telegram groups and private chats."""
        chat.last_message_id += 1
        message = Message(chat.id, chat.last_message_id, sender_id, self.now(), **fields)
        chat.messages[message.message_id] = message
        chat.order.append(message.message_id)
        self.changed.fire()
        return message

    def emit(self, kind: str, payload: dict[str, Any], chat_key: int) -> int | None:
        """Queue an update for the bot (polling or webhook)."""
        return self.updates.push(kind, payload, chat_key)

    def next_callback_id(self) -> str:
        """A callback query id: an opaque decimal string, like Telegram's."""
        value = self._next_callback
        self._next_callback += 1
        return str(4_000_000_000_000_000 + value)

    def next_poll_id(self) -> str:
        """A poll id: an opaque decimal string, like Telegram's."""
        value = self._next_poll
        self._next_poll += 1
        return str(5_000_000_000_000_000 + value)

    def counters(self) -> dict[str, Any]:
        """Requests per method, 429s given and faults injected."""
        return {
            "requests": dict(self.requests),
            "requests_total": sum(self.requests.values()),
            "flood": self.flood.counters_json(),
            "faults": dict(self.faults.counters),
            "pending_updates": len(self.updates),
        }


def build_state(
    token: str | None = None,
    flood: FloodConfig | None = None,
    bot_username: str = "sandbox_bot",
    bot_name: str = "Sandbox Bot",
    fault_seed: int = 0,
) -> SandboxState:
    """A fresh sandbox state for one bot token."""
    token = token or new_token()
    bot_id_text = token.split(":", 1)[0]
    if not bot_id_text.isdigit() or ":" not in token:
        raise ValueError("a bot token looks like '<digits>:<secret>'")
    bot = User(int(bot_id_text), bot_name, username=bot_username, is_bot=True)
    return SandboxState(
        token=token,
        bot=bot,
        flood=FloodLimiter(flood or FloodConfig()),
        faults=FaultInjector(seed=fault_seed),
    )
