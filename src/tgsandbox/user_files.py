"""People sending files: a document or a photo (with a caption) in a group or in their private chat.

The file is kept like a bot upload (files.store), so the bot sees Telegram's Document / PhotoSize shapes
and can getFile and download the exact bytes; delivery follows the same privacy rules as text.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tgsandbox import files
from tgsandbox.actions import ControlError, writing_chat
from tgsandbox.errors import ApiError
from tgsandbox.inbound import deliver
from tgsandbox.model import Media
from tgsandbox.params import Params, Upload
from tgsandbox.state import SandboxState

KINDS = ("document", "photo")
CAPTION_LIMIT = 1024  # Telegram's caption length for accounts without Premium
_IMAGE_MIME = {b"\x89PNG": "image/png", b"GIF8": "image/gif", b"\xff\xd8": "image/jpeg"}


def decode_content(value: Any) -> bytes:
    """The file bytes from the control body's base64 text; a control error when it is not valid base64."""
    if not isinstance(value, str) or not value:
        raise ControlError("content_base64 must be a non-empty base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ControlError("content_base64 is not valid base64") from None


def _image_mime(content: bytes) -> str:
    return next((mime for magic, mime in _IMAGE_MIME.items() if content.startswith(magic)), "")


def user_file_message(
    state: SandboxState,
    chat_id: int,
    user_id: int,
    kind: str,
    content: bytes,
    file_name: str | None = None,
    mime_type: str | None = None,
    caption: str | None = None,
    reply_to: int | None = None,
) -> dict[str, Any]:
    """A person sends a document or a photo; result: message_id, update_id (None if not delivered), delivered."""
    if kind not in KINDS:
        raise ControlError(f"kind must be one of {', '.join(KINDS)}")
    chat = writing_chat(state, chat_id, user_id, reply_to)
    if not content:
        raise ControlError("the file is empty")
    if caption is not None and len(caption) > CAPTION_LIMIT:
        raise ControlError(f"caption is longer than {CAPTION_LIMIT} characters")
    if kind == "document" and not file_name:
        raise ControlError("a document needs a file_name")
    if kind == "photo":
        if files.image_size(content) == (0, 0):
            # Telegram apps send anything else as a document; the sandbox reads sizes of these formats.
            raise ControlError("a photo must be a PNG, GIF or JPEG image")
        mime_type = _image_mime(content)
    try:
        stored = files.store(state, kind, Upload(file_name or "", content, mime_type or ""), Params({}))
    except ApiError as exc:
        raise ControlError(exc.description) from None
    message = state.add_message(
        chat, user_id, media=Media(kind, stored.file_id), caption=caption or None, reply_to=reply_to
    )
    update_id = deliver(state, chat, message)
    return {
        "message_id": message.message_id,
        "update_id": update_id,
        "delivered": update_id is not None,
        "file_id": stored.file_id,
    }
