"""`lesson-bot content ...`: check, render and sync the lesson library."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from lesson_bot.cli.common import err_console, settings_or_exit
from lesson_bot.cli.content_import import import_command
from lesson_bot.content.loader import LibraryLoad, display_path, load_library
from lesson_bot.content.model import LessonDoc, Problem, utf16_len
from lesson_bot.content.renderer import visible_text
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.services.lessons.library import LibraryService, LibraryStatus

content_app = typer.Typer(help="Check and synchronise the lesson library.", no_args_is_help=True)
content_app.command("import")(import_command)

PathArgument = Annotated[
    Path | None,
    typer.Argument(help="a lesson file or folder; default: the lessons/ folder of LESSON_BOT_CONTENT_DIR"),
]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_problem(problem: Problem) -> str:
    """`file:line: message`, the file relative to the working directory when possible."""
    return f"{display_path(problem.path)}:{problem.line}: {problem.message}"


def _load(path: Path | None) -> LibraryLoad:
    target = path if path is not None else settings_or_exit().lessons_dir
    return load_library(target)


def _report(load: LibraryLoad) -> None:
    for problem in load.problems:
        typer.echo(format_problem(problem))
    typer.echo(
        f"checked {_plural(len(load.files), 'lesson')} in {len(load.series)} series: "
        f"{_plural(len(load.problems), 'problem')}"
    )


@content_app.command("check")
def check_command(path: PathArgument = None) -> None:
    """Validate lesson files (format and editorial checks); print every problem as file:line: message; exit 1 if any."""
    from lesson_bot.content.review import review_library  # opencc's dictionaries: not at start-up

    load = review_library(_load(path))
    _report(load)
    raise typer.Exit(1 if load.problems else 0)


def _render_text(lesson: LessonDoc) -> list[str]:
    out: list[str] = []
    total = len(lesson.messages)
    for number, message in enumerate(lesson.messages, start=1):
        out.append(f"── message {number} of {total}: {utf16_len(visible_text(message))} characters ──")
        out.append(message)
    for number, item in enumerate(lesson.media, start=1):
        out.append(f"── media {number}: {item.kind} {item.file} ──")
        out.append(item.caption_html)
    for number, question in enumerate(lesson.quiz, start=1):
        out.append(f"── quiz {number} ──")
        out.append(question.question)
        out.extend(
            f"  {'✓' if index == question.correct_index else '·'} {option}"
            for index, option in enumerate(question.options)
        )
        out.append(f"  ({question.explanation})")
    return out


@content_app.command("render")
def render_command(file: Annotated[Path, typer.Argument(help="one lesson file")]) -> None:
    """Print a lesson as the Telegram HTML messages, captions and quiz polls the bot would send."""
    load = load_library(file)
    if load.problems or not load.lessons:
        _report(load)
        raise typer.Exit(1)
    for line in _render_text(load.lessons[0]):
        typer.echo(line)


async def _sync(url: str, load: LibraryLoad, whole_library: bool) -> LibraryStatus:
    database = Database(create_engine(url))
    try:
        return await LibraryService(database).store(load, whole_library=whole_library)
    finally:
        await database.dispose()


@content_app.command("sync")
def sync_command(path: PathArgument = None) -> None:
    """Store every valid lesson in the database, adding a version when its content changed.

    Lessons whose file is gone are marked inactive, but only when the whole lessons folder is synced.
    """
    settings = settings_or_exit()
    target = path if path is not None else settings.lessons_dir
    load = load_library(target)
    _report(load)
    whole_library = target.is_dir() and target.absolute() == settings.lessons_dir.absolute()
    try:
        report = asyncio.run(_sync(settings.database_url, load, whole_library)).report
    except SQLAlchemyError as exc:
        err_console.print(
            f"[red]database error:[/red] {type(exc).__name__}: {str(exc).splitlines()[0]}; "
            "is LESSON_BOT_DATABASE_URL right, and has `lesson-bot db upgrade` been run?",
            highlight=False,
            markup=True,
        )
        raise typer.Exit(2) from None
    typer.echo(f"synced {_plural(len(load.lessons), 'lesson')}: {report.summary()}")
    raise typer.Exit(1 if load.problems else 0)
