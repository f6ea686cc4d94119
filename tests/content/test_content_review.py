"""The editorial checks of `lesson-bot content check`: each held-out faulty lesson is reported at its file and line.

Each test breaks a copy of the (clean) base lesson in one way and asserts the exact lines an author reads.
"""

from __future__ import annotations

from typer.testing import CliRunner

from lesson_bot.cli import app
from lesson_bot.content.loader import load_library
from lesson_bot.content.review import review_library
from tests.support import REPO_ROOT
from tests.support.content import BASE_LESSON, Library, replace_line

FILE = "content/lessons/base-lesson.md"
SECOND_QUESTION = """\
  - question: 遵义会议在哪里召开？
    options:
      - 贵州遵义
      - 江西瑞金
      - 福建古田
    correct: 1
    explanation: 会议在贵州遵义召开，会址在今遵义市红花岗区子尹路。"""
"""A second question for BASE_LESSON, inserted after line 21: its lines are 22-28, the body then starts at 31."""

TWO_QUESTIONS = replace_line(BASE_LESSON, 21, BASE_LESSON.split("\n")[20] + "\n" + SECOND_QUESTION)
SOURCE_HINT = (
    "source must name a document in 《》 with its issuer and date, e.g. 《中国共产党章程》（2022年10月22日通过）第六条"
)


def check(library: Library, text: str, name: str = "base-lesson.md") -> list[str]:
    """The problem lines `lesson-bot content check` prints for a library of this one lesson (summary dropped)."""
    library.write(text, name)
    result = CliRunner().invoke(app, ["content", "check", "content/lessons"])
    lines = result.stdout.splitlines()
    assert result.exit_code == (1 if len(lines) > 1 else 0), result.stdout
    return lines[:-1]


def test_the_base_lessons_pass_the_editorial_checks(library: Library) -> None:
    """A lesson with a dated source, fair options and titled names passes: exit 0, no problem."""
    assert check(library, TWO_QUESTIONS) == []


def test_a_source_that_names_no_document_is_reported(library: Library) -> None:
    """'党史资料' is no document a secretary can look up: the source line is reported with an example."""
    text = replace_line(BASE_LESSON, 10, "source: 党史资料")
    assert check(library, text) == [f"{FILE}:10: {SOURCE_HINT}"]


def test_each_document_of_a_source_needs_a_date_or_version(library: Library) -> None:
    """Of two documents, the undated one is named; a year or a 修订 marker is enough."""
    text = replace_line(BASE_LESSON, 10, "source: 《中国共产党章程》（2022年修订）第六条；《中国共产党历史》第一卷")
    assert check(library, text) == [
        f"{FILE}:10: source: 《中国共产党历史》 has no date or version; add the year it was issued or revised "
        "(e.g. 2022年修订) so a secretary finds the same text"
    ]


def test_an_english_lesson_may_name_its_document_in_quotes(library: Library) -> None:
    """In an en lesson a quoted or italic title names the document; a bare description does not."""
    english = replace_line(BASE_LESSON, 6, "language: en")
    quoted = replace_line(english, 10, 'source: Ministry of Public Security, "Twenty Fire Safety Tips", 2012')
    assert check(library, quoted) == []
    bare = replace_line(english, 10, "source: the project documentation")
    assert check(library, bare) == [f"{FILE}:10: {SOURCE_HINT}"]


def test_a_correct_option_far_longer_than_the_others_is_reported(library: Library) -> None:
    """The one detailed option among short ones gives the answer away: reported at the option's line."""
    text = replace_line(BASE_LESSON, 18, "      - 1935年1月，在红军长征途中")
    assert check(library, text) == [
        f"{FILE}:18: quiz[1].options[2]: the correct option has 15 characters, the longest wrong one 5; "
        "a member can pick it by its length: shorten it or give the other options as much detail"
    ]


def test_options_of_similar_length_pass_though_the_correct_one_is_longest(library: Library) -> None:
    """A correct option a little longer than the others (1.4 times) is fair."""
    text = replace_line(BASE_LESSON, 18, "      - 1935年1月")
    assert check(library, text) == []


def test_an_explanation_that_gives_another_answer_away_names_both_questions(library: Library) -> None:
    """Question 1's explanation says where the meeting was held, the answer of question 2: reported at line 21."""
    text = replace_line(TWO_QUESTIONS, 21, "    explanation: 遵义会议于1935年1月在贵州遵义召开。")
    assert check(library, text) == [
        f"{FILE}:21: quiz[1].explanation: contains '贵州遵义', the correct option of quiz[2]; "
        "a member reads it before answering quiz[2]: reword the explanation"
    ]


def test_an_explanation_may_repeat_its_own_answer(library: Library) -> None:
    """Question 2's explanation names its own answer; the punctuation-free comparison finds nothing else."""
    text = replace_line(TWO_QUESTIONS, 28, "    explanation: 贵州遵义，1935年1月的扩大会议在此召开。")
    assert check(library, text) == [
        f"{FILE}:28: quiz[2].explanation: contains '1935年', the correct option of quiz[1]; "
        "a member reads it before answering quiz[1]: reword the explanation"
    ]
    fair = replace_line(TWO_QUESTIONS, 28, "    explanation: 贵州遵义。会议在长征途中召开。")
    assert check(library, fair) == []


