"""Helpers shared by the CLI modules: settings loading that turns a bad value into one clear line."""

from __future__ import annotations

import typer
from rich.console import Console

from lesson_bot.config import ConfigError, Settings, load_settings

console = Console(soft_wrap=True)  # one line stays one line, whatever the width
err_console = Console(stderr=True, soft_wrap=True)


def settings_or_exit(**overrides: object) -> Settings:
    """Load the settings, or print the one-line reason and exit with status 2."""
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        err_console.print(f"[red]configuration error:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
