"""`lesson-bot db backup FILE` and `lesson-bot db restore FILE` (docs/deploy.md, "Backups")."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from lesson_bot.cli.common import console, err_console, settings_or_exit
from lesson_bot.db import migrate
from lesson_bot.db.backup import BackupError, pg_dump, pg_restore_command, run_pg_dump, sqlite_backup, sqlite_restore
from lesson_bot.db.problems import sqlite_path


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"error: {message}", highlight=False)
    return typer.Exit(code)


def backup_command(
    file: Annotated[Path, typer.Argument(help="where to write the backup (SQLite: a database file; PostgreSQL: "
                                              "pg_dump's custom format)")],
) -> None:
    """Back up LESSON_BOT_DATABASE_URL to FILE while the bot runs: SQLite by its online backup API, PostgreSQL by
    pg_dump (or print the pg_dump command where it is not installed)."""
    settings = settings_or_exit()
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        database = sqlite_path(url)
        if database is None:
            raise _fail("an in-memory SQLite database has nothing to back up", 2)
        try:
            copied = sqlite_backup(database, file)
        except (BackupError, OSError) as exc:
            raise _fail(str(exc)) from None
        console.print(f"backed up {database} to {copied.path} ({copied.size:,} bytes, schema revision "
                      f"{copied.revision or 'none'})", highlight=False)
        return
    dump = pg_dump(url, file)
    if shutil.which("pg_dump") is None:
        password = " (the password: set PGPASSWORD or use ~/.pgpass)" if dump.password else ""
        console.print(f"pg_dump is not installed here; run it where PostgreSQL's client tools are{password}:",
                      highlight=False)
        console.print(dump.shown(), highlight=False)
        raise typer.Exit(1)
    try:
        run_pg_dump(dump)
    except BackupError as exc:
        raise _fail(str(exc)) from None
    console.print(f"backed up database {url.database} on {url.host}:{url.port or 5432} to {file} "
                  f"({file.stat().st_size:,} bytes, pg_dump custom format)", highlight=False)


def restore_command(
    file: Annotated[Path, typer.Argument(help="a backup made by `lesson-bot db backup`")],
) -> None:
    """Replace the SQLite database of LESSON_BOT_DATABASE_URL with FILE (stop the bot first; the old database is
    kept beside it). For PostgreSQL, print the pg_restore command."""
    settings = settings_or_exit()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        console.print("stop every replica, then restore with PostgreSQL's own tool (the password: PGPASSWORD or "
                      "~/.pgpass):", highlight=False)
        console.print(pg_restore_command(url, file), highlight=False)
        raise typer.Exit(1)
    database = sqlite_path(url)
    if database is None:
        raise _fail("an in-memory SQLite database cannot be restored into", 2)
    known = migrate.revisions_oldest_first()
    try:
        restored = sqlite_restore(file, database, known, datetime.now(UTC))
    except (BackupError, OSError) as exc:
        raise _fail(str(exc)) from None
    kept = f"; the old database is kept as {restored.kept}" if restored.kept else ""
    console.print(f"restored {database} from {file} (schema revision {restored.revision}){kept}", highlight=False)
    if restored.revision != known[-1]:
        console.print(f"this version's newest schema revision is {known[-1]}: run `lesson-bot db upgrade` (the "
                      "service also does at start unless LESSON_BOT_DB_UPGRADE_ON_START=false)", highlight=False)
