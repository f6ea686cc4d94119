"""Error texts and rules checked against Telegram's own wording (Bot API server / TDLib sources).

python-telegram-bot strips "Bad Request: " and capitalises the rest (str.capitalize lowers every other
letter), so the messages below are what PTB shows for Telegram's descriptions.
"""

from __future__ import annotations

import httpx
import pytest
import telegram
from telegram.error import BadRequest

from tests.support.sandbox import Branch, drain
from tgrules.limits import ANSWER_CALLBACK_TEXT_MAX, MESSAGE_TEXT_MAX, WEBHOOK_SECRET_MAX
from tgsandbox import Sandbox


async def test_a_poll_may_have_a_single_option(bot: telegram.Bot, branch: Branch) -> None:
    """Bot API 10.0 allows 1-12 options; none at all is TDLib's "at least one answer option"."""
    sent = await bot.send_poll(branch.chat_id, "Attending?", ["yes"])
    assert sent.poll is not None and [o.text for o in sent.poll.options] == ["yes"]
    with pytest.raises(BadRequest) as caught:
        await bot.send_poll(branch.chat_id, "Attending?", [])
    assert caught.value.message == "Poll must have at least one answer option"


@pytest.mark.parametrize(
    ("question", "options", "message"),
    [
        (" ", ["a", "b"], "Text must be non-empty"),
        ("Q", ["a", "\n"], "Text must be non-empty"),
        ("Q" * 301, ["a", "b"], "Poll question length must not exceed 300"),
        ("Q", [str(i) for i in range(13)], "Poll can't have more than 12 options"),
        ("Q", ["a", "b" * 101], "Poll options length must not exceed 100"),
    ],
)
async def test_poll_texts_are_tdlibs(
    bot: telegram.Bot, branch: Branch, question: str, options: list[str], message: str
) -> None:
    """Each poll refusal carries Telegram's exact description."""
    with pytest.raises(BadRequest) as caught:
        await bot.send_poll(branch.chat_id, question, options)
    assert caught.value.message == message


async def test_wrong_correct_option_text(bot: telegram.Bot, branch: Branch) -> None:
    """A quiz whose correct option does not exist is "wrong correct option ID specified"."""
    with pytest.raises(BadRequest) as caught:
        await bot.send_poll(branch.chat_id, "Q", ["a", "b"], type="quiz", correct_option_ids=[5])
    assert caught.value.message == "Wrong correct option id specified"


async def test_edit_past_the_limit_is_message_too_long(bot: telegram.Bot, branch: Branch) -> None:
    """sendMessage says "message is too long"; editMessageText passes the server's MESSAGE_TOO_LONG."""
    sent = await bot.send_message(branch.chat_id, "short")
    with pytest.raises(BadRequest) as caught:
        await bot.edit_message_text("x" * (MESSAGE_TEXT_MAX + 1), branch.chat_id, sent.message_id)
    assert caught.value.message == "Message_too_long"
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(branch.chat_id, "x" * (MESSAGE_TEXT_MAX + 1))
    assert caught.value.message == "Message is too long"


async def test_answer_callback_texts(bot: telegram.Bot, branch: Branch, sb: Sandbox) -> None:
    """Over 200 characters is MESSAGE_TOO_LONG; a second answer is "query is too old ..."."""
    keyboard = telegram.InlineKeyboardMarkup([[telegram.InlineKeyboardButton("ok", callback_data="ok")]])
    sent = await bot.send_message(branch.chat_id, "tap", reply_markup=keyboard)
    tap = await sb.control.press(branch.chat_id, sent.message_id, branch.members[0], data="ok")
    await drain(bot)
    with pytest.raises(BadRequest) as caught:
        await bot.answer_callback_query(tap["callback_query_id"], text="x" * (ANSWER_CALLBACK_TEXT_MAX + 1))
    assert caught.value.message == "Message_too_long"
    assert await bot.answer_callback_query(tap["callback_query_id"], text="x" * ANSWER_CALLBACK_TEXT_MAX)
    with pytest.raises(BadRequest) as caught:
        await bot.answer_callback_query(tap["callback_query_id"])
    assert caught.value.message == "Query is too old and response timeout expired or query id is invalid"


async def test_file_texts(bot: telegram.Bot, branch: Branch) -> None:
    """Unknown file ids, type mismatches and getFile use Telegram's descriptions."""
    document = await bot.send_document(branch.chat_id, b"notes", filename="notes.txt")
    assert document.document is not None
    with pytest.raises(BadRequest) as caught:
        await bot.send_photo(branch.chat_id, document.document.file_id)
    assert caught.value.message == "Can't use file of type document as photo"
    with pytest.raises(BadRequest) as caught:
        await bot.send_video(branch.chat_id, "AAAAunknown")
    assert caught.value.message == "Wrong file identifier/http url specified"
    with pytest.raises(BadRequest) as caught:
        await bot.get_file("AAAAunknown")
    assert caught.value.message == "Invalid file_id"


async def test_set_webhook_texts(bot: telegram.Bot) -> None:
    """A non-HTTP(S) url and an over-long or odd secret token get Telegram's wording; "" means no secret."""
    with pytest.raises(BadRequest) as caught:
        await bot.set_webhook("ftp://127.0.0.1/hook")
    assert caught.value.message == "Bad webhook: https url must be provided for webhook"
    with pytest.raises(BadRequest) as caught:
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="s" * (WEBHOOK_SECRET_MAX + 1))
    assert caught.value.message == "Secret token is too long"
    with pytest.raises(BadRequest) as caught:
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="no spaces")
    assert caught.value.message == "Secret token contains unallowed characters"
    assert await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="")
    assert await bot.delete_webhook()


async def test_negative_long_poll_timeout_is_clamped(sb: Sandbox) -> None:
    """Telegram clamps getUpdates' timeout instead of refusing a negative one."""
    async with httpx.AsyncClient() as http:
        answer = (await http.post(f"{sb.base_url}{sb.token}/getUpdates", data={"timeout": "-5"})).json()
    assert answer == {"ok": True, "result": []}
