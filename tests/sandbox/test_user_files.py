"""People send documents and photos: the bot gets Telegram's shapes, can download them, privacy applies."""

from __future__ import annotations

import struct
import zlib

import httpx
import pytest
import telegram

from tests.support.sandbox import Branch, drain
from tgsandbox import ControlApiError, Sandbox

MINUTES = b"%PDF-1.4\n% branch meeting minutes\n"


def _png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


async def _only_message(bot: telegram.Bot) -> telegram.Message:
    updates = await drain(bot)
    assert len(updates) == 1 and updates[0].message is not None
    return updates[0].message


async def test_private_document_reaches_bot_and_downloads(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """A document sent in private arrives as Message.document with name, type and size, caption as caption;
    getFile + download give back the exact bytes, and the transcript lists it with its file_id."""
    await drain(bot)
    sent = await sb.control.send_document(
        branch.secretary, branch.secretary, "minutes.pdf", MINUTES, caption="会议纪要"
    )
    assert sent["delivered"] and sent["update_id"] is not None
    message = await _only_message(bot)
    document = message.document
    assert document is not None and message.message_id == sent["message_id"]
    assert (document.file_name, document.mime_type, document.file_size) == (
        "minutes.pdf",
        "application/pdf",
        len(MINUTES),
    )
    assert message.caption == "会议纪要" and message.text is None
    assert message.from_user is not None and message.from_user.id == branch.secretary
    file = await bot.get_file(document.file_id)
    assert file.file_unique_id == document.file_unique_id
    assert bytes(await file.download_as_bytearray()) == MINUTES
    last = (await sb.control.transcript(branch.secretary))["messages"][-1]
    assert last["media"] == {"kind": "document", "file_id": document.file_id}
    assert last["text"] == "会议纪要" and last["from"]["id"] == branch.secretary


async def test_private_photo_has_photo_sizes_read_from_the_image(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """A photo arrives as a PhotoSize list whose width and height come from the image bytes; it downloads."""
    await drain(bot)
    image = _png(3, 2)
    sent = await sb.control.send_photo(branch.secretary, branch.secretary, image)
    assert sent["delivered"]
    message = await _only_message(bot)
    assert message.photo and message.caption is None and message.document is None
    size = message.photo[-1]
    assert (size.width, size.height, size.file_size) == (3, 2, len(image))
    file = await bot.get_file(size.file_id)
    assert file.file_path is not None and file.file_path.endswith(".png")
    assert bytes(await file.download_as_bytearray()) == image
    last = (await sb.control.transcript(branch.secretary))["messages"][-1]
    assert last["media"] == {"kind": "photo", "file_id": size.file_id} and last["text"] is None


async def test_group_files_follow_privacy_mode(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """In privacy mode a plain-member bot misses a group document unless it replies to the bot; an admin
    bot, or one with privacy off, sees every file. The transcript shows all of them."""
    zhao = branch.members[0]
    own = await bot.send_message(branch.chat_id, "Please send the minutes")
    await drain(bot)
    plain = await sb.control.send_document(branch.chat_id, zhao, "notes.txt", b"plain notes")
    assert not plain["delivered"] and plain["update_id"] is None
    assert await drain(bot) == []
    reply = await sb.control.send_document(
        branch.chat_id, zhao, "minutes.pdf", MINUTES, caption="here", reply_to=own.message_id
    )
    assert reply["delivered"]
    message = await _only_message(bot)
    assert message.document is not None and message.reply_to_message is not None
    assert message.reply_to_message.message_id == own.message_id
    assert bytes(await (await bot.get_file(message.document.file_id)).download_as_bytearray()) == MINUTES
    await sb.control.promote(branch.chat_id, "bot", by=branch.secretary)
    await drain(bot)
    photo = await sb.control.send_photo(branch.chat_id, zhao, _png(4, 5), caption="合影")
    assert photo["delivered"]
    seen = await _only_message(bot)
    assert seen.caption == "合影" and (seen.photo[-1].width, seen.photo[-1].height) == (4, 5)
    await sb.control.demote(branch.chat_id, "bot", by=branch.secretary)
    await sb.control.set_privacy(False)
    await drain(bot)
    assert (await sb.control.send_document(branch.chat_id, zhao, "notes.txt", b"v2"))["delivered"]
    assert (await _only_message(bot)).document is not None
    entries = (await sb.control.transcript(branch.chat_id))["messages"]
    media = [(e["media"]["kind"], e["text"]) for e in entries if "media" in e]
    assert media == [("document", None), ("document", "here"), ("photo", "合影"), ("document", None)]


async def test_refused_file_sends(branch: Branch, sb: Sandbox) -> None:
    """Files are refused where text would be (private chat never started, not a member) and when they are
    not what they claim: a photo that is no image, empty content, bad base64, a document without a name."""
    zhao = branch.members[0]
    with pytest.raises(ControlApiError) as not_started:
        await sb.control.send_document(zhao, zhao, "a.txt", b"x")
    assert not_started.value.status == 409
    outsider = (await sb.control.create_user("Sun"))["id"]
    with pytest.raises(ControlApiError) as not_member:
        await sb.control.send_photo(branch.chat_id, outsider, _png(1, 1))
    assert not_member.value.status == 409
    with pytest.raises(ControlApiError, match="PNG, GIF or JPEG"):
        await sb.control.send_photo(branch.chat_id, zhao, b"not an image")
    with pytest.raises(ControlApiError, match="non-empty"):
        await sb.control.send_document(branch.chat_id, zhao, "empty.txt", b"")
    async with httpx.AsyncClient() as http:
        bad = await http.post(
            sb.control_url + "/messages/document",
            json={"chat_id": branch.chat_id, "user_id": zhao, "file_name": "a", "content_base64": "%%"},
        )
        nameless = await http.post(
            sb.control_url + "/messages/document",
            json={"chat_id": branch.chat_id, "user_id": zhao, "content_base64": "eA=="},
        )
    assert bad.status_code == 400 and "base64" in bad.json()["error"]
    assert nameless.status_code == 400 and "file_name" in nameless.json()["error"]
    assert (await sb.control.transcript(branch.chat_id))["messages"][-1].get("media") is None
