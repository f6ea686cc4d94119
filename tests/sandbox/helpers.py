"""Helpers shared by the sandbox tests."""

from __future__ import annotations

import telegram


async def drain(bot: telegram.Bot) -> list[telegram.Update]:
    """Fetch and confirm every pending update (as a poller would); the updates, parsed by PTB."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return list(updates)
