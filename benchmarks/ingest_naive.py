"""The ingestion benchmark's baseline: a plain python-telegram-bot bot that commits per update and answers each tap
with its own request, as the library's examples would have it.

It runs as its own process, like the product:

    .venv/bin/python benchmarks/ingest_naive.py --mode webhook|polling --db URL --api-root ROOT --token T
        [--port P --secret S]

and prints one JSON line ({"ready": true}) once it takes updates. Handlers: a CallbackQueryHandler that opens a
session, inserts one event row, commits, then ``await query.answer(...)``; a PollAnswerHandler that does the same
without an answer. By default python-telegram-bot's and SQLAlchemy's defaults: one update at a time, the default
pool. ``--concurrent`` makes a stronger baseline: ``concurrent_updates(True)`` (256 at once) and, on SQLite, one
pooled connection (see baseline_engine). Webhook mode follows PTB's Starlette example
(examples/customwebhookbot/starlettebot.py): the route puts the update on the application's queue and answers 200.
It uses the same stack as lesson_bot (uvicorn with httptools; httpx, python-telegram-bot's default backend).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from datetime import UTC, datetime
from typing import Any

import uvicorn
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, UniqueConstraint, insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, PollAnswerHandler

from lesson_bot.db.engine import create_engine

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.CALLBACK_QUERY, Update.POLL_ANSWER]
metadata = MetaData()
# The baseline's own table: one row per tap or answer, unique per person and target like the product's.
naive_events = Table(
    "naive_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("chat_id", Integer),
    Column("user_id", Integer, nullable=False),
    Column("ref", String(64), nullable=False),
    Column("option", Integer),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "user_id", "ref"),
)


async def create_table(engine: AsyncEngine) -> None:
    """The baseline's table, next to the product's."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


PlainApp = Application[Any, Any, Any, Any, Any, Any]


def build(token: str, api_root: str, engine: AsyncEngine, *, polling: bool, concurrent: bool) -> PlainApp:
    """The plain application: two handlers, each one transaction and (for taps) one answer request."""
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        chat_id = query.message.chat.id if query.message is not None else None
        async with sessions() as session, session.begin():
            await session.execute(insert(naive_events).values(
                kind="checkin", chat_id=chat_id, user_id=query.from_user.id, ref=query.data, at=datetime.now(UTC)))
        await query.answer("已记录")

    async def on_answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        answer = update.poll_answer
        assert answer is not None and answer.user is not None
        async with sessions() as session, session.begin():
            await session.execute(insert(naive_events).values(
                kind="answer", user_id=answer.user.id, ref=answer.poll_id,
                option=answer.option_ids[0] if answer.option_ids else None, at=datetime.now(UTC)))

    builder = (ApplicationBuilder().token(token).base_url(f"{api_root}/bot").base_file_url(f"{api_root}/file/bot")
               .concurrent_updates(concurrent))
    if not polling:
        builder = builder.updater(None)
    app = builder.build()
    app.add_handler(CallbackQueryHandler(on_tap))
    app.add_handler(PollAnswerHandler(on_answer))
    return app


def webhook_app(app: PlainApp, secret: str) -> Starlette:
    """PTB's Starlette example: check the secret, queue the update, answer 200 at once."""

    async def hook(request: Request) -> Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return Response(status_code=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return Response()

    return Starlette(routes=[Route("/hook", hook, methods=["POST"])])


class QuietServer(uvicorn.Server):
    """uvicorn without its own signal handling: the rig stops these bots itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield


def baseline_engine(url: str, concurrent: bool) -> AsyncEngine:
    """lesson_bot's engine settings (WAL, busy timeout). When concurrent, on SQLite one pooled connection, so that
    concurrent handlers queue for it instead of spinning on SQLite's write lock (with the default pool of 15 such a
    baseline ran at ~15 updates/s and lost events to 'database is locked')."""
    if concurrent and url.startswith("sqlite"):
        from sqlalchemy import event
        from sqlalchemy.ext.asyncio import create_async_engine

        from lesson_bot.db.engine import _sqlite_pragmas

        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=300)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url)


async def serve(options: argparse.Namespace) -> None:
    engine = baseline_engine(options.db, options.concurrent)
    await create_table(engine)
    polling = options.mode == "polling"
    app = build(options.token, options.api_root, engine, polling=polling, concurrent=options.concurrent)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server: QuietServer | None = None
    serving: asyncio.Task[None] | None = None
    async with app:
        if polling:
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=True)
        else:
            server = QuietServer(uvicorn.Config(webhook_app(app, options.secret), host="127.0.0.1", port=options.port,
                                            log_level="warning", access_log=False, lifespan="off"))
            serving = asyncio.create_task(server.serve())
            while not server.started:
                await asyncio.sleep(0.01)  # uvicorn has no "started" event to wait on
            await app.bot.set_webhook(f"http://127.0.0.1:{options.port}/hook", secret_token=options.secret,
                                      allowed_updates=ALLOWED_UPDATES, drop_pending_updates=True)
        await app.start()
        print(json.dumps({"ready": True}), flush=True)
        await stop.wait()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()
    if server is not None and serving is not None:
        server.should_exit = True
        await serving
    await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("webhook", "polling"), required=True)
    parser.add_argument("--db", required=True, help="SQLAlchemy async URL")
    parser.add_argument("--api-root", required=True, help="Bot API server root, e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--port", type=int, default=0, help="webhook port (webhook mode)")
    parser.add_argument("--secret", default="naive-secret", help="webhook secret token")
    parser.add_argument("--concurrent", action="store_true", help="256 updates at once (one SQLite connection)")
    options = parser.parse_args(argv)
    if options.mode == "webhook" and not options.port:
        parser.error("--port is required in webhook mode")
    asyncio.run(serve(options))
    sys.exit(0)


if __name__ == "__main__":
    main()
