"""The ingestion benchmark's ceiling: python-telegram-bot doing nothing but its own share of each update.

A bot that writes nothing and decides nothing: each webhook POST is parsed (``Update.de_json``), passed through
``Application.process_update`` to a CallbackQueryHandler that answers the tap in the webhook's HTTP reply (no
request) or a PollAnswerHandler that does nothing, and counted in memory. It runs on the product's serving stack
at its fastest (uvicorn with httptools, uvloop, a bare ASGI endpoint, setWebhook max_connections=100). No bot built
on python-telegram-bot can take updates faster on this rig, so its rate bounds what any speed-up against the plain
handler can be; it is a reference, not a contender.

    .venv/bin/python benchmarks/ingest_ceiling.py --api-root ROOT --token T --port P [--secret S]

prints one JSON line ({"ready": true}) once it takes updates; ``GET /count`` answers how many it has handled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import signal
import sys
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, PollAnswerHandler

from ingest_naive import QuietServer
from lesson_bot.bootstrap.runtime import run

SECRET_HEADER = b"x-telegram-bot-api-secret-token"
ALLOWED_UPDATES = [Update.CALLBACK_QUERY, Update.POLL_ANSWER]
PlainApp = Application[Any, Any, Any, Any, Any, Any]
_reply: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("reply", default=None)


def build(token: str, api_root: str) -> PlainApp:
    async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        reply = _reply.get()
        assert reply is not None
        reply.update(method="answerCallbackQuery", callback_query_id=query.id, text="已记录")

    async def on_answer(_update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        return None

    app = (ApplicationBuilder().token(token).base_url(f"{api_root}/bot").base_file_url(f"{api_root}/file/bot")
           .updater(None).build())
    app.add_handler(CallbackQueryHandler(on_tap))
    app.add_handler(PollAnswerHandler(on_answer))
    return app


class Endpoint:
    """POST /hook: the secret, the update through PTB, the answer in the reply. GET /count: updates handled."""

    def __init__(self, app: PlainApp, secret: bytes) -> None:
        self.app, self.secret, self.handled = app, secret, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] == "GET" and scope["path"] == "/count":
            await _answer(send, 200, {"handled": self.handled})
            return
        if dict(scope["headers"]).get(SECRET_HEADER) != self.secret:
            await _answer(send, 403, None)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        reply: dict[str, Any] = {}
        token = _reply.set(reply)
        try:
            await self.app.process_update(Update.de_json(json.loads(b"".join(chunks)), self.app.bot))
        finally:
            _reply.reset(token)
        self.handled += 1
        await _answer(send, 200, reply or None)


async def _answer(send: Send, status: int, payload: dict[str, Any] | None) -> None:
    body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    headers = [(b"content-length", str(len(body)).encode())]
    if payload is not None:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def serve(options: argparse.Namespace) -> None:
    app = build(options.token, options.api_root)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = QuietServer(uvicorn.Config(Endpoint(app, options.secret.encode()), host="127.0.0.1", port=options.port,
                                    log_level="warning", access_log=False, lifespan="off", http="httptools"))
    async with app:
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)  # uvicorn has no "started" event to wait on
        await app.bot.set_webhook(f"http://127.0.0.1:{options.port}/hook", secret_token=options.secret,
                                  allowed_updates=ALLOWED_UPDATES, drop_pending_updates=True, max_connections=100)
        await app.start()
        print(json.dumps({"ready": True}), flush=True)
        await stop.wait()
        await app.stop()
        server.should_exit = True
        await serving


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api-root", required=True, help="Bot API server root, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, required=True, help="webhook port")
    parser.add_argument("--secret", default="ceiling-secret", help="webhook secret token")
    run(serve(parser.parse_args(argv)))
    sys.exit(0)


if __name__ == "__main__":
    main()
