"""Loading a library folder: files, media on disk, cross-file rules and versions by content hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from lesson_bot.content.loader import content_dir_for, load_lesson_file, load_library
from tests.support.content import BASE_LESSON, Library, replace_line

REPO_ROOT = Path(__file__).resolve().parents[2]


def other_lesson(lesson_id: str, position: int, series: str = "党史故事") -> str:
    text = replace_line(BASE_LESSON, 2, f"id: {lesson_id}")
    text = replace_line(text, 4, f"series: {series}")
    return replace_line(text, 5, f"position: {position}")


def test_duplicate_ids_across_files_name_the_first_use(library: Library) -> None:
    """A second lesson reusing an id is refused, and the message says where the id is already used."""
    library.write(BASE_LESSON)
    library.write(BASE_LESSON.replace("position: 1", "position: 2"), "more/base-lesson.md")
    load = load_library(Path("content/lessons"))
    assert [str(p) for p in load.problems] == [
        "content/lessons/more/base-lesson.md:2: id 'base-lesson' is already used by content/lessons/base-lesson.md:2"
    ]
    assert [lesson.path for lesson in load.lessons] == [Path("content/lessons/base-lesson.md")]


def test_two_lessons_in_one_place_of_a_series_are_refused(library: Library) -> None:
    """Two lessons of one series at the same position: the later file is reported with the earlier one named."""
    library.write(BASE_LESSON)
    library.write(other_lesson("zunyi-two", 1), "zunyi-two.md")
    library.write(other_lesson("elsewhere", 1, series="另一个系列"), "elsewhere.md")
    load = load_library(Path("content/lessons"))
    assert [str(p) for p in load.problems] == [
        "content/lessons/zunyi-two.md:5: position 1 in series '党史故事' is already used by "
        "content/lessons/base-lesson.md:5 ('base-lesson'); give each lesson of a series its own position"
    ]
    assert sorted(lesson.id for lesson in load.lessons) == ["base-lesson", "elsewhere"]
    assert load.series == {"党史故事", "另一个系列"}


def test_a_broken_lesson_does_not_stop_the_others(library: Library) -> None:
    """One broken file is reported; every other lesson still loads."""
    library.write(BASE_LESSON)
    library.write("no front matter here\n", "broken.md")
    library.write(other_lesson("zunyi-two", 2), "sub/zunyi-two.md")
    load = load_library(Path("content/lessons"))
    assert [p.path.name for p in load.problems] == ["broken.md"]
    assert [lesson.id for lesson in load.lessons] == ["base-lesson", "zunyi-two"]
    assert len(load.files) == 3


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line(library: Library) -> None:
    """A file saved as GBK is reported at the line of its first bad byte, with the fix."""
    data = BASE_LESSON.replace("遵义会议的经过", "X").encode("utf-8").replace(b"X", "经过".encode("gbk"))
    (library.lessons / "base-lesson.md").write_bytes(data)
    offset = data.index("经过".encode("gbk"))
    load = load_library(Path("content/lessons"))
    assert [str(p) for p in load.problems] == [
        f"content/lessons/base-lesson.md:8: the file is not UTF-8 (byte {offset} is 0xbe); save it as UTF-8"
    ]


def test_a_read_error_is_a_problem_even_for_root(library: Library) -> None:
    """Whatever the operating system refuses to read becomes a problem naming the reason."""
    result = load_lesson_file(library.lessons, library.media)
    assert result.lesson is None
    assert [str(p) for p in result.problems] == [f"{library.lessons}:1: cannot read the file: Is a directory"]


def test_a_missing_media_file_is_reported_at_its_line(library: Library) -> None:
    """A media entry whose file is not in content/media points at the entry and the folder to put it in."""
    library.write(BASE_LESSON.replace("map.png", "photos/meeting.jpg"))
    load = load_library(Path("content/lessons"))
    assert [str(p) for p in load.problems] == [
        "content/lessons/base-lesson.md:12: media[1].file: content/media/photos/meeting.jpg does not exist; "
        "add the file to content/media/ or fix the name"
    ]


def test_a_missing_path_is_a_problem(library: Library) -> None:
    """Checking a path that does not exist says so instead of raising."""
    load = load_library(Path("content/lesson"))
    assert [str(p) for p in load.problems] == [
        "content/lesson:1: no such file or folder; give a lesson file or the lessons folder"
    ]


def test_media_are_found_from_a_single_file_deep_in_the_lessons_folder(library: Library) -> None:
    """Checking one file in a sub-folder still finds content/media, through the nearest lessons folder."""
    path = library.write(BASE_LESSON, "series/one/base-lesson.md")
    assert content_dir_for(path) == library.root
    load = load_library(path)
    assert load.problems == []
    item = load.lessons[0].media[0]
    assert (item.kind, item.path, item.line) == ("photo", library.media / "map.png", 12)


def test_without_a_lessons_folder_media_sit_next_to_the_given_path(tmp_path: Path) -> None:
    """Outside a lessons folder, the content folder is the given path's parent."""
    (tmp_path / "drafts").mkdir()
    assert content_dir_for(tmp_path / "drafts") == tmp_path
    assert content_dir_for(tmp_path / "drafts" / "x.md") == tmp_path / "drafts"


def test_replacing_a_picture_makes_a_new_version(library: Library) -> None:
    """The content hash covers the media files: a new picture under the same name is a new version."""
    library.write(BASE_LESSON)
    first = load_library(Path("content/lessons")).lessons[0]
    again = load_library(Path("content/lessons")).lessons[0]
    (library.media / "map.png").write_bytes(b"another picture")
    replaced = load_library(Path("content/lessons")).lessons[0]
    library.write(BASE_LESSON + "\n补充一句。\n")
    edited = load_library(Path("content/lessons")).lessons[0]
    assert first.content_hash == again.content_hash
    assert len({first.content_hash, replaced.content_hash, edited.content_hash}) == 3
    assert first.media[0].sha256 != replaced.media[0].sha256


def test_the_lesson_carries_what_the_bot_sends(library: Library) -> None:
    """A loaded lesson has its metadata, 0-based correct answer, rendered messages and caption."""
    library.write(BASE_LESSON)
    lesson = load_library(Path("content/lessons")).lessons[0]
    assert (lesson.id, lesson.series, lesson.position, lesson.language, lesson.minutes) == (
        "base-lesson",
        "党史故事",
        1,
        "zh-Hans",
        5,
    )
    assert lesson.tags == ("党史", "长征")
    assert lesson.quiz[0].correct_index == 1
    assert lesson.quiz[0].options == ("1934年", "1935年", "1936年")
    assert lesson.media[0].caption_html == "遵义会议<b>会址</b>"
    assert lesson.messages == (
        "<b>遵义会议</b>\n党史故事 · 第 1 课\n\n<b>会议经过</b>\n\n1935年1月，中共中央政治局在贵州遵义召开扩大会议。",
    )
    assert (lesson.line_of("quiz"), lesson.body_line) == (14, 23)


def test_the_real_library_checks_clean() -> None:
    """Every lesson shipped in content/lessons passes every check."""
    lessons = REPO_ROOT / "content" / "lessons"
    if not any(lessons.rglob("*.md")):
        pytest.skip("content/lessons has no lessons yet")
    load = load_library(lessons)
    assert [str(p) for p in load.problems] == []
    assert len(load.lessons) == len(load.files)
