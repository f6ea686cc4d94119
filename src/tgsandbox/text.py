"""Message text, captions, entities and reply markup, checked the way Telegram checks them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tgrules.html import HtmlParseError, parse_html, utf16_len
from tgrules.limits import CALLBACK_DATA_MAX_BYTES, CAPTION_MAX, MESSAGE_TEXT_MAX
from tgsandbox.errors import bad_request
from tgsandbox.params import Params

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://", "mailto:")


@dataclass(frozen=True)
class Formatted:
    """Visible text with its entities, and the HTML source when parse_mode was HTML."""

    text: str
    entities: list[dict[str, Any]]
    html: str | None


def _parse(source: str, parse_mode: str | None, entities: Any) -> Formatted:
    if parse_mode:
        if parse_mode.lower() != "html":
            if parse_mode.lower() in ("markdown", "markdownv2"):
                raise bad_request(
                    f"can't parse entities: parse_mode {parse_mode} is not supported by the sandbox"
                )
            raise bad_request(f"unsupported parse_mode {parse_mode}")
        try:
            parsed = parse_html(source)
        except HtmlParseError as exc:
            raise bad_request(exc.description) from None
        return Formatted(parsed.text, [dict(entity) for entity in parsed.entities], source)
    return Formatted(source, _check_entities(entities, source), None)


def _check_entities(entities: Any, text: str) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    length = utf16_len(text)
    checked: list[dict[str, Any]] = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: field "type" must be of type String')
        offset, size = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(size, int):
            raise bad_request('can\'t parse MessageEntity: fields "offset" and "length" must be Integer')
        # Telegram silently drops entities that fall outside the text.
        if offset < 0 or size <= 0 or offset + size > length:
            continue
        checked.append(dict(entity))
    return checked


def message_text(params: Params, field: str = "text", too_long: str = "message is too long") -> Formatted:
    """The text of sendMessage / editMessageText: 1-4096 characters after entity parsing.

    Telegram words the length error differently per method: sendMessage says "message is too long",
    editMessageText passes the server's MESSAGE_TOO_LONG through.
    """
    source = params.string(field)
    if not source:
        raise bad_request("message text is empty")
    formatted = _parse(source, params.string("parse_mode"), params.json("entities"))
    if not formatted.text.strip():
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MESSAGE_TEXT_MAX:
        raise bad_request(too_long)
    return formatted


def caption(params: Params) -> Formatted | None:
    """A media caption: optional, at most 1024 characters after entity parsing."""
    source = params.string("caption")
    if not source:
        return None
    formatted = _parse(source, params.string("parse_mode"), params.json("caption_entities"))
    if utf16_len(formatted.text) > CAPTION_MAX:
        raise bad_request("message caption is too long")
    return formatted


def reply_markup(params: Params) -> dict[str, Any] | None:
    """The reply_markup object, validated; inline keyboards follow Telegram's button rules."""
    markup = params.json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _inline_keyboard(markup["inline_keyboard"])}
    if "keyboard" in markup or markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_keyboard(rows: Any) -> list[list[dict[str, Any]]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return rows


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton should be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES):
            raise bad_request("inline keyboard button URL is invalid")
    if not button["text"]:
        raise bad_request("BUTTON_TEXT_INVALID")
