"""Each front matter and body rule of docs/content-format.md, one broken copy of a valid lesson per rule.

Every test asserts the exact `file:line: message` an author would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lesson_bot.content.loader import load_library
from tests.support.content import BASE_LESSON, Library, replace_line

FILE = "content/lessons/base-lesson.md"
QUESTION = "\n".join(BASE_LESSON.split("\n")[14:21])
OPTIONS = "    options:\n      - 1934年\n      - 1935年\n      - 1936年"
YAML_HINT = "check the indentation and put values that contain ': ', '#' or start with [ { * & ! | > ' \" % @ in quotes"


def problems(library: Library, text: str) -> list[str]:
    library.write(text)
    load = load_library(Path("content/lessons"))
    assert (load.lessons == []) == bool(load.problems)
    return [str(problem) for problem in load.problems]


def test_the_base_lesson_is_valid(library: Library) -> None:
    """The lesson every other test breaks passes the checks: a broken copy fails for one reason only."""
    assert problems(library, BASE_LESSON) == []


CASES = {
    "yaml syntax error": (
        replace_line(BASE_LESSON, 8, "summary: 遵义会议: 经过"),
        [f"8: YAML syntax error: mapping values are not allowed here; {YAML_HINT}"],
    ),
    "unknown key, probably a typo": (
        replace_line(BASE_LESSON, 8, "summery: 遵义会议的经过和意义。"),
        [
            "2: missing required key 'summary': add a line 'summary: ...'",
            "8: unknown key 'summery'; did you mean 'summary'?",
        ],
    ),
    "missing key": (
        replace_line(BASE_LESSON, 7, "# minutes removed"),
        ["2: missing required key 'minutes': add a line 'minutes: ...'"],
    ),
    "wrong type: text for a number": (
        replace_line(BASE_LESSON, 5, "position: first"),
        ["5: position: expected a whole number from 1 to 999, got text 'first'"],
    ),
    "wrong type: quoted number": (
        replace_line(BASE_LESSON, 7, 'minutes: "5"'),
        ["7: minutes: expected a whole number from 1 to 120, got text '5'"],
    ),
    "wrong type: text for a list": (
        replace_line(BASE_LESSON, 9, "tags: 党史"),
        ["9: tags: expected a list like [a, b], got text '党史'"],
    ),
    "number out of range": (
        replace_line(BASE_LESSON, 5, "position: 1000"),
        ["5: position: 1000 is out of range; use a whole number from 1 to 999"],
    ),
    "title too long": (
        replace_line(BASE_LESSON, 3, "title: " + "题" * 101),
        ["3: title: 101 characters, at most 100 allowed; shorten it by 1"],
    ),
    "empty summary": (
        replace_line(BASE_LESSON, 8, "summary:"),
        ["8: summary: is empty; write 1-200 characters"],
    ),
    "unsupported language": (
        replace_line(BASE_LESSON, 6, "language: zh-CN"),
        ["6: language: 'zh-CN' is not supported; use zh-Hans or en"],
    ),
    "malformed id": (
        replace_line(BASE_LESSON, 2, "id: Base_Lesson"),
        [
            "2: id: 'Base_Lesson' must be 3-64 characters of a-z, 0-9 and '-', starting with a letter or "
            "digit, like 'zunyi-conference'"
        ],
    ),
    "id differs from the file name": (
        replace_line(BASE_LESSON, 2, "id: other-lesson"),
        [
            "2: id: 'other-lesson' does not match the file name 'base-lesson.md'; name the file "
            "'other-lesson.md' (a lesson's id never changes)"
        ],
    ),
    "key given twice": (
        replace_line(BASE_LESSON, 3, "title: 遵义会议\ntitle: 遵义"),
        ["4: key 'title' appears twice (first on line 3); keep only one"],
    ),
    "yaml alias": (
        replace_line(BASE_LESSON, 3, "title: &t 遵义会议\nsummary: *t"),
        ["4: YAML anchors and aliases (&name, *name) are not supported; write the value out"],
    ),
    "question longer than Telegram allows": (
        replace_line(BASE_LESSON, 15, "  - question: " + "问" * 301),
        ["15: quiz[1].question: 301 characters, Telegram allows at most 300; shorten it by 1"],
    ),
    "fewer than 2 options": (
        BASE_LESSON.replace(OPTIONS, "    options: [1935年]\n    #\n    #\n    #"),
        ["16: quiz[1].options: 1 option, Telegram allows 2-12; add 1"],
    ),
    "more than 12 options": (
        BASE_LESSON.replace(
            OPTIONS, "    options: [" + ", ".join(f"{1925 + n}年" for n in range(13)) + "]\n    #\n    #\n    #"
        ),
        ["16: quiz[1].options: 13 options, Telegram allows 2-12; remove 1"],
    ),
    "option longer than Telegram allows": (
        replace_line(BASE_LESSON, 18, "      - " + "项" * 101),
        ["18: quiz[1].options[2]: 101 characters, Telegram allows at most 100; shorten it by 1"],
    ),
    "options alike": (
        replace_line(BASE_LESSON, 19, "      - 1934年"),
        ["19: quiz[1].options[3]: repeats option 1 ('1934年'); make every option different"],
    ),
    "correct counted from 0": (
        replace_line(BASE_LESSON, 20, "    correct: 0"),
        ["20: quiz[1].correct: 0 is not an option number (the first option is 1); options count from 1, so use 1-3"],
    ),
    "correct past the last option": (
        replace_line(BASE_LESSON, 20, "    correct: 4"),
        ["20: quiz[1].correct: 4 is not an option number; options count from 1, so use 1-3"],
    ),
    "explanation longer than Telegram allows": (
        replace_line(BASE_LESSON, 21, "    explanation: " + "释" * 201),
        ["21: quiz[1].explanation: 201 characters, Telegram allows at most 200; shorten it by 1"],
    ),
    "explanation with more than 2 line feeds": (
        replace_line(BASE_LESSON, 21, '    explanation: "一\\n二\\n三\\n四"'),
        ["21: quiz[1].explanation: 3 line breaks, Telegram allows at most 2; join 1 of the lines"],
    ),
    "quiz question missing a key": (
        replace_line(BASE_LESSON, 21, ""),
        ["15: missing required key 'quiz[1].explanation': add a line 'explanation: ...'"],
    ),
    "too many quiz questions": (
        BASE_LESSON.replace(QUESTION, "\n".join([QUESTION] * 6)),
        ["14: quiz: 6 questions, a lesson may have 1-5; remove 1"],
    ),
    "media path leaving the media folder": (
        replace_line(BASE_LESSON, 12, "  - file: ../secret.png"),
        ["12: media[1].file: '../secret.png' must be a path inside content/media/, without '..' or a leading '/'"],
    ),
    "unknown media key": (
        replace_line(BASE_LESSON, 13, "    captoin: 会址"),
        ["13: media[1]: unknown key 'captoin'; did you mean 'caption'?"],
    ),
    "caption longer than Telegram allows": (
        replace_line(BASE_LESSON, 13, "    caption: " + "图" * 1025),
        ["13: media[1].caption: 1025 characters after formatting, Telegram allows at most 1024; shorten it by 1"],
    ),
    "raw HTML in the body": (
        BASE_LESSON + "第一行<br>第二行\n",
        ["26: body: raw HTML <br> is not shown by Telegram; use a blank line instead"],
    ),
    "raw HTML block in the body": (
        BASE_LESSON + "\n<div>\n正文\n</div>\n",
        [
            "27: body: raw HTML <div> is not shown by Telegram; remove it and use Markdown (**bold**, *italic*, "
            "[text](https://...))"
        ],
    ),
    "table in the body": (
        BASE_LESSON + "\n| 年份 | 事件 |\n| --- | --- |\n| 1935 | 遵义会议 |\n",
        ["27: body: tables cannot be shown in Telegram; write the rows as a list instead"],
    ),
    "image in the body": (
        BASE_LESSON + "\n会址照片：\n![会址](map.png)\n",
        ["28: body: inline images are not shown in a Telegram message; list the file under `media`"],
    ),
    "nested quote": (
        BASE_LESSON + "\n> 毛泽东说：\n>\n> > 没有调查，没有发言权。\n",
        ["29: body: quotes cannot be nested in Telegram; remove the inner '>'"],
    ),
    "javascript link": (
        BASE_LESSON + "\n[点这里](javascript:alert(1))\n",
        ["27: body: link scheme 'javascript:' is not allowed; use http, https, tg or mailto links only"],
    ),
    "relative link": (
        BASE_LESSON + "\n见[上一课](zunyi.md)\n",
        [
            "27: body: link 'zunyi.md' is not a full address; Telegram needs http://, https://, tg:// or "
            "mailto: links (relative links and anchors do not work)"
        ],
    ),
    "empty body": (
        BASE_LESSON.split("## 会议经过")[0] + "\n   \n",
        ["23: body: the lesson has no text; write it below the front matter's closing '---'"],
    ),
    "no front matter": (
        BASE_LESSON.split("---\n", 2)[2],
        [
            "1: no front matter: a lesson starts with a '---' line, then its keys (id, title, ...), then "
            "another '---' line, then the body; see docs/content-format.md"
        ],
    ),
    "front matter never closed": (
        BASE_LESSON.replace("\n---\n## ", "\n## "),
        ["1: the front matter is never closed: add a '---' line after its last key, before the body"],
    ),
    "front matter nested thousands deep": (
        "---\ntitle: " + "[" * 5000 + "\n---\n正文\n",
        ["2: the front matter is nested too deeply to read"],
    ),
    "front matter that is not key: value lines": (
        "---\n- id\n- title\n---\n正文\n",
        ["2: the front matter must be 'key: value' lines, like 'title: ...'"],
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_a_broken_rule_is_reported_at_its_line(library: Library, text: str, expected: list[str]) -> None:
    """An author sees the file, the line of the offending key or body line, what is wrong and how to fix it."""
    assert problems(library, text) == [f"{FILE}:{line}" for line in expected]


def test_every_problem_of_a_file_is_reported_in_one_run(library: Library) -> None:
    """Front matter and body problems come together, in line order, so one pass fixes them all."""
    text = replace_line(BASE_LESSON, 20, "    correct: 0") + "\n<br>\n"
    found = problems(library, text)
    assert [p.split(":")[1] for p in found] == ["20", "27"]


def test_crlf_line_ends_and_a_byte_order_mark_keep_line_numbers(library: Library) -> None:
    """A file saved by a Windows editor, with a BOM and CRLF line ends, reports the same lines."""
    text = "\ufeff" + replace_line(BASE_LESSON, 5, "position: first").replace("\n", "\r\n")
    assert problems(library, text) == [f"{FILE}:5: position: expected a whole number from 1 to 999, got text 'first'"]


def test_years_and_yes_no_stay_text_where_text_is_expected(library: Library) -> None:
    """Options such as 1935 or yes/no are the author's text, not numbers or booleans YAML guessed."""
    text = BASE_LESSON.replace(OPTIONS, "    options: [1934, 1935, yes]\n    #\n    #\n    #")
    library.write(text)
    load = load_library(Path("content/lessons"))
    assert load.problems == []
    assert load.lessons[0].quiz[0].options == ("1934", "1935", "yes")
