"""Deep links into a private chat with the bot."""

from __future__ import annotations

from telegram.helpers import create_deep_linked_url


def join_link(bot_username: str, invite_code: str) -> str:
    """t.me link that starts the bot in private and ties the person to the branch."""
    return create_deep_linked_url(bot_username, invite_code)
