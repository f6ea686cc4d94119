"""A python-telegram-bot Application against the sandbox, in polling and in webhook mode."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
)

from tests.support.sandbox import Branch
from tgsandbox import Sandbox

SECRET = "s3cret-token_ok"


async def cmd_lesson(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("已学习", callback_data="lesson:done:1")]])
    await context.bot.send_message(update.effective_chat.id, "第一课", reply_markup=keyboard)
    await context.bot.send_poll(
        update.effective_chat.id, "Q?", ["a", "b"], type="quiz", correct_option_ids=[0], is_anonymous=False
    )


async def on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None and update.effective_chat is not None
    await update.callback_query.answer("已记录")
    await context.bot.send_message(update.effective_chat.id, f"tapped {update.callback_query.data}")


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    answer = update.poll_answer
    assert answer is not None and answer.user is not None
    await context.bot.send_message(answer.user.id, f"answer {list(answer.option_ids)}")


def build(sb: Sandbox, polling: bool = True) -> Application:  # type: ignore[type-arg]
    builder = ApplicationBuilder().token(sb.token).base_url(sb.base_url).base_file_url(sb.base_file_url)
    if not polling:
        builder = builder.updater(None)
    app = builder.build()
    app.add_handler(CommandHandler("lesson", cmd_lesson))
    app.add_handler(CallbackQueryHandler(on_tap))
    app.add_handler(PollAnswerHandler(on_answer))
    return app


async def conversation(sb: Sandbox, branch: Branch) -> None:
    """A command, a tap and a poll answer, each answered by the bot."""
    zhao = branch.members[0]
    await sb.control.start(zhao)
    command = await sb.control.send(branch.chat_id, zhao, "/lesson@sandbox_bot")
    lesson_id, poll_id = (
        await sb.control.wait_bot_messages(branch.chat_id, after=command["message_id"], count=2)
    )["message_ids"]
    tap = await sb.control.press(branch.chat_id, lesson_id, zhao, data="lesson:done:1")
    assert (await sb.control.wait_callback_answered(tap["callback_query_id"]))["text"] == "已记录"
    await sb.control.wait_bot_messages(branch.chat_id, after=poll_id)
    await sb.control.vote(branch.chat_id, poll_id, zhao, [0])
    await sb.control.wait_bot_messages(zhao)
    group = [m["text"] for m in (await sb.control.transcript(branch.chat_id))["messages"]]
    assert group[-3:] == ["第一课", None, "tapped lesson:done:1"]
    private = [m["text"] for m in (await sb.control.transcript(zhao))["messages"]]
    assert private[-1] == "answer [0]"


@pytest.fixture
async def polling_app(sb: Sandbox) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = build(sb)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(timeout=1, poll_interval=0)
        await app.start()
        yield app
        await app.updater.stop()
        await app.stop()


async def test_polling_application_answers_command_tap_and_poll(
    sb: Sandbox,
    branch: Branch,
    polling_app: Application,  # type: ignore[type-arg]
) -> None:
    """A polling bot receives a command, a button tap and a quiz answer, and replies to each."""
    await conversation(sb, branch)
    counters = await sb.control.counters()
    assert counters["requests"]["answerCallbackQuery"] == 1


class _Receiver(uvicorn.Server):
    """uvicorn inside the test's event loop; pytest keeps its own signal handlers."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def receiver(app: Application) -> Starlette:  # type: ignore[type-arg]
    """The webhook endpoint lesson_bot's web app uses: secret check, then the update to PTB's queue."""

    async def hook(request: Request) -> Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return Response(status_code=403)
        update = Update.de_json(await request.json(), app.bot)
        if update.message and update.message.text == "/ping":
            # Telegram performs a method given in the webhook's answer.
            return JSONResponse({"method": "sendMessage", "chat_id": update.message.chat.id, "text": "pong"})
        await app.update_queue.put(update)
        return Response()

    return Starlette(routes=[Route("/hook", hook, methods=["POST"])])


@pytest.fixture
async def webhook_app(sb: Sandbox) -> AsyncIterator[tuple[Application, str]]:  # type: ignore[type-arg]
    app = build(sb, polling=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    # Listening before uvicorn runs means early deliveries wait in the backlog instead of failing.
    sock.listen(64)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    server = _Receiver(uvicorn.Config(receiver(app), log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    async with app:
        await app.start()
        await app.bot.set_webhook(url, secret_token=SECRET, allowed_updates=Update.ALL_TYPES)
        yield app, url
        await app.stop()
    server.should_exit = True
    await serving
    sock.close()


async def test_webhook_application_answers_command_tap_and_poll(
    sb: Sandbox,
    branch: Branch,
    webhook_app: tuple[Application, str],  # type: ignore[type-arg]
) -> None:
    """Through setWebhook with a secret token the same conversation works in webhook mode."""
    app, url = webhook_app
    info = await app.bot.get_webhook_info()
    assert info.url == url
    await conversation(sb, branch)
    await sb.control.wait_webhook(idle=True)
    assert (await app.bot.get_webhook_info()).pending_update_count == 0


async def test_wrong_secret_is_refused_and_retried(
    sb: Sandbox,
    branch: Branch,
    webhook_app: tuple[Application, str],  # type: ignore[type-arg]
) -> None:
    """PTB refuses a wrong secret with 403; the sandbox keeps the update, reports the error and retries."""
    app, url = webhook_app
    await app.bot.set_webhook(url, secret_token="wrong-secret")
    before = (await sb.control.counters())["webhook"]["attempts"]
    await sb.control.send(branch.chat_id, branch.members[0], "/lesson")
    await sb.control.wait_webhook(attempts=before + 2)
    info = await app.bot.get_webhook_info()
    assert info.pending_update_count >= 1
    assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
    await app.bot.set_webhook(url, secret_token=SECRET)
    await sb.control.wait_webhook(idle=True)
    assert (await sb.control.wait_bot_messages(branch.chat_id, count=2))["message_ids"]


async def test_get_updates_conflicts_with_webhook(
    sb: Sandbox,
    webhook_app: tuple[Application, str],  # type: ignore[type-arg]
) -> None:
    """While a webhook is set getUpdates is a 409 Conflict."""
    from telegram.error import Conflict

    app, _ = webhook_app
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await app.bot.get_updates()


async def test_webhook_answer_can_carry_a_method(
    sb: Sandbox,
    branch: Branch,
    webhook_app: tuple[Application, str],  # type: ignore[type-arg]
) -> None:
    """A method in the webhook's HTTP answer is performed, like Telegram does: one reply per update."""
    await sb.control.send(branch.chat_id, branch.members[0], "/ping")
    (message_id,) = (await sb.control.wait_bot_messages(branch.chat_id))["message_ids"]
    entry = (await sb.control.transcript(branch.chat_id))["messages"][-1]
    assert (entry["message_id"], entry["text"]) == (message_id, "pong")
    assert (await sb.control.counters())["requests"]["sendMessage"] == 1