def test_a_leaders_name_without_a_title_is_reported_with_its_column(library: Library) -> None:
    """'毛泽东在会上' lacks 同志; each bare name in the body and the summary is reported at its line."""
    text = replace_line(BASE_LESSON, 25, "1935年1月，毛泽东在会上发言，周恩来、朱德表示支持。")
    text = replace_line(text, 8, "summary: 习近平强调的遵义会议精神。")
    hint = "has no title; write it as party texts do"
    assert check(library, text) == [
        f"{FILE}:8: '习近平' (column 10) {hint}, e.g. 习近平同志 or 习近平总书记 (a list may end in 等同志)",
        f"{FILE}:25: '毛泽东' (column 9) {hint}, e.g. 毛泽东同志 or 毛泽东总书记 (a list may end in 等同志)",
        f"{FILE}:25: '周恩来' (column 18) {hint}, e.g. 周恩来同志 or 周恩来总书记 (a list may end in 等同志)",
        f"{FILE}:25: '朱德' (column 22) {hint}, e.g. 朱德同志 or 朱德总书记 (a list may end in 等同志)",
    ]


def test_titles_lists_book_titles_and_names_of_theories_pass(library: Library) -> None:
    """毛泽东同志, a list ending in 等同志, 《毛泽东选集》, the name of the thought, and 陈独秀 need nothing more."""
    body = (
        "毛泽东同志在会上发言，周恩来、朱德等同志表示支持。见《毛泽东选集》第一卷。"
        "学习习近平新时代中国特色社会主义思想，领会习近平总书记的讲话；陈独秀当时不在国内。"
        "贺龙、叶挺、朱德、刘伯承等同志领导起义。"
    )
    assert check(library, replace_line(BASE_LESSON, 25, body)) == []


def test_an_office_written_before_the_name_is_a_title(library: Library) -> None:
    """Official usage puts offices first (中共中央总书记、国家主席、中央军委主席习近平; 周恩来总理 after): both pass,
    while a name after a word that is not an office (会上习近平) is still reported."""
    body = "中共中央总书记、国家主席、中央军委主席习近平向队伍授旗。国务院总理周恩来出席。"
    assert check(library, replace_line(BASE_LESSON, 25, body)) == []
    [problem] = check(library, replace_line(BASE_LESSON, 25, "会上习近平强调纪律。"))
    assert problem.startswith(f"{FILE}:25: '习近平' (column 3) has no title")


def test_traditional_characters_are_reported_in_a_zh_hans_lesson_only(library: Library) -> None:
    """'黨的會議' in the body and '會議' in an option are reported with the simplified spelling; an en lesson is not."""
    text = replace_line(BASE_LESSON, 25, "1935年1月，中共中央政治局召開擴大會議。")
    text = replace_line(text, 15, "  - question: 遵義會議在哪一年召开？")
    assert check(library, text) == [
        f"{FILE}:15: column 16: Traditional character(s) 義會議 in a zh-Hans lesson; write 义会议",
        f"{FILE}:25: column 17: Traditional character(s) 開擴會議 in a zh-Hans lesson; write 开扩会议",
    ]
    assert check(library, replace_line(text, 6, "language: en")) == []


def test_conversion_artefacts_are_reported_with_line_and_column(library: Library) -> None:
    """A replacement character, '？？' inside Chinese text, pinyin after a character and mojibake are errors."""
    text = replace_line(BASE_LESSON, 25, "1935年1月，中共中央\ufffd政治局在贵州遵义召开扩？？会议。")
    text = replace_line(text, 8, "summary: 遵义会议的经(jīng)过和意义锛")
    assert check(library, text) == [
        f"{FILE}:8: column 15: '经(jīng)', pinyin left by a conversion",
        f"{FILE}:8: column 26: '锛', a trace of text decoded with the wrong encoding",
        f"{FILE}:25: column 13: the replacement character � (text lost in a conversion)",
        f"{FILE}:25: column 25: '？？' inside Chinese text (characters lost)",
    ]


def test_a_lesson_that_fails_the_format_rules_is_not_reviewed_twice(library: Library) -> None:
    """The format error is what the author sees first; the editorial checks run once the lesson loads."""
    text = replace_line(replace_line(BASE_LESSON, 10, "source: 党史资料"), 20, "    correct: 0")
    assert check(library, text) == [
        f"{FILE}:20: quiz[1].correct: 0 is not an option number (the first option is 1); options count from 1, "
        "so use 1-3"
    ]


def test_the_real_library_passes_the_editorial_checks() -> None:
    """Every shipped lesson is clean."""
    load = review_library(load_library(REPO_ROOT / "content" / "lessons"))
    assert [str(p) for p in load.problems] == []
    assert len(load.lessons) == len(load.files)
