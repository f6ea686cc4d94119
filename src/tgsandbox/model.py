"""The sandbox's world: users, chats, messages, polls, files and callback queries, as plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRIVATE = "private"
GROUP = "group"
SUPERGROUP = "supergroup"

CREATOR = "creator"
ADMINISTRATOR = "administrator"
MEMBER = "member"
LEFT = "left"
KICKED = "kicked"
PRESENT = frozenset({CREATOR, ADMINISTRATOR, MEMBER})

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass
class User:
    """A Telegram account: a person the control API plays, or the bot itself."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    started: bool = False
    blocked: bool = False
    deactivated: bool = False
    # Telegram answers "chat not found" for users the bot has never encountered.
    known_to_bot: bool = False


@dataclass
class Membership:
    """One user's standing in one group, with administrator rights when promoted."""

    status: str
    rights: dict[str, bool] = field(default_factory=dict)
    until_date: int = 0


@dataclass
class Media:
    """A file attached to a message: photo, document or video."""

    kind: str
    file_id: str


@dataclass
class Message:
    """A message as stored: the current version plus its edit history."""

    chat_id: int
    message_id: int
    sender_id: int
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    source_html: str | None = None
    reply_markup: dict[str, Any] | None = None
    poll_id: str | None = None
    media: Media | None = None
    reply_to: int | None = None
    service: dict[str, Any] = field(default_factory=dict)
    edit_date: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    pinned: bool = False


@dataclass
class Chat:
    """A private chat (id == the user's id), a group or a supergroup."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    description: str | None = None
    members: dict[int, Membership] = field(default_factory=dict)
    messages: dict[int, Message] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    last_message_id: int = 0
    migrated_to: int | None = None
    migrated_from: int | None = None
    chat_instance: str = ""

    @property
    def is_group(self) -> bool:
        """Groups and supergroups, as opposed to private chats."""
        return self.type in (GROUP, SUPERGROUP)


@dataclass
class PollOption:
    """One answer option with its stable persistent id and who chose it, in answer order."""

    text: str
    persistent_id: str
    voters: list[int] = field(default_factory=list)


@dataclass
class Poll:
    """A poll or quiz sent by the bot, with every member's current answer."""

    id: str
    chat_id: int
    message_id: int
    question: str
    options: list[PollOption]
    type: str
    is_anonymous: bool
    allows_multiple_answers: bool
    allows_revoting: bool
    correct_option_ids: list[int]
    explanation: str | None
    explanation_entities: list[dict[str, Any]]
    open_period: int | None
    close_date: int | None
    is_closed: bool = False
    answers: dict[int, list[int]] = field(default_factory=dict)

    @property
    def total_voter_count(self) -> int:
        """People who currently have an answer."""
        return sum(1 for chosen in self.answers.values() if chosen)


@dataclass
class StoredFile:
    """An uploaded file, kept in memory; file_id is stable per content and kind."""

    file_id: str
    file_unique_id: str
    kind: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str
    width: int = 0
    height: int = 0
    duration: int = 0


@dataclass
class CallbackQuery:
    """A button tap and, once the bot answers it, the answer."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    date: int
    answered: bool = False
    answer: dict[str, Any] | None = None
