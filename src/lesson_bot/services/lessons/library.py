"""The lesson library: load the files, store every valid lesson, and say what was skipped and why."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from lesson_bot.content.loader import LibraryLoad, load_library
from lesson_bot.content.model import Problem
from lesson_bot.content.sync import SyncReport, sync_library
from lesson_bot.db.uow import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryStatus:
    """What a sync stored, and the problems of the lessons it skipped."""

    lessons: int
    report: SyncReport
    problems: tuple[Problem, ...]


class LibraryService:
    """Keeps the database's lesson library in step with the lesson files."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def sync(self, path: Path, *, whole_library: bool = True) -> LibraryStatus:
        """Load `path` (a folder or a file) and store its valid lessons; a broken lesson never stops the others.

        `whole_library` marks lessons whose file is gone as inactive; pass False when syncing part of it.
        """
        load = await asyncio.to_thread(load_library, path)
        return await self.store(load, whole_library=whole_library)

    async def store(self, load: LibraryLoad, *, whole_library: bool = True) -> LibraryStatus:
        """Store the valid lessons of an already loaded library."""
        async with self._db.transaction() as session:
            report = await sync_library(
                session,
                load.lessons,
                # A file that exists but failed its checks keeps its lesson active (its name is its id).
                keep={file.stem for file in load.files},
                deactivate_missing=whole_library,
            )
        for problem in load.problems:
            log.warning("lesson skipped: %s", problem)
        return LibraryStatus(len(load.lessons), report, tuple(load.problems))
