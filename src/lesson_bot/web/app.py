"""The Starlette app: Telegram's webhook (with its secret-token check) and health.

One process: the lifespan runs the bot (python-telegram-bot with no updater, which registers the webhook); the
webhook endpoint hands each verified update to it in its request and may answer it with one Bot API call. The web
app knows the bot only as a WebhookBot, which bootstrap supplies (bootstrap/bot.py). The webhook
POST is the hot path of a burst of taps, so it is routed ahead of Starlette's middleware and router (measured in
docs/ingest.md); everything else goes through Starlette.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from lesson_bot.services.container import Services
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.routes import routes as dashboard_routes
from lesson_bot.web.ops import Ops
from lesson_bot.web.webhook_endpoint import WebhookEndpoint

log = logging.getLogger(__name__)


class WebhookBot(Protocol):
    """What the web app needs of the bot in webhook mode; bootstrap adapts the bot to it (web knows no bot)."""

    @property
    def running(self) -> bool:
        """Whether the bot is started (the readiness the health check reports)."""

    def serving(self) -> AbstractAsyncContextManager[None]:
        """Run the bot, webhook registered, for as long as the context lasts (the web app's lifespan)."""

    async def feed(self, body: bytes) -> dict[str, Any] | None:
        """Handle one posted update in this request; the Bot API call to answer with, if any. Raises
        NotAnUpdate (web/webhook_endpoint.py) for a body that is no update."""


def webhook_path(webhook_url: str) -> str:
    """The path part of the public webhook URL; the route listens there."""
    return urlsplit(webhook_url).path or "/"


class WebhookFirst:
    """POST <webhook path> straight to the webhook endpoint; any other request (and the lifespan) to the app."""

    def __init__(self, app: Starlette, path: str, webhook: WebhookEndpoint) -> None:
        self.app, self._path, self._webhook = app, path, webhook

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self._path:
            await self._webhook(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def build_web_app(services: Services, bot: WebhookBot | None, dashboard: DashboardDeps | None = None,
                  ops: Ops | None = None, *, bot_running: Callable[[], bool] | None = None) -> ASGIApp:
    """The web app; with a bot it also serves the webhook and runs the bot in its lifespan; with the dashboard's
    dependencies (bootstrap/dashboard.py builds them when it is enabled) it serves the dashboard too; with `ops`,
    /readyz and (unless it has a port of its own) /metrics (web/ops.py).
    `bot_running` tells /healthz whether a bot run elsewhere (polling) is up; in webhook mode the bot says so."""
    if bot_running is None:
        bot_running = (lambda: bot.running) if bot is not None else (lambda: False)
    settings = services.settings
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else None

    async def health(_request: Request) -> Response:
        try:
            async with services.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means unhealthy
            return JSONResponse({"ok": False, "database": type(exc).__name__}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok", "bot": bot_running()})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if bot is None:
            yield
            return
        async with bot.serving():
            yield

    pages = dashboard_routes(dashboard) if dashboard is not None else []
    if ops is not None:
        pages += ops.routes(with_metrics=settings.metrics_port is None)
    app = Starlette(routes=[Route("/healthz", health, methods=["GET"]), *pages], lifespan=lifespan)
    if bot is not None and settings.webhook_url:
        return WebhookFirst(app, webhook_path(settings.webhook_url), WebhookEndpoint(bot.feed, secret))
    return app
