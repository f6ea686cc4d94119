"""Photos, documents and videos: uploads, file_id reuse, getFile."""

from __future__ import annotations

from typing import Any

from tgsandbox import files, text
from tgsandbox.access import writable_chat
from tgsandbox.errors import bad_request
from tgsandbox.model import Media
from tgsandbox.objects import file_json
from tgsandbox.params import Params
from tgsandbox.registry import method
from tgsandbox.sending import send_bot_message
from tgsandbox.state import SandboxState


async def _send_media(state: SandboxState, params: Params, kind: str) -> Any:
    chat = writable_chat(state, params)
    formatted = text.caption(params)
    markup = text.reply_markup(params)
    stored = files.resolve(state, kind, params)
    return send_bot_message(
        state,
        chat,
        params,
        media=Media(kind, stored.file_id),
        caption=formatted.text if formatted else None,
        caption_entities=formatted.entities if formatted else [],
        source_html=formatted.html if formatted else None,
        reply_markup=markup,
    )


@method("sendPhoto")
async def send_photo(state: SandboxState, params: Params) -> Any:
    """Send a photo (upload or file_id)."""
    return await _send_media(state, params, "photo")


@method("sendDocument")
async def send_document(state: SandboxState, params: Params) -> Any:
    """Send a document (upload or file_id)."""
    return await _send_media(state, params, "document")


@method("sendVideo")
async def send_video(state: SandboxState, params: Params) -> Any:
    """Send a video (upload or file_id)."""
    return await _send_media(state, params, "video")


@method("getFile")
async def get_file(state: SandboxState, params: Params) -> Any:
    """File with the file_path to download from /file/bot<token>/<file_path>."""
    stored = state.files.get(params.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return file_json(stored, with_path=True)
