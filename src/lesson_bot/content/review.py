"""Editorial checks that `lesson-bot content check` runs over lessons that pass the format rules.

They look for what a party secretary would send back: a source that names no document or no date, a quiz
answer that gives itself away (far longer than the others, or quoted in another question's explanation), a
leader's name without a title, and Traditional characters or conversion artefacts in a zh-Hans lesson.
The word lists and thresholds are in content.review_data. These checks do not keep a lesson from loading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache

import opencc

from lesson_bot.content.frontmatter import normalize_newlines
from lesson_bot.content.loader import LibraryLoad
from lesson_bot.content.model import LessonDoc, Problem
from lesson_bot.content.review_data import (
    LEADERS,
    LIST_SEPARATORS,
    LONG_OPTION_MARGIN,
    LONG_OPTION_RATIO,
    MIN_LEAK_LENGTH,
    MOJIBAKE,
    NAMED_AFTER,
    PLACEHOLDERS,
    TITLES,
    TITLES_BEFORE,
    TONE_MARKS,
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_DOCUMENT_ZH = re.compile(r"《[^《》]+》")
_DOCUMENT_EN = re.compile(r"《[^《》]+》|“[^”]+”|\"[^\"]+\"|\*[^*]+\*|_[^_]+_")
_DATE = re.compile(r"(?:1[89]|20)\d\d|修订|修正|版|edition|version|revised", re.IGNORECASE)
_QUESTION_MARKS = re.compile(rf"(?<=[{_CJK}])[?？]{{2,}}|[?？]{{2,}}(?=[{_CJK}])")
_PINYIN = re.compile(rf"[{_CJK}]\s*[（(]\s*[a-zü{TONE_MARKS}]*[{TONE_MARKS}][a-zü{TONE_MARKS} ]*[)）]", re.IGNORECASE)
_LATIN1_RUN = re.compile("[\u0080-\u00ff]{2,}")  # GBK read as Latin-1: 中国 -> ÖÐ¹ú; no real text has such runs
_LEADER = re.compile("|".join(LEADERS))
_SOURCE_SPLIT = re.compile(r"[；;]")
_SEPARATORS = "".join(LIST_SEPARATORS)
_TITLE_AFTER = re.compile(rf"(?:[{_SEPARATORS}][{_CJK}]{{2,4}}?)*等?(?:{'|'.join(TITLES)})")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def _bare(text: str) -> str:
    """Text without punctuation, symbols and spaces, lower-cased: what 'contains an option' compares."""
    return "".join(char for char in text.lower() if unicodedata.category(char)[0] not in "PSZC")


def check_source(lesson: LessonDoc) -> list[Problem]:
    """The source names a document (《title》) and each document named has a date or version."""
    line = lesson.line_of("source")
    finder = _DOCUMENT_ZH if lesson.language == "zh-Hans" else _DOCUMENT_EN
    if not finder.search(lesson.source):
        return [
            Problem(
                lesson.path,
                line,
                "source must name a document in 《》 with its issuer and date, e.g. "
                "《中国共产党章程》（2022年10月22日通过）第六条",
            )
        ]
    out: list[Problem] = []
    for part in _SOURCE_SPLIT.split(lesson.source):
        document = finder.search(part)
        if document is not None and not _DATE.search(part):
            out.append(
                Problem(
                    lesson.path,
                    line,
                    f"source: {document.group(0)} has no date or version; add the year it was issued or revised "
                    "(e.g. 2022年修订) so a secretary finds the same text",
                )
            )
    return out


def check_quiz(lesson: LessonDoc) -> list[Problem]:
    """No correct option is the only far longer one; no explanation quotes another question's correct option."""
    out: list[Problem] = []
    for number, question in enumerate(lesson.quiz, start=1):
        right = question.options[question.correct_index]
        wrong = max(len(option) for index, option in enumerate(question.options) if index != question.correct_index)
        if len(right) >= LONG_OPTION_RATIO * wrong and len(right) - wrong >= LONG_OPTION_MARGIN:
            option_lines = question.option_lines
            line = option_lines[question.correct_index] if question.correct_index < len(option_lines) else question.line
            out.append(
                Problem(
                    lesson.path,
                    line,
                    f"quiz[{number}].options[{question.correct_index + 1}]: the correct option has {len(right)} "
                    f"characters, the longest wrong one {wrong}; a member can pick it by its length: shorten it "
                    "or give the other options as much detail",
                )
            )
    for number, question in enumerate(lesson.quiz, start=1):
        explanation = _bare(question.explanation)
        for other_number, other in enumerate(lesson.quiz, start=1):
            answer = other.options[other.correct_index]
            if other_number == number or len(_bare(answer)) < MIN_LEAK_LENGTH or _bare(answer) not in explanation:
                continue
            out.append(
                Problem(
                    lesson.path,
                    question.explanation_line or question.line,
                    f"quiz[{number}].explanation: contains '{answer}', the correct option of quiz[{other_number}]; "
                    f"a member reads it before answering quiz[{other_number}]: reword the explanation",
                )
            )
    return out


