"""`lesson-bot demo`: try lesson_bot locally, with no Telegram token."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lesson_bot.bootstrap.logs import configure_logging
from lesson_bot.demo import run_demo


def demo_command(
    once: Annotated[bool, typer.Option("--once", help="play the walk-through and exit")] = False,
    port: Annotated[int, typer.Option(help="port of the sandbox Bot API (0 for any free port)")] = 8081,
    db: Annotated[Path | None, typer.Option(help="SQLite file to use (default: a temporary one)")] = None,
    dashboard: Annotated[bool, typer.Option(help="serve the web dashboard on 127.0.0.1 and print the admin's "
                                            "sign-in link")] = True,
    dashboard_port: Annotated[int, typer.Option(help="port of the dashboard (0 for any free port)")] = 8082,
) -> None:
    """Run the bot against the built-in Telegram sandbox on SQLite and play a short walk-through."""
    configure_logging("WARNING")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(Console(), once=once, port=port, db_path=db,
                             dashboard_port=dashboard_port if dashboard else None))
