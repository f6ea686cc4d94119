"""`lesson-bot sandbox`: run the local Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from tgsandbox.limits import FloodConfig

_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")


async def _serve(port: int, token: str | None, flood: FloodConfig, as_json: bool) -> None:
    from tgsandbox.app import run_sandbox  # imported when the sandbox runs, not by every `lesson-bot` start

    async with run_sandbox(port=port, token=token, flood=flood) as sandbox:
        if as_json:
            typer.echo(json.dumps(sandbox.announcement()))
        else:
            typer.echo(f"base_url:      {sandbox.base_url}")
            typer.echo(f"base_file_url: {sandbox.base_file_url}")
            typer.echo(f"control_url:   {sandbox.control_url}")
            typer.echo(f"token:         {sandbox.token}")
            typer.echo(f"bot:           @{sandbox.state.bot.username}")
            typer.echo("python-telegram-bot: ApplicationBuilder().token(TOKEN).base_url(BASE_URL)")
            typer.echo("                     .base_file_url(BASE_FILE_URL); Ctrl-C stops the sandbox.")
        await asyncio.Event().wait()


def sandbox_command(
    port: int = typer.Option(8081, help="Port on 127.0.0.1; 0 picks a free one."),
    token: str | None = typer.Option(None, help="Bot token to accept, '<digits>:<secret>'; fresh if none."),
    time_scale: float = typer.Option(1.0, help="Shrink the flood windows by this factor."),
    no_flood: bool = typer.Option(False, "--no-flood", help="Turn the flood limits off."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line instead of text."),
) -> None:
    """Run the local Telegram Bot API sandbox on 127.0.0.1 and print its base URL and a token."""
    from tgsandbox.limits import FloodConfig

    try:
        flood = FloodConfig(enabled=not no_flood, time_scale=time_scale)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if token is not None and not _TOKEN.fullmatch(token):
        raise typer.BadParameter("a bot token looks like '<digits>:<secret>'", param_hint="--token")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(port, token, flood, as_json))
