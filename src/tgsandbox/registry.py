"""The table of Bot API methods the sandbox answers, and one call path shared by HTTP and webhooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tgsandbox.errors import NOT_FOUND, ApiError
from tgsandbox.limits import retry_after_json
from tgsandbox.model import Chat
from tgsandbox.params import Params
from tgsandbox.state import SandboxState

Handler = Callable[[SandboxState, Params], Awaitable[Any]]

# Method names are case-insensitive in the Bot API; keys are lower case, values keep the canonical name.
_METHODS: dict[str, tuple[str, Handler]] = {}
_LOADED: list[bool] = []


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a coroutine as the implementation of one Bot API method."""

    def register(handler: Handler) -> Handler:
        _METHODS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    """The canonical name and implementation of a method, or None when Telegram would answer 404."""
    _load()
    return _METHODS.get(name.lower())


def method_names() -> list[str]:
    """Every method the sandbox implements."""
    _load()
    return sorted(canonical for canonical, _ in _METHODS.values())


async def call(state: SandboxState, name: str, params: Params) -> Any:
    """Perform one method, counting it; raises ApiError for Telegram's error answers."""
    found = lookup(name)
    if found is None:
        raise NOT_FOUND
    canonical, handler = found
    state.requests[canonical] += 1
    state.changed.fire()
    return await handler(state, params)


def check_flood(state: SandboxState, chat: Chat) -> None:
    """Ask the flood limiter before a message-producing call; 429 with retry_after when over budget."""
    retry_after = state.flood.check(chat.id, chat.is_group)
    if retry_after is not None:
        value = retry_after_json(retry_after)
        raise ApiError(429, f"Too Many Requests: retry after {value}", {"retry_after": value})


def _load() -> None:
    # The method modules register themselves on import; importing them here avoids an import cycle.
    if _LOADED:
        return
    _LOADED.append(True)
    from tgsandbox import (  # noqa: F401
        methods_bot,
        methods_chats,
        methods_media,
        methods_menu,
        methods_messages,
        methods_polls,
    )
