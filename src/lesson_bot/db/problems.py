"""What went wrong when the database could not be reached, as one line for the operator: what is wrong and what
to do, never the password. Used by every command that opens the database (`run`, `db ...`, the others)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

VARIABLE = "LESSON_BOT_DATABASE_URL"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what SQLAlchemy wrapped (`.orig`), and their causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite URL (None for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def pg_target(url: URL) -> str:
    """host:port of a PostgreSQL URL, as the operator wrote it (defaults filled in)."""
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def createdb_command(url: URL) -> str:
    """The `createdb` call that creates the URL's database (without the password: PGPASSWORD or ~/.pgpass)."""
    parts = ["createdb", "-h", url.host or "localhost", "-p", str(url.port or 5432)]
    if url.username:
        parts += ["-U", url.username]
    return " ".join([*parts, url.database or "lesson_bot"])


def _pg_problem(exc: BaseException, url: URL) -> str | None:
    where = pg_target(url)
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (f'PostgreSQL database "{url.database}" does not exist on {where}: create it with '
                f"`{createdb_command(url)}`, then run `lesson-bot db upgrade`")
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidPasswordError):
        return (f'PostgreSQL on {where} refused user "{url.username}": check the user and password in {VARIABLE} '
                "and the server's pg_hba.conf")
    if isinstance(exc, OSError | TimeoutError):  # refused, unreachable, no such host, timed out
        reason = (exc.strerror if isinstance(exc, OSError) else None) or type(exc).__name__
        return (f"cannot connect to PostgreSQL at {where} ({reason}): is the server running, and are host and port "
                f"in {VARIABLE} right?")
    return None


def _missing_folder(url: URL) -> str | None:
    path = sqlite_path(url)
    if path is None:
        return None
    folder = path.absolute().parent
    if folder.is_dir():
        return None
    # Not created here: a mistyped path would quietly start an empty database somewhere else.
    return (f"the folder {folder} of the SQLite database in {VARIABLE} does not exist: create it "
            f"(`mkdir -p {folder}`) or correct the path")


def missing_sqlite_folder(database_url: str) -> str | None:
    """The one line for an SQLite database whose folder does not exist (checked before connecting: aiosqlite's
    worker thread would otherwise outlive the failed connection and print its own traceback); None if it exists."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    return _missing_folder(url) if url.get_backend_name() == "sqlite" else None


def _sqlite_problem(exc: BaseException, url: URL) -> str | None:
    if not isinstance(exc, sqlite3.OperationalError) or "unable to open database file" not in str(exc):
        return None
    path = sqlite_path(url)
    if path is None:
        return None
    missing = _missing_folder(url)
    if missing is not None:
        return missing
    folder = path.absolute().parent
    return (f"cannot open the SQLite database {path.absolute()}: the user running lesson-bot needs write access to "
            f"{folder} (the database keeps -wal and -shm files beside it)")


def database_problem(exc: BaseException, database_url: str) -> str | None:
    """One line saying what is wrong with the database and what to do; None for a failure not recognised here."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    problem = _sqlite_problem if url.get_backend_name() == "sqlite" else _pg_problem
    for link in _chain(exc):
        line = problem(link, url)
        if line is not None:
            return line
    return None
