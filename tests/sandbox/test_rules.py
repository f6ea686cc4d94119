"""Telegram's rules and error answers, as python-telegram-bot raises them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken

from tests.support.sandbox import PNG, Branch
from tgrules.limits import (
    CALLBACK_DATA_MAX_BYTES,
    CAPTION_MAX,
    MESSAGE_TEXT_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_QUESTION_MAX,
    QUIZ_EXPLANATION_MAX,
)
from tgsandbox import Sandbox


async def test_text_length_counts_after_entity_parsing(bot: telegram.Bot, branch: Branch) -> None:
    """4,096 visible characters pass even with markup around them; one more is "message is too long"."""
    limit_text = "党" * MESSAGE_TEXT_MAX
    assert (
        await bot.send_message(branch.chat_id, f"<b>{limit_text}</b>", parse_mode="HTML")
    ).text == limit_text
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(branch.chat_id, limit_text + "!")


async def test_empty_text_is_refused(bot: telegram.Bot, branch: Branch) -> None:
    """Text that is empty after parsing is "message text is empty"."""
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(branch.chat_id, "<b> </b>", parse_mode="HTML")


async def test_caption_limit(bot: telegram.Bot, branch: Branch) -> None:
    """Captions may hold 1,024 characters and no more."""
    await bot.send_photo(branch.chat_id, PNG, caption="图" * CAPTION_MAX)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(branch.chat_id, PNG, caption="图" * (CAPTION_MAX + 1))


async def test_unsupported_html_is_refused(bot: telegram.Bot, branch: Branch) -> None:
    """Tags Telegram does not know are "can't parse entities" with the byte offset."""
    with pytest.raises(
        BadRequest, match=r"Can't parse entities: unsupported start tag \"br\" at byte offset 3"
    ):
        await bot.send_message(branch.chat_id, "one<br>two", parse_mode="HTML")


async def test_callback_data_is_at_most_64_bytes(bot: telegram.Bot, branch: Branch) -> None:
    """64 bytes of callback_data are fine; 65 (or 22 three-byte characters) are BUTTON_DATA_INVALID."""
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * CALLBACK_DATA_MAX_BYTES)]])
    await bot.send_message(branch.chat_id, "fits", reply_markup=fits)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="党" * 22)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(branch.chat_id, "too long", reply_markup=too_long)


@pytest.mark.parametrize(
    ("question", "options", "extra", "message"),
    [
        ("Q" * (POLL_QUESTION_MAX + 1), ["a", "b"], {}, "Poll question length must not exceed"),
        ("", ["a", "b"], {}, "Text must be non-empty"),
        ("Q", [], {}, "Poll must have at least one answer option"),
        ("Q", [str(i) for i in range(POLL_OPTIONS_MAX + 1)], {}, "Poll can't have more than 12 options"),
        ("Q", ["a", "b" * (POLL_OPTION_MAX + 1)], {}, "Poll options length must not exceed"),
        ("Q", ["a", " "], {}, "Text must be non-empty"),
        ("Q", ["a", "b"], {"type": "quiz"}, "Wrong correct option id specified"),
        ("Q", ["a", "b"], {"type": "quiz", "correct_option_ids": [2]}, "Wrong correct option id specified"),
        (
            "Q",
            ["a", "b"],
            {"type": "quiz", "correct_option_ids": [0], "explanation": "e" * (QUIZ_EXPLANATION_MAX + 1)},
            "Poll explanation length must not exceed",
        ),
        (
            "Q",
            ["a", "b"],
            {"type": "quiz", "correct_option_ids": [0], "explanation": "1\n2\n3\n4"},
            "line feeds",
        ),
    ],
)
async def test_poll_limits(
    bot: telegram.Bot,
    branch: Branch,
    question: str,
    options: list[str],
    extra: dict[str, object],
    message: str,
) -> None:
    """Polls outside Telegram's limits are refused with Telegram's description."""
    with pytest.raises(BadRequest, match=message):
        await bot.send_poll(branch.chat_id, question, options, **extra)  # type: ignore[arg-type]


async def test_largest_valid_quiz_is_accepted(bot: telegram.Bot, branch: Branch) -> None:
    """A quiz at every limit at once goes through."""
    sent = await bot.send_poll(
        branch.chat_id,
        "Q" * POLL_QUESTION_MAX,
        [f"{i}" * POLL_OPTION_MAX for i in range(POLL_OPTIONS_MAX - 2)] + ["x", "y"],
        type="quiz",
        correct_option_ids=[0],
        explanation="e" * QUIZ_EXPLANATION_MAX,
    )
    assert sent.poll is not None and len(sent.poll.options) == POLL_OPTIONS_MAX


async def test_user_who_never_started_the_bot(bot: telegram.Bot, sb: Sandbox) -> None:
    """A bot cannot open a private conversation; after /start it can."""
    user = await sb.control.create_user("Sun")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(user["id"], "hi")
    await sb.control.start(user["id"], "invite-42")
    assert (await bot.send_message(user["id"], "hi")).chat.id == user["id"]


async def test_blocked_user(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """After a block every send is 403 "bot was blocked by the user", and the bot hears my_chat_member."""
    await bot.get_updates(offset=-1)
    await sb.control.block(branch.secretary)
    updates = await bot.get_updates(offset=-1)
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(branch.secretary, "reminder")
    await sb.control.start(branch.secretary)
    assert await bot.send_message(branch.secretary, "welcome back")


async def test_kicked_from_group_and_supergroup(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """A removed bot is "kicked from the group chat"; from a supergroup, "...the supergroup chat"."""
    await sb.control.remove_member(branch.chat_id, "bot", by=branch.secretary)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(branch.chat_id, "hello?")
    members = [branch.secretary, *branch.members]
    supergroup = (await sb.control.create_group("Big", members, supergroup=True))["chat_id"]
    await sb.control.remove_member(supergroup, "bot", by=branch.secretary)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(supergroup, "hello?")


async def test_unknown_chat(bot: telegram.Bot, sb: Sandbox) -> None:
    """A chat the bot was never in is "chat not found"."""
    user = (await sb.control.create_user("Zhou"))["id"]
    elsewhere = (await sb.control.create_group("Elsewhere", [user], with_bot=False))["chat_id"]
    for chat_id in (elsewhere, -999):
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(chat_id, "hi")


async def test_migrated_group_answers_with_the_new_id(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """After an upgrade the old id is 400 with migrate_to_chat_id, which PTB raises as ChatMigrated."""
    await bot.get_updates(offset=-1)
    new_id = (await sb.control.migrate(branch.chat_id))["chat_id"]
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(branch.chat_id, "hello")
    assert caught.value.new_chat_id == new_id and str(new_id).startswith("-100")
    updates = (await bot.get_updates())[1:]
    assert [u.message.migrate_to_chat_id for u in updates if u.message] == [new_id, None]
    assert [u.message.migrate_from_chat_id for u in updates if u.message] == [None, branch.chat_id]
    assert (await bot.send_message(new_id, "hello")).chat.type == "supergroup"


async def test_edit_to_identical_content(bot: telegram.Bot, branch: Branch) -> None:
    """Editing to the same text and markup is "message is not modified"."""
    sent = await bot.send_message(branch.chat_id, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", branch.chat_id, sent.message_id)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(branch.chat_id, sent.message_id)


async def test_edit_and_delete_missing_messages(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Missing messages and other people's messages cannot be edited or deleted."""
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", branch.chat_id, 999)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(branch.chat_id, 999)
    theirs = await sb.control.send(branch.chat_id, branch.secretary, "/me")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", branch.chat_id, theirs["message_id"])
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(branch.chat_id, theirs["message_id"])
    with pytest.raises(BadRequest, match="Not enough rights to manage pinned messages"):
        await bot.pin_chat_message(branch.chat_id, theirs["message_id"])


