"""Helpers shared by the CLI modules: settings loading that turns a bad value into one clear line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from lesson_bot.bootstrap.services import build_services
from lesson_bot.bot.startup import bot_api_problem
from lesson_bot.cli.words import cli_lang, failure
from lesson_bot.config import ConfigError, Settings, load_settings
from lesson_bot.db.problems import database_problem, missing_sqlite_folder
from lesson_bot.domain.ids import INT64_MAX
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.container import Services
from lesson_bot.services.errors import ServiceError

console = Console(soft_wrap=True)  # one line stays one line, whatever the width
err_console = Console(stderr=True, soft_wrap=True)


def settings_or_exit(**overrides: object) -> Settings:
    """Load the settings, or print the one-line reason and exit with status 2."""
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        err_console.print(f"[red]configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None


def failure_line(exc: BaseException, settings: Settings) -> str | None:
    """One line for a failure the operator can fix (database unreachable or missing, Bot API unreachable or
    refusing the token), never with a secret; None for anything else (a bug: its traceback is wanted)."""
    line = database_problem(exc, settings.database_url)
    if line is None and settings.bot_token is not None:
        line = bot_api_problem(exc, settings.bot_api_base_url, settings.bot_token.get_secret_value())
    return line


@contextmanager
def one_line_failures(settings: Settings) -> Iterator[None]:
    """Turn a failure the operator can fix into its one line on stderr and exit status 1, without a traceback."""
    missing = missing_sqlite_folder(settings.database_url)
    if missing is not None:
        err_console.print(f"error: {missing}", highlight=False)
        raise typer.Exit(1)
    try:
        yield
    except Exception as exc:
        line = failure_line(exc, settings)
        if line is None:
            raise
        err_console.print(f"error: {line}", highlight=False)
        raise typer.Exit(1) from None


T = TypeVar("T")


AsOption = Annotated[int | None, typer.Option("--as", min=0, max=INT64_MAX,
                                             help="act as this Telegram user id (default: first admin)")]
BranchOption = Annotated[int, typer.Option("--branch", min=0, max=INT64_MAX,
                                           help="branch id (see `lesson-bot branches`)")]


def acting_user(settings: Settings, as_user: int | None) -> int:
    """Who the command acts as: --as, or the first configured admin."""
    if as_user is not None:
        return as_user
    if not settings.admin_ids:
        err_console.print("no actor: set LESSON_BOT_ADMIN_IDS or pass --as TELEGRAM_USER_ID", highlight=False)
        raise typer.Exit(2)
    return settings.admin_ids[0]


def call_service(settings: Settings, use: Callable[[Services], Awaitable[T]]) -> T:
    """Run one service call and turn an expected failure into the bot's own words and exit status 1."""

    async def main() -> T:
        services = build_services(settings, SystemClock())
        try:
            return await use(services)
        finally:
            await services.aclose()

    try:
        with one_line_failures(settings):
            return asyncio.run(main())
    except ServiceError as exc:
        err_console.print(failure(cli_lang(settings.default_locale), exc), highlight=False, markup=False)
    raise typer.Exit(1)
