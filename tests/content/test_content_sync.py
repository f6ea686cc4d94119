"""Syncing the library into the database (SQLite and PostgreSQL): ids are stable, versions accumulate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from lesson_bot.cli import app
from lesson_bot.content.loader import load_library
from lesson_bot.content.sync import SyncReport, sync_library
from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import Lesson, LessonVersion
from lesson_bot.db.uow import Database
from tests.support.content import BASE_LESSON, Library, replace_line

SECOND = replace_line(replace_line(BASE_LESSON, 2, "id: second-lesson"), 5, "position: 2")


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(db_url))
    await migrate.upgrade(database.engine)
    try:
        yield database
    finally:
        await database.dispose()


async def sync(db: Database, library: Library) -> SyncReport:
    load = load_library(Path("content/lessons"))
    async with db.transaction() as session:
        return await sync_library(session, load.lessons, keep={file.stem for file in load.files})


async def versions(db: Database) -> dict[str, list[str]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(Lesson.slug, LessonVersion.content_hash).join(LessonVersion.lesson).order_by(LessonVersion.id)
        )
        found: dict[str, list[str]] = {}
        for slug, content_hash in rows:
            found.setdefault(slug, []).append(content_hash)
        return found


async def lesson_rows(db: Database) -> dict[str, tuple[bool, str | None, int]]:
    """slug -> (active, hash of the current version, position)."""
    async with db.transaction() as session:
        rows = (await session.scalars(select(Lesson))).all()
        out: dict[str, tuple[bool, str | None, int]] = {}
        for row in rows:
            current = await session.get(LessonVersion, row.current_version_id) if row.current_version_id else None
            out[row.slug] = (row.active, current.content_hash if current else None, row.position)
        return out


async def test_first_sync_adds_every_lesson_and_a_second_changes_nothing(db: Database, library: Library) -> None:
    """Syncing twice stores each lesson once with one version: a re-run is harmless."""
    library.write(BASE_LESSON)
    library.write(SECOND, "second-lesson.md")
    first = await sync(db, library)
    assert (first.added, first.versions_added) == (["base-lesson", "second-lesson"], 2)
    second = await sync(db, library)
    assert (second.versions_added, second.unchanged) == (0, ["base-lesson", "second-lesson"])
    assert {slug: len(hashes) for slug, hashes in (await versions(db)).items()} == {
        "base-lesson": 1,
        "second-lesson": 1,
    }


async def test_editing_a_file_adds_one_version_and_keeps_the_old_one(db: Database, library: Library) -> None:
    """An edited lesson gets exactly one new version, which becomes current; what members saw stays stored."""
    library.write(BASE_LESSON)
    library.write(SECOND, "second-lesson.md")
    await sync(db, library)
    before = (await versions(db))["base-lesson"]
    library.write(BASE_LESSON + "\n会议确立了毛泽东同志在党中央和红军的领导地位。\n")
    report = await sync(db, library)
    assert (report.changed, report.unchanged, report.versions_added) == (["base-lesson"], ["second-lesson"], 1)
    after = await versions(db)
    assert after["base-lesson"][0] == before[0] and len(after["base-lesson"]) == 2
    assert (await lesson_rows(db))["base-lesson"][1] == after["base-lesson"][1]
    async with db.transaction() as session:
        old = await session.scalar(select(LessonVersion).where(LessonVersion.content_hash == before[0]))
        assert old is not None and "领导地位" not in old.body_md
        assert old.quiz[0]["correct"] == 1 and old.media[0]["file"] == "map.png"


async def test_a_removed_file_marks_its_lesson_inactive_and_never_deletes(db: Database, library: Library) -> None:
    """A lesson whose file is gone becomes inactive with its versions kept; bringing the file back reactivates it."""
    library.write(BASE_LESSON)
    second = library.write(SECOND, "second-lesson.md")
    await sync(db, library)
    second.unlink()
    gone = await sync(db, library)
    assert gone.deactivated == ["second-lesson"]
    rows = await lesson_rows(db)
    assert rows["second-lesson"][0] is False and rows["second-lesson"][1] is not None
    library.write(SECOND, "second-lesson.md")
    back = await sync(db, library)
    assert (back.reactivated, back.versions_added) == (["second-lesson"], 0)


async def test_a_broken_file_keeps_its_lesson_as_it_was(db: Database, library: Library) -> None:
    """While a lesson file fails its checks, the stored lesson stays active at its last good version."""
    library.write(BASE_LESSON)
    await sync(db, library)
    library.write(BASE_LESSON + "\n<br>\n")
    report = await sync(db, library)
    assert (report.deactivated, report.versions_added, report.unchanged) == ([], 0, [])
    assert (await lesson_rows(db))["base-lesson"][0] is True


async def test_going_back_to_earlier_content_makes_that_version_current(db: Database, library: Library) -> None:
    """Reverting a file reuses the version already stored for that content instead of adding a copy."""
    library.write(BASE_LESSON)
    await sync(db, library)
    library.write(BASE_LESSON.replace("position: 1", "position: 7"))
    await sync(db, library)
    library.write(BASE_LESSON)
    report = await sync(db, library)
    assert (report.restored, report.versions_added) == (["base-lesson"], 0)
    hashes = (await versions(db))["base-lesson"]
    assert (await lesson_rows(db))["base-lesson"] == (True, hashes[0], 1)


def test_the_sync_command_stores_the_library(library: Library, tmp_path: Path) -> None:
    """`lesson-bot content sync` stores the valid lessons, reports problems, and exits 1 if there were any."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    async def migrate_fresh() -> None:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate_fresh())
    library.write(BASE_LESSON)
    library.write("no front matter\n", "broken.md")
    env = {"LESSON_BOT_DATABASE_URL": url, "LESSON_BOT_CONTENT_DIR": str(library.root)}
    result = CliRunner().invoke(app, ["content", "sync"], env=env)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-2:] == [
        "checked 2 lessons in 1 series: 1 problem",
        "synced 1 lesson: 1 new, 0 changed, 0 restored, 0 unchanged, 0 deactivated, 0 reactivated",
    ]


def test_the_sync_command_explains_a_database_without_tables(library: Library, tmp_path: Path) -> None:
    """Syncing into a database that was never migrated says what to run instead of a traceback."""
    library.write(BASE_LESSON)
    env = {"LESSON_BOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"}
    result = CliRunner().invoke(app, ["content", "sync", "content/lessons"], env=env)
    assert result.exit_code == 2
    assert "lesson-bot db upgrade" in result.stderr


async def test_versions_count_rows_not_guesses(db: Database, library: Library) -> None:
    """The report's count of added versions matches the rows actually written."""
    library.write(BASE_LESSON)
    report = await sync(db, library)
    async with db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(LessonVersion)) == report.versions_added
