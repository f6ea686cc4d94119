"""The control API plays the members: joins, privacy mode, chat_member updates, transcripts, files."""

from __future__ import annotations

import httpx
import pytest
import telegram

from tests.support.sandbox import PNG, Branch, drain
from tgsandbox import ControlApiError, Sandbox, SyncControlClient


async def test_new_member_yields_service_message_and_chat_member_for_admin_bots(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """chat_member arrives only when the bot is an admin and asked for it; new_chat_members always."""
    await drain(bot)
    newcomer = (await sb.control.create_user("Li"))["id"]
    await sb.control.add_member(branch.chat_id, newcomer, by=branch.secretary)
    kinds = [
        (u.message.new_chat_members[0].id if u.message else None, u.chat_member) for u in await drain(bot)
    ]
    assert kinds == [(newcomer, None)]
    await sb.control.promote(branch.chat_id, "bot", by=branch.secretary)
    await bot.get_updates(offset=-1, allowed_updates=["message", "chat_member", "my_chat_member"])
    await drain(bot)
    second = (await sb.control.create_user("Zhou"))["id"]
    await sb.control.add_member(branch.chat_id, second)
    await sb.control.remove_member(branch.chat_id, second, by=branch.secretary)
    updates = await drain(bot)
    changes = [
        (u.chat_member.old_chat_member.status, u.chat_member.new_chat_member.status)
        for u in updates
        if u.chat_member
    ]
    assert changes == [("left", "member"), ("member", "kicked")]
    assert [u.message.left_chat_member.id for u in updates if u.message and u.message.left_chat_member] == [
        second
    ]


async def test_default_allowed_updates_exclude_chat_member(
    bot: telegram.Bot, branch: Branch, sb: Sandbox
) -> None:
    """Without asking for chat_member an admin bot still hears my_chat_member but not chat_member."""
    await sb.control.promote(branch.chat_id, "bot", by=branch.secretary)
    updates = await drain(bot)
    assert [u.my_chat_member.new_chat_member.status for u in updates if u.my_chat_member][
        -1
    ] == "administrator"
    newcomer = (await sb.control.create_user("Wu"))["id"]
    await sb.control.add_member(branch.chat_id, newcomer)
    assert not [u for u in await drain(bot) if u.chat_member]


async def test_privacy_mode_filters_group_chatter(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """In privacy mode a plain member bot sees commands and replies to it, not chatter; all is transcribed."""
    await drain(bot)
    own = await bot.send_message(branch.chat_id, "question")
    zhao = branch.members[0]
    chatter = await sb.control.send(branch.chat_id, zhao, "hello all")
    command = await sb.control.send(branch.chat_id, zhao, "/me@sandbox_bot please")
    other_bot = await sb.control.send(branch.chat_id, zhao, "/me@other_bot")
    reply = await sb.control.send(branch.chat_id, zhao, "answer", reply_to=own.message_id)
    assert [chatter["delivered"], command["delivered"], other_bot["delivered"], reply["delivered"]] == [
        False,
        True,
        False,
        True,
    ]
    updates = await drain(bot)
    assert [u.message.text for u in updates if u.message] == ["/me@sandbox_bot please", "answer"]
    assert updates[0].message is not None and updates[0].message.entities[0].type == "bot_command"
    await sb.control.set_privacy(False)
    assert (await sb.control.send(branch.chat_id, zhao, "now visible"))["delivered"]
    texts = [m["text"] for m in (await sb.control.transcript(branch.chat_id))["messages"]]
    assert "hello all" in texts and "now visible" in texts


async def test_control_refuses_impossible_actions(branch: Branch, sb: Sandbox) -> None:
    """The control API refuses what Telegram users could not do, and says why."""
    outsider = (await sb.control.create_user("Outsider"))["id"]
    with pytest.raises(ControlApiError, match="not a member"):
        await sb.control.send(branch.chat_id, outsider, "hi")
    with pytest.raises(ControlApiError, match="must start the bot"):
        await sb.control.send(outsider, outsider, "hi")
    with pytest.raises(ControlApiError, match="no callback button"):
        await sb.control.press(branch.chat_id, 1, branch.secretary, data="nothing")
    with pytest.raises(ControlApiError) as caught:
        await sb.control.transcript(-1)
    assert caught.value.status == 404


async def test_files_upload_reuse_and_download(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """An upload gets a file_id that can be sent again and downloaded through getFile."""
    photo = await bot.send_photo(branch.chat_id, PNG, caption="示意图")
    size = photo.photo[-1]
    assert (size.width, size.height) == (1, 1)
    again = await bot.send_photo(branch.chat_id, size.file_id)
    assert again.photo[-1].file_unique_id == size.file_unique_id
    document = await bot.send_document(branch.chat_id, b"%PDF-1.4 minutes", filename="minutes.pdf")
    assert document.document is not None and document.document.file_name == "minutes.pdf"
    video = await bot.send_video(
        branch.chat_id, b"\x00\x00\x00\x18ftypmp42", duration=3, width=640, height=360
    )
    assert video.video is not None and video.video.width == 640
    file = await bot.get_file(document.document.file_id)
    assert file.file_path is not None and file.file_path.startswith(sb.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 minutes"
    with pytest.raises(telegram.error.BadRequest, match="Wrong file identifier"):
        await bot.send_photo(branch.chat_id, "no-such-file-id")
    with pytest.raises(telegram.error.BadRequest, match="Can't use file of type document as photo"):
        await bot.send_photo(branch.chat_id, document.document.file_id)
    with pytest.raises(telegram.error.BadRequest, match="Invalid file_id"):
        await bot.get_file("nope")
    kinds = [
        m.get("media", {}).get("kind") for m in (await sb.control.transcript(branch.chat_id))["messages"]
    ]
    assert kinds[-4:] == ["photo", "photo", "document", "video"]


async def test_counters_count_requests_per_method(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Counters report each Bot API method's calls."""
    await bot.send_message(branch.chat_id, "x")
    await bot.get_updates()
    counters = await sb.control.counters()
    assert counters["requests"]["sendMessage"] == 1 and counters["requests"]["getMe"] == 1
    assert counters["faults"]["error"] == 0 and counters["flood"]["total"] == 0


def test_sync_client_for_scripts(sb_url_and_token: tuple[str, str]) -> None:
    """Scripts can drive the sandbox without asyncio."""
    control_url, _ = sb_url_and_token
    client = SyncControlClient(control_url)
    try:
        user = client.create_user("Script")
        assert client.start(user["id"])["delivered"]
        assert client.info()["bot"]["username"] == "sandbox_bot"
    finally:
        client.close()


@pytest.fixture
def sb_url_and_token() -> object:
    """A standalone sandbox process for the synchronous client."""
    from tests.support.sandbox import standalone

    with standalone(["-m", "tgsandbox", "--no-flood"]) as announced:
        yield announced["control_url"], announced["token"]


async def test_control_errors_are_json(sb: Sandbox) -> None:
    """A malformed control request is a 400 with a JSON reason."""
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sb.control_url}/users", content=b"[1]")
    assert response.status_code == 400 and response.json()["ok"] is False
