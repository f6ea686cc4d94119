"""The one composition root: settings -> database -> services -> delivery engine -> bot -> web app.

`build_app` builds them (nothing is connected yet); `App` starts them in that order and stops them in reverse.
`lesson-bot run` and `deliver`, the demo, the tests and the benchmarks all assemble the process here, replacing
only what `Overrides` names.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from lesson_bot.bootstrap.bot import PollingRunner, WebhookRunner
from lesson_bot.bootstrap.dashboard import dashboard_deps
from lesson_bot.bootstrap.engine import build_engine
from lesson_bot.bootstrap.redaction import redact_secrets
from lesson_bot.bootstrap.services import build_services, configure_ptb, prepare_database
from lesson_bot.bot.app import BotApplication, SendingBot, build_application
from lesson_bot.config import Settings
from lesson_bot.delivery.engine import Engine
from lesson_bot.services.clock import Clock, SystemClock
from lesson_bot.services.container import Services
from lesson_bot.web.app import build_web_app

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
    # The web server stops on SIGINT/SIGTERM (off where a test stops it by `should_exit`).
    signals: bool = True


class WebServer(uvicorn.Server):
    """uvicorn that stops on SIGINT/SIGTERM and returns, so the bot and the database are shut down cleanly.

    (uvicorn's own handling re-raises the signal after serving, which would end the process before the bot
    confirms the updates it fetched.)
    """

    def __init__(self, config: uvicorn.Config, *, signals: bool) -> None:
        super().__init__(config)
        self._signals = signals

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if not self._signals:
            yield
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


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

    _running: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack, init=False, repr=False)

    async def start(self) -> None:
        """Bring the schema up to date, then start the engine and (in polling mode) the bot. What was started is
        stopped again if a later step fails."""
        running = contextlib.AsyncExitStack()
        try:
            running.push_async_callback(self.services.aclose)  # write what is queued, then disconnect
            await prepare_database(self.services)
            await self.engine_bot.initialize()
            running.push_async_callback(self.engine_bot.shutdown)
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
        # No access log: at log level warning it would print nothing, yet uvicorn prepares an entry per request
        # (each webhook update is one).
        config = uvicorn.Config(self.web, host=self.settings.web_host, port=self.settings.web_port,
                                log_level="warning", access_log=False, lifespan="on")
        return WebServer(config, signals=self.overrides.signals)

    async def serve(self) -> None:
        """Run until SIGINT/SIGTERM: everything started, the web app served (when there is one)."""
        async with self:
            if self.web is not None:
                await self.web_server().serve()
            else:
                await _signalled()


async def _signalled() -> None:
    """Return on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def build_app(settings: Settings, overrides: Overrides) -> App:
    """Build the whole process for these settings, in order: database and services, delivery engine, bot, web app
    (nothing is connected until start())."""
    if settings.bot_token is None:
        raise ValueError("LESSON_BOT_BOT_TOKEN is not set")
    token = settings.bot_token.get_secret_value()
    redact_secrets([token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else None])
    configure_ptb()
    services = build_services(settings, overrides.clock)
    engine, engine_bot = build_engine(services, token, settings.bot_api_base_url, time_scale=overrides.time_scale)
    if not overrides.bot:
        return App(settings, overrides, services, engine, engine_bot, None, None, None)
    webhook = bool(settings.webhook_url) and not overrides.polling
    bot = build_application(services, token, settings.bot_api_base_url, updater=not webhook,
                            time_scale=overrides.time_scale)
    polling = None if webhook else PollingRunner(bot, overrides.poll_timeout, overrides.poll_interval)
    web = build_web_app(services, WebhookRunner(bot, settings) if webhook else None,
                        dashboard_deps(services) if settings.dashboard_enabled else None)
    return App(settings, overrides, services, engine, engine_bot, bot, polling, web)
