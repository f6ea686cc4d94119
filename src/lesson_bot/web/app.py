"""The Starlette app: Telegram's webhook (with its secret-token check) and health.

One process: the lifespan starts the bot (python-telegram-bot with no updater) and registers the webhook; the
route handles each verified update in its request and may answer it with one Bot API call.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lesson_bot.bootstrap import Services
from lesson_bot.bot.app import BotApplication, prepare
from lesson_bot.bot.webhook import NotAnUpdate, feed, register_webhook

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
MAX_UPDATE_BYTES = 1_000_000


def webhook_path(webhook_url: str) -> str:
    """The path part of the public webhook URL; the route listens there."""
    return urlsplit(webhook_url).path or "/"


def build_web_app(services: Services, bot: BotApplication | None) -> Starlette:
    """The web app; with a bot it also serves the webhook and runs the bot in its lifespan."""
    settings = services.settings
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else None

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if secret is None or not hmac.compare_digest(given, secret):
            log.warning("webhook call with a missing or wrong secret token from %s", request.client)
            return JSONResponse({"ok": False, "error": "forbidden"}, status_code=403)
        body = await request.body()
        if len(body) > MAX_UPDATE_BYTES:
            return JSONResponse({"ok": False, "error": "too large"}, status_code=413)
        assert bot is not None
        try:
            call = await feed(bot, body)
        except NotAnUpdate:
            return JSONResponse({"ok": False, "error": "not an update"}, status_code=400)
        return Response(status_code=200) if call is None else JSONResponse(call)

    async def health(_request: Request) -> Response:
        try:
            async with services.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means unhealthy
            return JSONResponse({"ok": False, "database": type(exc).__name__}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok", "bot": bot is not None and bot.running})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if bot is None:
            yield
            return
        async with bot:
            await prepare(bot)
            await bot.start()
            if settings.webhook_url:
                await register_webhook(
                    bot, settings.webhook_url,
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
                )
            yield
            await bot.stop()

    routes = [Route("/healthz", health, methods=["GET"])]
    if bot is not None and settings.webhook_url:
        routes.append(Route(webhook_path(settings.webhook_url), webhook, methods=["POST"]))
    return Starlette(routes=routes, lifespan=lifespan)
