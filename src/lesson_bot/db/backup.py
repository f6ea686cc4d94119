"""Backups: SQLite through its online backup API (a consistent copy while the bot runs), PostgreSQL through
`pg_dump`; restoring an SQLite backup after checking it is a lesson_bot database, keeping the old file.

Used by `lesson-bot db backup|restore` (docs/deploy.md). Nothing here prints a password: pg_dump gets it through
PGPASSWORD, and the command shown to the operator never holds it.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import sqlite3
import struct
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

PAGES_PER_STEP = 1024  # the backup copies this many pages at a time, letting the bot write in between
SQLITE_HEADER = b"SQLite format 3\x00"
# SQLite's unix VFS: every connection to a WAL database holds a shared lock on this byte of the -shm file (the
# "dead man switch") for as long as it is open, whatever it is doing.
_WAL_DMS_BYTE = 128


class BackupError(Exception):
    """The backup or restore cannot be done; the message is one line for the operator."""


@dataclass(frozen=True)
class Copied:
    path: Path
    size: int
    revision: str | None


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """source -> a new file at target, written beside it first so that target is never half a database."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        source.backup(dest, pages=PAGES_PER_STEP)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dest.close()
    os.replace(partial, target)


def sqlite_backup(database: Path, target: Path) -> Copied:
    """A consistent copy of the SQLite database at `target`, taken while the bot may be running."""
    if not database.is_file():
        raise BackupError(f"there is no SQLite database at {database}")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError("the backup file is the database itself: name another file")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        revision = _revision(source)
        _copy(source, target)
    finally:
        source.close()
    return Copied(target, target.stat().st_size, revision)


def sqlite_in_use(database: Path) -> int | None:
    """The id of a process that has the SQLite database open (a running bot), or None if none has (Linux and other
    POSIX systems: the WAL lock a connection holds; a database not in WAL mode is not recognised)."""
    try:
        fd = os.open(f"{database}-shm", os.O_RDONLY)
    except OSError:
        return None  # the last connection to close removes the -shm file
    try:
        probe = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, _WAL_DMS_BYTE, 1, 0)
        kind, _, _, _, pid = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    except OSError:
        return None
    finally:
        os.close(fd)
    return pid if kind != fcntl.F_UNLCK else None


def check_backup(backup: Path, known: list[str]) -> str:
    """The revision of a lesson_bot backup; BackupError if the file is no SQLite database, not lesson_bot's, or at a
    revision this version does not know (a newer lesson_bot's)."""
    if not backup.is_file():
        raise BackupError(f"there is no file {backup}")
    with backup.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{backup} is not an SQLite database")
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{backup} is damaged (PRAGMA quick_check failed)")
        revision = _revision(conn)
    finally:
        conn.close()
    if revision is None:
        raise BackupError(f"{backup} is not a lesson_bot database (it has no schema revision)")
    if revision not in known:
        raise BackupError(f"{backup} is at schema revision {revision}, which this lesson_bot does not know "
                          f"(newest here: {known[-1]}): restore it with the lesson_bot version that made it")
    return revision


@dataclass(frozen=True)
class Restored:
    revision: str  # the backup's schema revision
    kept: Path | None  # the copy of the database it replaced (None if there was none)


def sqlite_restore(backup: Path, database: Path, known: list[str], now: datetime) -> Restored:
    """Replace the database with the backup, after checking the backup, keeping a copy of the old database beside
    it. Refuses while a process has the database open."""
    revision = check_backup(backup, known)
    pid = sqlite_in_use(database)
    if pid is not None:
        raise BackupError(f"process {pid} has {database} open (the bot?): stop it first "
                          "(e.g. `systemctl stop lesson-bot`), then restore")
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
        sqlite_backup(database, kept)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _copy(source, database)
    finally:
        source.close()
    for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):  # the old file's, now stale
        leftover.unlink(missing_ok=True)
    return Restored(revision, kept)


@dataclass(frozen=True)
class PgDump:
    """A pg_dump call for a database URL: its arguments (no password) and environment (the password)."""

    args: list[str]
    password: str | None

    def shown(self) -> str:
        """The command as the operator may run it; the password is left to PGPASSWORD or ~/.pgpass."""
        return shlex.join(self.args)


def pg_dump(url: URL, target: Path) -> PgDump:
    """pg_dump in its custom format (pg_restore reads it; compressed), owner-neutral."""
    args = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--host={url.host or 'localhost'}",
            f"--port={url.port or 5432}"]
    if url.username:
        args.append(f"--username={url.username}")
    args.append(f"--dbname={url.database or 'postgres'}")
    return PgDump(args, url.password if isinstance(url.password, str) else None)


def pg_restore_command(url: URL, backup: Path) -> str:
    """The pg_restore call that loads a pg_dump file into the URL's (existing, empty or old) database."""
    args = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}"]
    if url.username:
        args.append(f"--username={url.username}")
    return shlex.join([*args, f"--dbname={url.database or 'postgres'}", str(backup)])


def run_pg_dump(dump: PgDump) -> None:
    """Run pg_dump; BackupError with its own one-line reason (it never prints the password) if it fails."""
    executable = shutil.which("pg_dump")
    assert executable is not None
    env = {**os.environ, **({"PGPASSWORD": dump.password} if dump.password else {})}
    # Our own arguments from the parsed URL, as a list (no shell).
    result = subprocess.run([executable, *dump.args[1:]], env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        reason = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        raise BackupError(f"pg_dump failed: {reason}")