def _inside_book_title(line: str, at: int) -> bool:
    return line.count("《", 0, at) > line.count("》", 0, at)


def _titled(line: str, start: int, end: int) -> bool:
    """Whether the leader's name at `start:end` carries a title: after it, directly or at the end of a list of
    names (毛泽东、周恩来等同志; 朱德、刘伯承等同志); before it, as official usage puts offices (国家主席习近平,
    中共中央总书记、国家主席、中央军委主席习近平); or it is part of the name of a theory."""
    rest = line[end:]
    before = line[:start]
    return (rest.startswith(NAMED_AFTER) or _TITLE_AFTER.match(rest) is not None
            or before.endswith(TITLES_BEFORE))


def check_leaders(lesson: LessonDoc, lines: list[str]) -> list[Problem]:
    """A leader's name carries a title (习近平总书记, 毛泽东同志), except in 《book titles》 and names of theories."""
    if lesson.language != "zh-Hans":
        return []
    source_line = lesson.line_of("source")
    out: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        if number == source_line:
            continue  # a citation names the author as the document does: 习近平：《论……》
        for match in _LEADER.finditer(line):
            if _inside_book_title(line, match.start()) or _titled(line, match.start(), match.end()):
                continue
            out.append(
                Problem(
                    lesson.path,
                    number,
                    f"'{match.group(0)}' (column {match.start() + 1}) has no title; write it as party texts do, "
                    f"e.g. {match.group(0)}同志 or {match.group(0)}总书记 (a list may end in 等同志)",
                )
            )
    return out


def _traditional(line: str) -> list[tuple[int, str, str]]:
    """(column, character, simplified) of each character that t2s conversion changes."""
    converted = _t2s().convert(line)
    if len(converted) == len(line):
        pairs = zip(line, converted, strict=True)
        return [(column, old, new) for column, (old, new) in enumerate(pairs, start=1) if old != new]
    out = []
    for column, char in enumerate(line, start=1):
        new = _t2s().convert(char)
        if new != char:
            out.append((column, char, new))
    return out


def check_characters(lesson: LessonDoc, lines: list[str]) -> list[Problem]:
    """Traditional characters and conversion artefacts (U+FFFD, ？？, 經(jīng), mojibake) in a zh-Hans lesson."""
    out: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        found: list[tuple[int, str]] = []
        if "\ufffd" in line:
            found.append((line.index("\ufffd") + 1, "the replacement character � (text lost in a conversion)"))
        for piece in MOJIBAKE:
            if piece in line:
                found.append((line.index(piece) + 1, f"'{piece}', a trace of text decoded with the wrong encoding"))
        latin = _LATIN1_RUN.search(line)
        if latin is not None and not any(piece in latin.group(0) for piece in MOJIBAKE):
            found.append((latin.start() + 1, f"'{latin.group(0)}', Chinese text decoded as Latin-1"))
        if lesson.language == "zh-Hans":
            for match in _QUESTION_MARKS.finditer(line):
                found.append((match.start() + 1, f"'{match.group(0)}' inside Chinese text (characters lost)"))
            for match in _PINYIN.finditer(line):
                found.append((match.start() + 1, f"'{match.group(0)}', pinyin left by a conversion"))
            changed = _traditional(line)
            if changed:
                chars = "".join(old for _, old, _ in changed)
                simple = "".join(new for _, _, new in changed)
                found.append((changed[0][0], f"Traditional character(s) {chars} in a zh-Hans lesson; write {simple}"))
        for column, what in sorted(found):
            out.append(Problem(lesson.path, number, f"column {column}: {what}"))
    return out


def check_placeholders(lesson: LessonDoc, lines: list[str]) -> list[Problem]:
    """Lines still holding the importer's placeholder (【待填写】): the quiz of a draft nobody has written yet."""
    out: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        for mark in PLACEHOLDERS:
            if mark in line:
                out.append(Problem(lesson.path, number, f"column {line.index(mark) + 1}: placeholder {mark} left by "
                                   "the importer: write the real text here"))
    return out


def review_lesson(lesson: LessonDoc, text: str) -> list[Problem]:
    """Every editorial problem of one lesson whose file text is `text`, by line."""
    lines = normalize_newlines(text).split("\n")
    problems = [
        *check_source(lesson),
        *check_quiz(lesson),
        *check_leaders(lesson, lines),
        *check_characters(lesson, lines),
        *check_placeholders(lesson, lines),
    ]
    return sorted(problems, key=lambda problem: problem.line)


def review_library(load: LibraryLoad) -> LibraryLoad:
    """`load` with the editorial problems of its valid lessons added, in file and line order."""
    problems = list(load.problems)
    for lesson in load.lessons:
        try:
            text = lesson.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(lesson.path, 1, f"cannot read the file again to review it: {exc}"))
            continue
        problems.extend(review_lesson(lesson, text))
    order = {file: index for index, file in enumerate(load.files)}
    problems.sort(key=lambda problem: (order.get(problem.path, len(order)), problem.line))
    return replace(load, problems=problems)
