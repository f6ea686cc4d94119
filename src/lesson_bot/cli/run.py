"""`lesson-bot run`: the service (bot, web server, delivery engine) in one process; `lesson-bot deliver`: the engine
alone. Both are assembled by bootstrap.build_app."""

from __future__ import annotations

import typer

from lesson_bot.bootstrap import runtime
from lesson_bot.bootstrap.app import Overrides, build_app
from lesson_bot.bootstrap.logs import configure_logging
from lesson_bot.cli.common import err_console, one_line_failures, settings_or_exit
from lesson_bot.config import Settings


async def serve(settings: Settings, overrides: Overrides) -> None:
    """Build the process and run it until SIGINT/SIGTERM (webhook mode when a webhook URL is set, else polling)."""
    app = build_app(settings, overrides)
    runtime.freeze_startup_heap()
    await app.serve()


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
    configure_logging(settings.log_level, settings.log_format)
    with one_line_failures(settings):
        runtime.run(serve(settings, Overrides(polling=polling)))


def deliver_command(
    time_scale: float = typer.Option(1.0, "--time-scale", help="shrink the limiter's windows (sandbox tests only)"),
) -> None:
    """Run only the delivery engine (planner and dispatcher): for a separate worker process."""
    settings = settings_or_exit()
    if settings.bot_token is None:
        err_console.print("configuration error: LESSON_BOT_BOT_TOKEN is not set", highlight=False)
        raise typer.Exit(2)
    configure_logging(settings.log_level, settings.log_format)
    with one_line_failures(settings):
        runtime.run(serve(settings, Overrides(bot=False, time_scale=time_scale)))
