"""`lesson-bot db ...`: migrate the database."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import typer
from alembic import command

from lesson_bot.cli.common import console, one_line_failures, settings_or_exit
from lesson_bot.cli.db_backup import backup_command, restore_command
from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine

db_app = typer.Typer(help="Create, migrate, back up and restore the database.", no_args_is_help=True)
db_app.command("backup")(backup_command)
db_app.command("restore")(restore_command)


async def _upgrade(url: str, revision: str) -> tuple[str | None, str | None]:
    engine = create_engine(url)
    try:
        before = await migrate.current_revision(engine)
        await migrate.upgrade(engine, revision)
        return before, await migrate.current_revision(engine)
    finally:
        await engine.dispose()


async def _downgrade(url: str, revision: str) -> str | None:
    engine = create_engine(url)
    try:
        await migrate.downgrade(engine, revision)
        return await migrate.current_revision(engine)
    finally:
        await engine.dispose()


async def _current(url: str) -> str | None:
    engine = create_engine(url)
    try:
        return await migrate.current_revision(engine)
    finally:
        await engine.dispose()


@db_app.command()
def upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Create or migrate the schema of LESSON_BOT_DATABASE_URL up to REVISION (default: head)."""
    settings = settings_or_exit()
    with one_line_failures(settings):
        before, after = asyncio.run(_upgrade(settings.database_url, revision))
    if before == after:
        console.print(f"database already at {after}")
    else:
        console.print(f"database migrated from {before or 'empty'} to {after}")


@db_app.command()
def downgrade(revision: str = typer.Argument(..., help="target revision, or 'base' to drop everything")) -> None:
    """Migrate the schema down to REVISION."""
    settings = settings_or_exit()
    with one_line_failures(settings):
        after = asyncio.run(_downgrade(settings.database_url, revision))
    console.print(f"database now at {after or 'base (empty)'}")


@db_app.command()
def current() -> None:
    """Show the schema revision of the database and the newest one this version ships."""
    settings = settings_or_exit()
    with one_line_failures(settings):
        rev = asyncio.run(_current(settings.database_url))
    head = migrate.head_revision()
    state = "up to date" if rev == head else "behind: run `lesson-bot db upgrade`"
    console.print(f"database at {rev or 'empty'}; newest is {head} ({state})")


@db_app.command()
def revision(message: str = typer.Option(..., "-m", "--message", help="what the revision changes")) -> None:
    """(developers) Autogenerate a new migration from the models, against a scratch SQLite database at head."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'scratch.db'}"
        asyncio.run(_upgrade(url, "head"))
        cfg = migrate.alembic_config(url)
        cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        next_id = f"{len(migrate.revisions_oldest_first()) + 1:04d}"
        command.revision(cfg, message=message, autogenerate=True, rev_id=next_id)