async def test_unknown_token_and_method(sb: Sandbox) -> None:
    """A wrong token is 401 Unauthorized; an unknown method is 404 Not Found (both InvalidToken in PTB)."""
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{sb.base_url}123:wrong/getMe")
        missing = await client.post(f"{sb.base_url}{sb.token}/getSomethingElse")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (missing.status_code, missing.json()["description"]) == (404, "Not Found")
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with telegram.Bot("123:wrong", base_url=sb.base_url):
            pass


async def test_json_and_urlencoded_bodies_are_equivalent(sb: Sandbox, branch: Branch) -> None:
    """Parameters may come as JSON, as a form, or in the query string, chat_id as number or text."""
    url = f"{sb.base_url}{sb.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        as_json = await client.post(url, json={"chat_id": branch.chat_id, "text": "json"})
        as_form = await client.post(url, data={"chat_id": str(branch.chat_id), "text": "form"})
        as_query = await client.get(url, params={"chat_id": branch.chat_id, "text": "query"})
        empty = await client.post(url, json={"chat_id": branch.chat_id})
    assert [r.json()["result"]["text"] for r in (as_json, as_form, as_query)] == ["json", "form", "query"]
    assert empty.status_code == 400
    assert empty.json()["description"] == "Bad Request: message text is empty"


async def test_flood_limit_answers_429(
    sb: Sandbox, bot: telegram.Bot, branch: Branch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the per-chat burst the answer is 429 with retry_after, which PTB raises as RetryAfter."""
    # Without it PTB 22.8 warns (deprecation) while building RetryAfter, and warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    await sb.control.set_flood(enabled=True, chat_burst=2, chat_per_second=1)
    await bot.send_message(branch.chat_id, "1")
    await bot.send_message(branch.chat_id, "2")
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await bot.send_message(branch.chat_id, "3")
    assert isinstance(caught.value.retry_after, timedelta) and caught.value.retry_after.total_seconds() >= 1
    counters = await sb.control.counters()
    assert counters["flood"]["chat"] == 1 and counters["requests"]["sendMessage"] == 3


async def test_second_poller_ends_the_first(bot: telegram.Bot, sb: Sandbox) -> None:
    """Two getUpdates at once: the older one ends with 409, as when two bot instances run."""
    before = (await sb.control.counters())["requests"].get("getUpdates", 0)
    waiting = asyncio.create_task(bot.get_updates(timeout=30))
    await sb.control.wait_requests("getUpdates", count=before + 1)
    async with telegram.Bot(sb.token, base_url=sb.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates request"):
        await waiting


async def test_delete_webhook_can_drop_pending_updates(bot: telegram.Bot, branch: Branch) -> None:
    """deleteWebhook(drop_pending_updates=True) forgets queued updates; without it they stay."""
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).pending_update_count > 0
    await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).pending_update_count == 0
    assert await bot.get_updates(timeout=0) == ()
