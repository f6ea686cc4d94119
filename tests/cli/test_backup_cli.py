"""`lesson-bot db backup` and `db restore`: a real SQLite file holding the bot's data, and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.db.migrate import head_revision
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.views import Person
from tests.support.db import asyncpg_dsn, drop_pg_database, new_pg_database, pg_database_url

ADMIN = 4242
PASSWORD = "pw-never-printed"
HEAD = head_revision()
TIMEOUT = 180  # a guard against a hang only: on a loaded machine one start of the CLI takes tens of seconds


def _add_branch(url: str, chat: int, title: str, roster: str) -> None:
    """A branch registered by its group's admin, with a roster imported: what the bot's database holds."""

    async def main() -> None:
        services = build_services(load_settings(database_url=url, admin_ids=str(ADMIN)), SystemClock())
        try:
            branch = await services.branches.register(Person(7, "Secretary Wang", "wang"), chat, title,
                                                      "Asia/Shanghai", "zh-Hans", is_group_admin=True)
            await services.roster.import_csv(ADMIN, branch.id, roster.encode())
        finally:
            await services.aclose()

    asyncio.run(main())


def _dump(path: Path) -> list[str]:
    """Every table's schema and rows, as SQL."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _cli(args: list[str], url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", url)
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


ROSTER = "name,telegram,role,status\nZhang San,@zhangsan,member,full\nLi Si,300003,member,probationary\n"


