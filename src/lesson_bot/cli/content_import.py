"""`lesson-bot content import SOURCE`: an article (URL, .html or .txt file) to a lesson draft (docs/importing.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lesson_bot.cli.common import err_console
from lesson_bot.content.importer.errors import ImportFailure
from lesson_bot.content.importer.fetch import FetchLimits
from lesson_bot.content.loader import display_path, load_library
from lesson_bot.content.review_data import PLACEHOLDERS

if TYPE_CHECKING:
    from lesson_bot.content.importer.pipeline import Draft


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]import failed:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(1)


def _target(out: Path | None, lesson_id: str) -> Path:
    if out is None:
        return Path(f"{lesson_id}.md")
    if out.is_dir() or out.suffix != ".md":
        return out / f"{lesson_id}.md"
    return out


def _report(draft: Draft, path: Path) -> None:
    typer.echo(f"read {draft.origin}")
    for finding in draft.findings:
        typer.echo(str(finding))
    for note in draft.notes:
        typer.echo(f"note: {note}")
    shaped = draft.shaped
    typer.echo(f"kept {len(shaped.kept)} of {shaped.paragraphs} paragraphs word for word and {len(shaped.points)} "
               f"points from the rest; about {shaped.minutes} min")
    typer.echo(f"wrote {display_path(path)}")
    from lesson_bot.content.review import review_library  # opencc's dictionaries: not at start-up

    load = review_library(load_library(path))
    placeholders = [problem for problem in load.problems if any(mark in problem.message for mark in PLACEHOLDERS)]
    for problem in load.problems:
        if problem not in placeholders:
            typer.echo(f"{display_path(problem.path)}:{problem.line}: {problem.message}")
    others = len(load.problems) - len(placeholders)
    typer.echo(f"content check: {others} problem{'' if others == 1 else 's'} besides the quiz placeholders; "
               f"write the quiz (lines {min(p.line for p in placeholders)}-{max(p.line for p in placeholders)})"
               if placeholders else f"content check: {others} problems")


def import_command(
    source: Annotated[str, typer.Argument(help="an http(s) URL, an .html file or a .txt file")],
    series: Annotated[str | None, typer.Option(help="the series the lesson belongs to")] = None,
    to: Annotated[str | None, typer.Option("--to", help="convert Traditional characters: zh-Hans")] = None,
    out: Annotated[Path | None, typer.Option(help="the draft file (<id>.md) or a folder; default ./<id>.md")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing draft")] = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the connection and for each read")] = 20.0,
    max_bytes: Annotated[int, typer.Option(help="the largest page or file taken")] = FetchLimits.max_bytes,
) -> None:
    """Turn an article into a lesson draft; print each removed or flagged artefact with its line:column."""
    # trafilatura, lxml and friends: imported when a draft is made, not by every `lesson-bot` start.
    from lesson_bot.content.importer.pipeline import LESSON_ID, ImportOptions, draft_id, import_source

    lesson_id = out.stem if out is not None and out.suffix == ".md" and not out.is_dir() else None
    if lesson_id is not None and not LESSON_ID.match(lesson_id):
        raise _fail(f"--out {out}: the file name must be the lesson id (3-64 of a-z 0-9 -), e.g. "
                    f"{draft_id(lesson_id, '')}.md")
    limits = FetchLimits(connect_timeout=timeout, read_timeout=timeout, max_bytes=max_bytes,
                         total_timeout=max(FetchLimits.total_timeout, 4 * timeout))
    options = ImportOptions(series=series, to=to, lesson_id=lesson_id, limits=limits)
    try:
        draft = asyncio.run(import_source(source, options))
    except ImportFailure as exc:
        raise _fail(str(exc)) from None
    path = _target(out, draft.lesson_id)
    if path.exists() and not force:
        raise _fail(f"{display_path(path)} exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(draft.text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{display_path(path)}: cannot write the draft: {exc.strerror or exc}") from None
    _report(draft, path)
