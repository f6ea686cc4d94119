"""The menu button of private chats: setChatMenuButton and getChatMenuButton (commands, a Mini App, or default).

Without chat_id the bot's default button changes; with one, that private chat's own. A Mini App button needs a
text and an https URL: Telegram opens Mini Apps over https only (the wording of that refusal follows the one
Telegram gives for an http Web App URL in an inline keyboard).
"""

from __future__ import annotations

from typing import Any

from tgsandbox.errors import bad_request
from tgsandbox.params import Params
from tgsandbox.registry import method
from tgsandbox.state import SandboxState

_DEFAULT: dict[str, Any] = {"type": "default"}


def _private_chat(state: SandboxState, params: Params) -> int | None:
    if not params.has("chat_id"):
        return None
    chat_id = params.integer("chat_id")
    chat = state.chats.get(chat_id) if chat_id is not None else None
    if chat is None:
        raise bad_request("chat not found")
    if chat.is_group:
        raise bad_request("invalid chat_id specified")
    return chat.id


def _menu_button(params: Params) -> dict[str, Any]:
    if not params.has("menu_button"):
        return dict(_DEFAULT)
    button = params.json("menu_button")
    if not isinstance(button, dict):
        raise bad_request("can't parse menu button: MenuButton must be an Object")
    kind = button.get("type")
    if kind in ("default", "commands"):
        return {"type": kind}
    if kind != "web_app":
        raise bad_request("can't parse menu button: unsupported menu button type")
    text, app = button.get("text"), button.get("web_app")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse menu button: text is empty")
    url = app.get("url") if isinstance(app, dict) else None
    if not isinstance(url, str) or not url:
        raise bad_request("can't parse menu button: Web App URL is empty")
    if not url.lower().startswith("https://"):
        raise bad_request(f"can't parse menu button: Web App URL '{url}' is invalid: Only HTTPS links are allowed")
    return {"type": "web_app", "text": text, "web_app": {"url": url}}


@method("setChatMenuButton")
async def set_chat_menu_button(state: SandboxState, params: Params) -> Any:
    """Set the default menu button, or one private chat's."""
    chat_id = _private_chat(state, params)
    state.menu_buttons[chat_id] = _menu_button(params)
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(state: SandboxState, params: Params) -> Any:
    """A private chat's menu button, else the default one."""
    chat_id = _private_chat(state, params)
    return state.menu_buttons.get(chat_id) or state.menu_buttons.get(None) or dict(_DEFAULT)