def test_an_sqlite_backup_taken_while_writing_restores_to_the_same_data(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup taken while another connection has a write open holds the committed data only; restoring it later
    brings the database back to exactly that data, and the replaced database is kept beside it."""
    db = tmp_path / "lesson_bot.db"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite+aiosqlite:///{db}"
    _add_branch(url, -100, "一支部", ROSTER)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE memberships SET roster_name = 'uncommitted'")  # not committed while the backup runs
    backup = tmp_path / "backups" / "nightly.db"
    backup.parent.mkdir()
    code, out = _cli(["db", "backup", str(backup)], url, monkeypatch)
    writer.execute("ROLLBACK")
    writer.close()
    assert code == 0, out
    assert out.startswith(f"backed up {db} to {backup} (") and f"schema revision {HEAD}" in out
    before = _dump(db)
    assert _dump(backup) == before
    assert any("Zhang San" in line for line in before) and not any("uncommitted" in line for line in before)

    _add_branch(url, -200, "二支部", "name,telegram,role,status\nWang Wu,@wangwu,member,full\n")
    after_backup = _dump(db)
    code, out = _cli(["db", "restore", str(backup)], url, monkeypatch)
    assert code == 0, out
    [kept] = tmp_path.glob("lesson_bot.db.before-restore-*")
    assert out == f"restored {db} from {backup} (schema revision {HEAD}); the old database is kept as {kept}\n"
    assert _dump(db) == before
    assert _dump(kept) == after_backup
    assert not Path(f"{db}-wal").exists()


def test_restore_refuses_a_file_that_is_not_a_lesson_bot_backup(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text file, another program's SQLite database, and a backup from a newer lesson_bot are refused with the
    reason; the database is left as it was and no copy is made."""
    db = tmp_path / "lesson_bot.db"
    shutil.copyfile(sqlite_template, db)
    url = f"sqlite+aiosqlite:///{db}"
    before = _dump(db)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    newer = tmp_path / "newer.db"
    shutil.copyfile(sqlite_template, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    reasons = {
        text: f"error: {text} is not an SQLite database",
        other: f"error: {other} is not a lesson_bot database (it has no schema revision)",
        newer: f"error: {newer} is at schema revision 0099, which this lesson_bot does not know (newest here: "
               f"{HEAD}): restore it with the lesson_bot version that made it",
    }
    for file, reason in reasons.items():
        code, out = _cli(["db", "restore", str(file)], url, monkeypatch)
        assert (code, out) == (1, reason + "\n")
    assert _dump(db) == before
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_refuses_while_the_database_is_open(sqlite_template: Path, tmp_path: Path) -> None:
    """While another process (here: this test, as the running bot would) has the database open, restore says to
    stop it first and changes nothing."""
    db = tmp_path / "lesson_bot.db"
    shutil.copyfile(sqlite_template, db)
    backup = tmp_path / "backup.db"
    shutil.copyfile(sqlite_template, backup)
    bot = sqlite3.connect(db)
    bot.execute("PRAGMA journal_mode=WAL")
    bot.execute("SELECT count(*) FROM branches").fetchone()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
        env["LESSON_BOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{db}"
        result = subprocess.run([sys.executable, "-m", "lesson_bot", "db", "restore", str(backup)], env=env,
                                cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        bot.close()
    assert result.returncode == 1
    assert result.stderr == (f"error: process {os.getpid()} has {db} open (the bot?): stop it first (e.g. "
                             "`systemctl stop lesson-bot`), then restore\n")
    assert not list(tmp_path.glob("*.before-restore-*"))


@pytest.mark.postgres
def test_a_postgresql_backup_is_a_pg_dump_that_pg_restore_loads(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the backup runs pg_dump (custom format, the password passed by PGPASSWORD and never printed);
    pg_restore loads it into another database with the same branches and roster."""
    assert shutil.which("pg_dump") is not None, "PostgreSQL's client tools (pg_dump) belong on this machine"
    url = pg_url.replace("://postgres@", f"://postgres:{PASSWORD}@", 1)
    code, out = _cli(["db", "upgrade"], url, monkeypatch)
    assert code == 0, out
    _add_branch(url, -100, "一支部", ROSTER)
    dump = tmp_path / "lesson_bot.dump"
    code, out = _cli(["db", "backup", str(dump)], url, monkeypatch)
    assert code == 0, out
    assert PASSWORD not in out and out.startswith(f"backed up database {pg_url.rsplit('/', 1)[1]} on 127.0.0.1:5432")
    code, out = _cli(["db", "restore", str(dump)], url, monkeypatch)
    assert code == 1 and PASSWORD not in out
    assert "pg_restore --clean --if-exists --no-owner --single-transaction --host=127.0.0.1" in out
    copy = new_pg_database()
    try:
        restored = subprocess.run(["pg_restore", "--no-owner", f"--dbname={asyncpg_dsn(pg_database_url(copy))}",
                                   str(dump)], capture_output=True, text=True, timeout=TIMEOUT)
        assert restored.returncode == 0, restored.stderr

        async def rows(dsn: str) -> list[tuple[object, ...]]:
            import asyncpg

            conn = await asyncpg.connect(asyncpg_dsn(dsn))
            try:
                found = await conn.fetch("SELECT b.title, m.roster_name FROM branches b JOIN memberships m "
                                         "ON m.branch_id = b.id ORDER BY m.roster_name")
                return [tuple(row) for row in found]
            finally:
                await conn.close()

        original = asyncio.run(rows(pg_url))
        assert original == [("一支部", "Li Si"), ("一支部", "Zhang San"), ("一支部", None)]  # and the secretary
        assert asyncio.run(rows(pg_database_url(copy))) == original
    finally:
        drop_pg_database(copy)


def test_without_pg_dump_the_backup_prints_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where pg_dump is not installed, the backup prints the exact command to run elsewhere, without the
    password, and exits 1 (nothing was backed up)."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump there
    url = f"postgresql+asyncpg://lesson_bot:{PASSWORD}@db.internal:5433/lesson_bot"
    code, out = _cli(["db", "backup", "/var/backups/lesson_bot.dump"], url, monkeypatch)
    assert (code, out) == (1, "pg_dump is not installed here; run it where PostgreSQL's client tools are (the "
                              "password: set PGPASSWORD or use ~/.pgpass):\npg_dump --format=custom --no-owner "
                              "--file=/var/backups/lesson_bot.dump --host=db.internal --port=5433 "
                              "--username=lesson_bot --dbname=lesson_bot\n")
