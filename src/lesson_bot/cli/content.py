"""`lesson-bot content ...`: check and sync the lesson library."""

from __future__ import annotations

import typer

content_app = typer.Typer(help="Check and synchronise the lesson library.", no_args_is_help=True)
