"""Uploaded files: content-addressed ids, image sizes, and resolution of what a send method names."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import struct

from tgsandbox.errors import bad_request
from tgsandbox.model import StoredFile
from tgsandbox.params import Params, Upload
from tgsandbox.state import SandboxState

# Telegram's file_ids start with a type tag; real ones are opaque base64, so these look alike.
_PREFIX = {"photo": "AgACAgIAAxk", "document": "BQACAgIAAxk", "video": "BAACAgIAAxk"}
_FOLDER = {"photo": "photos", "document": "documents", "video": "videos"}
_DEFAULT_EXT = {"photo": ".jpg", "document": "", "video": ".mp4"}
_KIND_NAME = {"photo": "Photo", "document": "Document", "video": "Video"}


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image; (0, 0) when the format is not recognised."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return 0, 0


def _jpeg_size(content: bytes) -> tuple[int, int]:
    index = 2
    while index + 9 < len(content):
        if content[index] != 0xFF:
            index += 1
            continue
        marker = content[index + 1]
        length = int.from_bytes(content[index + 2 : index + 4], "big")
        # SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return 0, 0


def store(state: SandboxState, kind: str, upload: Upload, params: Params) -> StoredFile:
    """Keep an upload; the same content of the same kind always gets the same file_id."""
    if not upload.content:
        raise bad_request("file must be non-empty")
    digest = hashlib.sha256(upload.content).digest()
    unique = base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")
    file_id = _PREFIX[kind] + base64.urlsafe_b64encode(digest[:30]).decode().rstrip("=")
    existing = state.files.get(file_id)
    if existing is not None:
        return existing
    ext = mimetypes.guess_extension(upload.content_type or "") or ""
    if "." in upload.filename:
        ext = "." + upload.filename.rsplit(".", 1)[1].lower()
    ext = ext or _DEFAULT_EXT[kind]
    width, height = image_size(upload.content) if kind == "photo" else (0, 0)
    if kind == "video":
        width, height = params.integer("width", default=0) or 0, params.integer("height", default=0) or 0
    stored = StoredFile(
        file_id=file_id,
        file_unique_id="AQAD" + unique,
        kind=kind,
        content=upload.content,
        file_name=upload.filename or None,
        mime_type=upload.content_type or mimetypes.guess_type(upload.filename or "")[0],
        file_path=f"{_FOLDER[kind]}/file_{len(state.files_by_path)}{ext}",
        width=width,
        height=height,
        duration=params.integer("duration", default=0) or 0 if kind == "video" else 0,
    )
    state.files[file_id] = stored
    state.files_by_path[stored.file_path] = stored
    return stored


def resolve(state: SandboxState, kind: str, params: Params) -> StoredFile:
    """The file a send method names: an upload, "attach://<part>", or an earlier file_id."""
    upload = params.files.get(kind)
    if upload is not None:
        return store(state, kind, upload, params)
    value = params.string(kind)
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    if value.startswith("attach://"):
        part = params.files.get(value.removeprefix("attach://"))
        if part is None:
            raise bad_request(f"wrong file identifier/HTTP URL specified: attached file {value} not found")
        return store(state, kind, part, params)
    if value.lower().startswith(("http://", "https://")):
        # The sandbox has no internet access to fetch from; Telegram answers this when a fetch fails.
        raise bad_request("wrong file identifier/HTTP URL specified")
    stored = state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {_KIND_NAME[stored.kind]} as {_KIND_NAME[kind]}")
    return stored
