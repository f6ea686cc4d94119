"""The one composition root: settings -> database -> services -> delivery engine -> bot -> web app.

`build_app` builds them (nothing is connected yet); `App` starts them in that order and stops them in reverse.
`lesson-bot run` and `deliver`, the demo, the tests and the benchmarks all assemble the process here, replacing
only what `Overrides` names.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from typing import Literal

import uvicorn
from starlette.types import ASGIApp

from lesson_bot.bootstrap.bot import PollingRunner, WebhookRunner
from lesson_bot.bootstrap.dashboard import dashboard_deps
from lesson_bot.bootstrap.engine import build_engine
from lesson_bot.bootstrap.redaction import redact_secrets
from lesson_bot.bootstrap.services import build_services, configure_ptb, prepare_database
from lesson_bot.bootstrap.shutdown import Shutdown
from lesson_bot.bot.app import BotApplication, SendingBot, build_application
from lesson_bot.config import Settings
from lesson_bot.delivery.engine import Engine
from lesson_bot.services.clock import Clock, SystemClock
from lesson_bot.services.container import Services
from lesson_bot.web.app import build_web_app
from lesson_bot.web.ops import Ops, Probes

log = logging.getLogger("lesson_bot")


@dataclass(frozen=True)
class Overrides:
    """What the tests, the benchmarks and the demo replace; the defaults are the service's own. (The Bot API server
    and the token are settings: `bot_api_base_url`, `bot_token`.)"""

    clock: Clock = field(default_factory=SystemClock)
    # Shrinks the windows of the reply limiter and of the engine's limiter, like the sandbox's (sandbox only).
    time_scale: float = 1.0
    # False: the delivery engine alone, no bot and no web app (`lesson-bot deliver`, a separate worker).
    bot: bool = True
    # Long polling even when a webhook URL is set (else webhook mode whenever one is).
    polling: bool = False
    poll_timeout: timedelta = timedelta(seconds=10)  # python-telegram-bot's default long-poll timeout
    poll_interval: float = 0.0
    # False: the engine is built and its Bot initialised, but the caller drives it (engine.run_once(), start()).
    start_engine: bool = True
    # serve() stops on SIGINT/SIGTERM (off where a test stops the web server by `should_exit`).
    signals: bool = True


# How long the web server waits for open requests (a webhook update being handled) once it stops taking new ones.
WEB_DRAIN_S = 10


class WebServer(uvicorn.Server):
    """uvicorn that leaves the signals to App.serve (bootstrap/shutdown.py) and returns when told to exit, so the
    bot, the engine and the database are shut down in order. (uvicorn's own handling re-raises the signal after
    serving, which would end the process before the bot confirms the updates it fetched.)"""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def exit_soon(self) -> None:
        """Take no new connection, finish the open requests (WEB_DRAIN_S at most), run the lifespan's end."""
        self.should_exit = True


