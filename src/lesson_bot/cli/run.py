"""`lesson-bot run`: the service (bot, web server, and later the scheduler) in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import typer
import uvicorn

from lesson_bot import runtime
from lesson_bot.bootstrap import Services, build_services, prepare_database
from lesson_bot.bot.app import ALLOWED_UPDATES, BotApplication, build_application, prepare
from lesson_bot.bot.engine import build_engine
from lesson_bot.cli.common import err_console, settings_or_exit
from lesson_bot.config import Settings
from lesson_bot.web.app import build_web_app

log = logging.getLogger("lesson_bot")


class _Server(uvicorn.Server):
    """uvicorn that stops on SIGINT/SIGTERM and returns, so the bot and the database are shut down cleanly.

    (uvicorn's own handling re-raises the signal after serving, which would end the process before the bot
    confirms the updates it fetched.)
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)


def configure_logging(level: str) -> None:
    """Plain timestamped lines on stderr; the libraries' chatter stays at WARNING."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler", "telegram.ext.ExtBot"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


async def serve(settings: Settings, services: Services, *, polling: bool) -> None:
    """Run until SIGINT/SIGTERM: webhook mode when a webhook URL is set, else long polling."""
    assert settings.bot_token is not None
    await prepare_database(services)
    use_webhook = bool(settings.webhook_url) and not polling
    bot = build_application(services, settings.bot_token.get_secret_value(), settings.bot_api_base_url,
                            updater=not use_webhook)
    web = build_web_app(services, bot if use_webhook else None)
    server = _Server(uvicorn.Config(web, host=settings.web_host, port=settings.web_port,
                                    log_level="warning", lifespan="on"))
    engine, engine_bot = build_engine(services, settings.bot_token.get_secret_value(), settings.bot_api_base_url)
    runtime.freeze_startup_heap()
    try:
        async with engine_bot:
            engine.start()
            try:
                await _serve_bot(bot, server, use_webhook=use_webhook)
            finally:
                await engine.stop()
    finally:
        await services.aclose()


async def _serve_bot(bot: BotApplication, server: uvicorn.Server, *, use_webhook: bool) -> None:
    if use_webhook:
        log.info("webhook mode")
        await server.serve()  # the web app's lifespan runs the bot
        return
    async with bot:
        await prepare(bot)
        assert bot.updater is not None
        await bot.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        await bot.start()
        log.info("polling as @%s", bot.bot.username)
        try:
            await server.serve()  # returns on SIGINT/SIGTERM
        finally:
            await bot.updater.stop()
            await bot.stop()


def run_command(
    polling: bool = typer.Option(False, "--polling", help="use long polling even when a webhook URL is set"),
) -> None:
    """Run the bot service: the Telegram bot, the web server (webhook, health) and the database."""
    settings = settings_or_exit()
    if settings.bot_token is None:
        err_console.print(
            "configuration error: LESSON_BOT_BOT_TOKEN is not set; get a token from @BotFather "
            "(or try everything locally with `lesson-bot demo`)",
            highlight=False,
        )
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    runtime.run(serve(settings, build_services(settings), polling=polling))


async def deliver(settings: Settings, services: Services, *, time_scale: float) -> None:
    """The delivery engine alone (planner and dispatcher, under leader election) until SIGINT/SIGTERM."""
    assert settings.bot_token is not None
    await prepare_database(services)
    engine, engine_bot = build_engine(services, settings.bot_token.get_secret_value(), settings.bot_api_base_url,
                                      time_scale=time_scale)
    runtime.freeze_startup_heap()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with engine_bot:
            engine.start()
            log.info("delivery engine running")
            await stop.wait()
            await engine.stop()
    finally:
        await services.aclose()


def deliver_command(
    time_scale: float = typer.Option(1.0, "--time-scale", help="shrink the limiter's windows (sandbox tests only)"),
) -> None:
    """Run only the delivery engine (planner and dispatcher): for a separate worker process."""
    settings = settings_or_exit()
    if settings.bot_token is None:
        err_console.print("configuration error: LESSON_BOT_BOT_TOKEN is not set", highlight=False)
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    runtime.run(deliver(settings, build_services(settings), time_scale=time_scale))
