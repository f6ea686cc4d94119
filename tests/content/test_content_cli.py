"""`lesson-bot content check` and `render`, as an author runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from lesson_bot.cli import app
from tests.support.content import BASE_LESSON, Library, replace_line

LESSON_BOT = Path(sys.executable).with_name("lesson-bot")
runner = CliRunner()


def test_check_prints_each_problem_and_a_summary_and_fails(library: Library) -> None:
    """Problems print as file:line: message relative to the working directory, then a summary; exit 1."""
    library.write(replace_line(BASE_LESSON, 20, "    correct: 0"))
    library.write(replace_line(BASE_LESSON, 2, "id: second-one").replace("position: 1", "position: 2"), "second-one.md")
    result = runner.invoke(app, ["content", "check", str(library.lessons)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/lessons/base-lesson.md:20: quiz[1].correct: 0 is not an option number (the first option is 1); "
        "options count from 1, so use 1-3",
        "checked 2 lessons in 1 series: 1 problem",
    ]


def test_check_of_a_clean_library_succeeds(library: Library) -> None:
    """A library without problems prints only the summary and exits 0."""
    library.write(BASE_LESSON)
    library.write(replace_line(BASE_LESSON, 2, "id: other-series").replace("党史故事", "组织生活"), "other-series.md")
    result = runner.invoke(app, ["content", "check", "content/lessons/"])
    assert (result.exit_code, result.stdout) == (0, "checked 2 lessons in 2 series: 0 problems\n")


def test_check_without_a_path_uses_the_configured_content_folder(library: Library) -> None:
    """With no PATH, the lessons folder under LESSON_BOT_CONTENT_DIR is checked."""
    library.write(BASE_LESSON)
    result = runner.invoke(app, ["content", "check"], env={"LESSON_BOT_CONTENT_DIR": str(library.root)})
    assert (result.exit_code, result.stdout) == (0, "checked 1 lesson in 1 series: 0 problems\n")


def test_check_with_a_bad_setting_names_the_variable(library: Library) -> None:
    """A malformed setting stops the command with one line naming the variable, exit 2."""
    result = runner.invoke(app, ["content", "check"], env={"LESSON_BOT_DEFAULT_TIMEZONE": "Mars/Olympus"})
    assert result.exit_code == 2
    assert "LESSON_BOT_DEFAULT_TIMEZONE" in result.stderr


def test_render_prints_the_messages_captions_and_quiz(library: Library) -> None:
    """An author sees the Telegram HTML the bot would send, the caption and the quiz with its answer."""
    path = library.write(BASE_LESSON)
    result = runner.invoke(app, ["content", "render", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "── message 1 of 1: 52 characters ──",
        "<b>遵义会议</b>",
        "党史故事 · 第 1 课",
        "",
        "<b>会议经过</b>",
        "",
        "1935年1月，中共中央政治局在贵州遵义召开扩大会议。",
        "── media 1: photo map.png ──",
        "遵义会议<b>会址</b>",
        "── quiz 1 ──",
        "遵义会议在哪一年召开？",
        "  · 1934年",
        "  ✓ 1935年",
        "  · 1936年",
        "  (遵义会议于1935年1月召开。)",
    ]


def test_render_of_a_broken_lesson_prints_its_problems(library: Library) -> None:
    """Rendering a lesson with problems lists them instead, and fails."""
    path = library.write(BASE_LESSON + "\n<br>\n")
    result = runner.invoke(app, ["content", "render", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "content/lessons/base-lesson.md:27: body: raw HTML <br> is not shown by Telegram; use a blank line instead"
    )


def test_the_installed_command_checks_a_library(library: Library) -> None:
    """The real console script, run as a process, prints the problems and exits 1."""
    library.write(BASE_LESSON.replace("map.png", "gone.png"))
    done = subprocess.run(
        [str(LESSON_BOT), "content", "check", "content/lessons"],
        capture_output=True,
        text=True,
        check=False,
        cwd=library.root.parent,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "content/lessons/base-lesson.md:12: media[1].file: content/media/gone.png does not exist; "
        "add the file to content/media/ or fix the name",
        "checked 1 lesson in 0 series: 1 problem",
    ]