@dataclass
class App:
    """The assembled process. `async with app:` (or start()/stop()) runs everything but the web server;
    `serve()` also serves the web app (whose lifespan runs the bot in webhook mode) until SIGINT/SIGTERM."""

    settings: Settings
    overrides: Overrides
    services: Services
    engine: Engine
    engine_bot: SendingBot  # the engine's own Bot (no reply limiter): initialised by start(), shut down by stop()
    bot: BotApplication | None  # None: the delivery engine alone
    polling: PollingRunner | None  # the bot in polling mode (None in webhook mode: the web app runs it)
    web: ASGIApp | None
    metrics_web: ASGIApp | None  # /metrics on a port of its own (LESSON_BOT_METRICS_PORT), else None
    shutdown: Shutdown

    _running: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack, init=False, repr=False)

    async def start(self) -> None:
        """Reach the Bot API, bring the schema up to date, then start the engine and (in polling mode) the bot.
        What was started is stopped again if a later step fails."""
        running = contextlib.AsyncExitStack()
        try:
            running.push_async_callback(self.services.aclose)  # write what is queued, then disconnect
            # The Bot API first (one getMe): a wrong URL or token then fails before the migrations log anything.
            await self.engine_bot.initialize()
            running.push_async_callback(self.engine_bot.shutdown)
            await prepare_database(self.services)
            if self.overrides.start_engine:
                self.engine.start()
                running.push_async_callback(self.engine.stop)  # lets the sends under way finish
                log.info("delivery engine running")
            if self.polling is not None:
                await self.polling.start()
                running.push_async_callback(self.polling.stop)
        except BaseException:
            await running.aclose()
            raise
        self._running = running

    async def stop(self) -> None:
        """Stop in reverse: the bot, the engine, the engine's Bot, then the services and the database."""
        await self._running.aclose()

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def web_server(self) -> WebServer:
        """A uvicorn server for the web app on the configured host and port (or on the sockets given to serve())."""
        assert self.web is not None, "the delivery engine alone has no web app"
        return _server(self.web, self.settings.web_host, self.settings.web_port, lifespan="on")

    async def serve(self) -> None:
        """Run until SIGINT/SIGTERM, then stop in order within a bound (bootstrap/shutdown.py): everything started,
        the web app served (when there is one), /metrics on its own port (when it has one)."""
        servers = [self.web_server()] if self.web is not None else []
        if self.metrics_web is not None and self.settings.metrics_port:
            servers.append(_server(self.metrics_web, self.settings.web_host, self.settings.metrics_port,
                                   lifespan="off"))
        with self.shutdown.signals() if self.overrides.signals else contextlib.nullcontext():
            async with self:
                for server in servers:
                    self.shutdown.on_request(server.exit_soon)
                if servers:
                    await _serve_together(servers)
                else:
                    await self.shutdown.requested.wait()


async def _serve_together(servers: list[WebServer]) -> None:
    """Serve until one of the servers stops (a stop request stops them all), then stop the others."""
    serving = [asyncio.create_task(server.serve()) for server in servers]
    await asyncio.wait(serving, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.exit_soon()
    await asyncio.gather(*serving)


def _server(app: ASGIApp, host: str, port: int, *, lifespan: Literal["on", "off"]) -> WebServer:
    # log_config=None: uvicorn's own lines go through the service's handler (JSON when asked), not a format of its own.
    # No access log: at log level warning it would print nothing, yet uvicorn prepares an entry per request (each
    # webhook update is one).
    return WebServer(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                    lifespan=lifespan, log_config=None, timeout_graceful_shutdown=WEB_DRAIN_S))


def build_app(settings: Settings, overrides: Overrides) -> App:
    """Build the whole process for these settings, in order: database and services, delivery engine, bot, web app
    (nothing is connected until start())."""
    if settings.bot_token is None:
        raise ValueError("LESSON_BOT_BOT_TOKEN is not set")
    token = settings.bot_token.get_secret_value()
    redact_secrets([token, *(s.get_secret_value() for s in (settings.webhook_secret, settings.metrics_token) if s)])
    configure_ptb()
    services = build_services(settings, overrides.clock)
    engine, engine_bot = build_engine(services, token, settings.bot_api_base_url, time_scale=overrides.time_scale)
    shutdown = Shutdown()
    if not overrides.bot:
        ops = Ops(services, Probes(lambda: True, lambda: engine.leading, lambda: shutdown.stopping))
        return App(settings, overrides, services, engine, engine_bot, None, None, None,
                   ops.metrics_app() if settings.metrics_port else None, shutdown)
    webhook = bool(settings.webhook_url) and not overrides.polling
    bot = build_application(services, token, settings.bot_api_base_url, updater=not webhook,
                            time_scale=overrides.time_scale)
    polling = None if webhook else PollingRunner(bot, overrides.poll_timeout, overrides.poll_interval)
    runner = WebhookRunner(bot, settings) if webhook else None
    # Polling: the bot takes updates while its polling loop runs; webhook: while the application runs.
    taking_updates = polling.running if polling is not None else (lambda: bot.running)
    ops = Ops(services, Probes(taking_updates, lambda: engine.leading, lambda: shutdown.stopping))
    web = build_web_app(services, runner, dashboard_deps(services) if settings.dashboard_enabled else None, ops,
                        bot_running=None if polling is None else polling.running)
    return App(settings, overrides, services, engine, engine_bot, bot, polling, web,
               ops.metrics_app() if settings.metrics_port else None, shutdown)
