"""`lesson-bot demo`: try lesson_bot locally, with no Telegram token."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lesson_bot.bootstrap.logs import configure_logging
from lesson_bot.cli.common import err_console
from lesson_bot.i18n import SUPPORTED, Translator

INTERRUPTED = 130  # the shell's status for a program ended by Ctrl-C


def demo_command(
    once: Annotated[bool, typer.Option("--once", help="play the walk-through and exit")] = False,
    port: Annotated[int, typer.Option(help="port of the sandbox Bot API (0 for any free port)")] = 8081,
    db: Annotated[Path | None, typer.Option(help="SQLite file to use (default: a temporary one)")] = None,
    dashboard: Annotated[bool, typer.Option(help="serve the web dashboard on 127.0.0.1 and print the admin's "
                                            "sign-in link")] = True,
    dashboard_port: Annotated[int, typer.Option(help="port of the dashboard (0 for any free port)")] = 8082,
    lang: Annotated[str, typer.Option(help="the narration's language: zh-Hans or en (the bot speaks each user's "
                                      "own)")] = "zh-Hans",
) -> None:
    """Run the bot against the built-in Telegram sandbox on SQLite and play a short walk-through."""
    if lang not in SUPPORTED:
        err_console.print(f"--lang: {lang!r} is not one of {', '.join(SUPPORTED)}", highlight=False)
        raise typer.Exit(2)
    configure_logging("WARNING")
    from lesson_bot.demo import PortTaken, run_demo  # the sandbox and the scenes: not for `lesson-bot run`

    try:
        finished = asyncio.run(run_demo(Console(), once=once, port=port, db_path=db,
                                        dashboard_port=dashboard_port if dashboard else None, lang=lang))
    except PortTaken as exc:
        t = Translator(lang).lang(lang)
        err_console.print(t._("Port {port} is in use (another demo or program?): choose another with {option}, or "
                              "{option} 0 for any free port.", port=exc.port, option=exc.option),
                          highlight=False, markup=False)
        raise typer.Exit(2) from None
    if not finished:
        raise typer.Exit(INTERRUPTED)
