"""Reading a roster spreadsheet saved as CSV: what Excel writes reads back, and any other file gets line-numbered
problems instead of a crash.

Line numbers are spreadsheet rows: the header is line 1, a blank row still counts, and a cell holding a line break
stays one row.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lesson_bot.domain.enums import PartyStatus, Role
from lesson_bot.domain.roster_csv import (
    HEADERS,
    MAX_ROWS,
    ROLE_WORDS,
    STATUS_WORDS,
    YES_NO,
    ParsedRoster,
    RosterRow,
    RowError,
    parse_roster,
)

PROPERTY = settings(max_examples=200, deadline=None)
OPTIONAL = ("party_group", "committee")
EXTRA_COLUMNS = ("备注", "电话", "note")

CJK_NAMES = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=4)
# Any name a person can have: no surrogates, and no control characters but line breaks (the parser refuses them).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs", "Cc"], include_characters="\r\n"), min_size=1,
                   max_size=64).map(str.strip).filter(bool)
NAMES = st.one_of(CJK_NAMES, ANY_TEXT)
USERNAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{3,31}", fullmatch=True)


def any_case(words: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(words).flatmap(lambda w: st.sampled_from([w, w.upper(), w.title()]))


@dataclass(frozen=True)
class Person:
    """One row as a secretary typed it."""

    name: str
    telegram: str  # a user id or an @username, as typed
    role: str
    status: str
    party_group: str
    committee: str

    @property
    def key(self) -> str:
        return str(int(self.telegram)) if self.telegram.isdigit() else self.telegram.lstrip("@").lower()

    def row(self, line: int, columns: list[str]) -> RosterRow:
        """What the parser should make of it, given which columns the file has."""
        user_id = int(self.telegram) if self.telegram.isdigit() else None
        return RosterRow(line, self.name, user_id, None if user_id is not None else self.telegram.lstrip("@"),
                         ROLE_WORDS[self.role.lower()], STATUS_WORDS[self.status.lower()],
                         (self.party_group or None) if "party_group" in columns else None,
                         YES_NO[self.committee.lower()] if "committee" in columns else False)


PEOPLE = st.builds(
    Person, NAMES,
    st.one_of(st.integers(1, 10**15 - 1).map(str), USERNAMES, USERNAMES.map("@{}".format)),
    any_case(sorted(ROLE_WORDS)), any_case(sorted(STATUS_WORDS)), st.one_of(st.just(""), NAMES),
    any_case(sorted(YES_NO)),
)


@dataclass(frozen=True)
class Sheet:
    """A roster laid out as a spreadsheet: which columns in which order, under which header names."""

    columns: list[str]  # a key of HEADERS, or an extra column
    header: list[str]
    people: list[Person]
    blank_before: list[bool]  # a blank row before each person

    def table(self) -> list[list[str]]:
        rows = [self.header]
        for person, blank in zip(self.people, self.blank_before, strict=True):
            rows += [[""] * len(self.columns)] if blank else []
            rows.append([getattr(person, c) if c in HEADERS else "x" for c in self.columns])
        return rows

    def expected(self) -> ParsedRoster:
        line, rows = 1, []
        for person, blank in zip(self.people, self.blank_before, strict=True):
            line += 2 if blank else 1
            rows.append(person.row(line, self.columns))
        return ParsedRoster(tuple(rows), ())


@st.composite
def sheets(draw: st.DrawFn, people: st.SearchStrategy[list[Person]] | None = None) -> Sheet:
    kept = [c for c in HEADERS if c not in OPTIONAL or draw(st.booleans())]
    columns = draw(st.permutations(kept + draw(st.lists(st.sampled_from(EXTRA_COLUMNS), unique=True))))
    header = [draw(any_case(list(HEADERS[c]))) if c in HEADERS else c for c in columns]
    found = draw(people or st.lists(PEOPLE, min_size=1, max_size=8, unique_by=lambda p: p.key))
    return Sheet(columns, header, found, draw(st.lists(st.booleans(), min_size=len(found), max_size=len(found))))


def render(table: list[list[str]], delimiter: str, newline: str) -> str:
    """CSV as Excel saves it: a cell is quoted when it holds the delimiter, a quote or a line break."""

    def cell(text: str) -> str:
        quoted = any(c in text for c in (delimiter, '"', "\r", "\n"))
        return '"' + text.replace('"', '""') + '"' if quoted else text

    return "".join(delimiter.join(map(cell, row)) + newline for row in table)


DELIMITERS = st.sampled_from([",", ";", "\t"])
NEWLINES = st.sampled_from(["\r\n", "\n", "\r"])  # Windows, Unix, and Excel for Mac's "CSV (Macintosh)"


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@PROPERTY
@given(sheets(), DELIMITERS, NEWLINES, st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_a_roster_saved_as_csv_reads_back(sheet: Sheet, delimiter: str, newline: str, encoding: str) -> None:
    """Every row comes back as typed, whatever the column order, header language, delimiter, line ends, BOM or
    encoding, with cells holding quotes, delimiters, line breaks or CJK, and blank rows skipped but counted."""
    text = render(sheet.table(), delimiter, newline)
    data = text.encode(encoding)
    assume(_utf8(data) in (None, text))  # GB18030 bytes that are also valid UTF-8 read as UTF-8, which is tried first
    assert parse_roster(data) == sheet.expected()


@st.composite
def with_a_duplicate(draw: st.DrawFn) -> tuple[Sheet, int, int]:
    """A sheet whose last person is someone from earlier again, under another name and spelling of the handle."""
    sheet = draw(sheets())
    first = draw(st.integers(0, len(sheet.people) - 1))
    original = sheet.people[first]
    again = (original.telegram.zfill(15) if original.telegram.isdigit()
             else draw(st.sampled_from(["@", ""])) + original.telegram.lstrip("@").swapcase())
    repeat = Person(draw(NAMES), again, original.role, original.status, original.party_group, original.committee)
    return Sheet(sheet.columns, sheet.header, [*sheet.people, repeat], [*sheet.blank_before, False]), first, len(
        sheet.people)


@PROPERTY
@given(with_a_duplicate(), DELIMITERS)
def test_a_person_listed_twice_is_kept_once_and_the_repeat_names_the_first_line(
        case: tuple[Sheet, int, int], delimiter: str) -> None:
    """The same user id (even with a leading zero) or username (any case, with or without @) on a later line is
    reported there as a duplicate of the first line, which is kept."""
    sheet, first, repeat = case
    parsed, expected = parse_roster(render(sheet.table(), delimiter, "\n").encode()), sheet.expected()
    first_line, repeat_line = expected.rows[first].line, expected.rows[repeat].line
    assert parsed == ParsedRoster(expected.rows[:-1], (RowError(repeat_line, "telegram", "duplicate",
                                                                str(first_line)),))


CELLS = st.one_of(st.sampled_from(["", " ", "张三", "123", "@someone", "党员", "书记", "正式", "预备", "是", "maybe"]),
                  st.text(st.sampled_from(list(",;\t\"'\r\n @_19aZ张")), max_size=6))


@PROPERTY
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([*",;\t\"'\r\n @_19aZ张", "姓名", "Telegram", "角色", "状态"]), max_size=60).map("".join)
    .flatmap(lambda t: st.sampled_from([t.encode("utf-8"), t.encode("gb18030")])),
))
def test_any_file_gets_rows_or_line_numbered_problems_and_never_an_exception(data: bytes) -> None:
    """Whatever is uploaded, the parser answers: rows in line order, and each problem on a line of the file."""
    parsed = parse_roster(data)
    lines = [row.line for row in parsed.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)
    assert all(error.line >= 1 for error in parsed.errors)
    assert not set(lines) & {error.line for error in parsed.errors}


@PROPERTY
@given(st.lists(st.lists(CELLS, min_size=4, max_size=4), min_size=1, max_size=8), DELIMITERS, NEWLINES)
def test_each_row_is_either_read_or_reported(cells: list[list[str]], delimiter: str, newline: str) -> None:
    """Under a good header, each row with anything in it is a roster row or has its problems reported, never
    dropped silently; a row that is all blank is skipped."""
    parsed = parse_roster(render([["姓名", "Telegram", "角色", "状态"], *cells], delimiter, newline).encode())
    read, reported = {row.line for row in parsed.rows}, {error.line for error in parsed.errors}
    for line, row in enumerate(cells, start=2):
        blank = not any(cell.strip() for cell in row)
        assert (line in read, line in reported) in ([(False, False)] if blank else [(True, False), (False, True)])


HEADER = "姓名,Telegram,角色,状态,党小组,支委\n"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


def test_a_roster_as_excel_in_china_saves_it() -> None:
    """GB18030, CRLF, Chinese headers and words: the secretary, a probationary member, a committee member."""
    data = ("姓名,Telegram,角色,状态,党小组,支委\r\n"
            "王书记,@wang_shuji,书记,正式,第一党小组,是\r\n李四,10001,党员,预备,,否\r\n")
    parsed = parse_roster(data.encode("gb18030"))
    assert parsed == ParsedRoster((
        RosterRow(2, "王书记", None, "wang_shuji", Role.SECRETARY, PartyStatus.FULL, "第一党小组", True),
        RosterRow(3, "李四", 10001, None, Role.MEMBER, PartyStatus.PROBATIONARY, None, False),
    ), ())


@pytest.mark.parametrize(("data", "error"), [
    (b"\xff\xfe\x80", RowError(1, "file", "encoding")),
    (b"", RowError(1, "file", "empty")),
    (b" , ,\n", RowError(1, "file", "empty")),
    (_csv("张三,1,党员,正式," + "长" * 200_000), RowError(2, "file", "too_long")),
    (_csv(*["李四,2,党员,正式,,"] * (MAX_ROWS + 1)), RowError(1, "file", "too_many_rows", str(MAX_ROWS + 1))),
], ids=["neither-utf8-nor-gb18030", "empty-file", "blank-header", "cell-past-the-csv-limit", "too-many-rows"])
def test_a_file_it_cannot_read_is_one_problem_on_a_line(data: bytes, error: RowError) -> None:
    """An unreadable, empty or oversized file is one problem, on the line where reading stopped, and no rows."""
    assert parse_roster(data) == ParsedRoster((), (error,))


def test_each_missing_column_is_named() -> None:
    """A header without 角色 and 状态 names both; the optional 党小组 and 支委 are not required."""
    assert parse_roster(b"name,telegram\nZhang,1\n") == ParsedRoster((), (
        RowError(1, "role", "missing_column"), RowError(1, "status", "missing_column")))


@pytest.mark.parametrize(("row", "errors"), [
    (",1,党员,正式,,", [RowError(2, "name", "empty")]),
    ("王" * 65 + ",1,党员,正式,,", [RowError(2, "name", "too_long", "王" * 20)]),
    ("张三,,党员,正式,,", [RowError(2, "telegram", "empty")]),
    ("张三,@abc,党员,正式,,", [RowError(2, "telegram", "bad_handle", "@abc")]),
    ("张三,1234567890123456,党员,正式,,", [RowError(2, "telegram", "bad_handle", "1234567890123456")]),
    ("张三,1,群众,正式,,", [RowError(2, "role", "unknown", "群众")]),
    ("张三,1,党员,发展对象,,", [RowError(2, "status", "unknown", "发展对象")]),
    ("张三,1,党员,正式,,也许", [RowError(2, "committee", "unknown", "也许")]),
    ("张三,1,党员,正式," + "组" * 65 + ",", [RowError(2, "party_group", "too_long", "组" * 20)]),
    ("张\x00三,1,党员,正式,,", [RowError(2, "name", "control_characters")]),
    ("张三,1,党员,正式,第一\x07组,", [RowError(2, "party_group", "control_characters")]),
    (",,,,,", []),  # a blank row is skipped, not reported
    ("张三,x,群众,,,", [RowError(2, "telegram", "bad_handle", "x"), RowError(2, "role", "unknown", "群众"),
                      RowError(2, "status", "unknown", "")]),
], ids=["name-empty", "name-too-long", "handle-empty", "username-too-short", "id-too-long", "role-unknown",
        "status-unknown", "committee-unknown", "group-too-long", "name-nul", "group-control", "blank-row",
        "every-problem-of-a-row"])
def test_a_bad_row_is_reported_by_field_and_the_good_rows_are_kept(row: str, errors: list[RowError]) -> None:
    """Each problem of a row names its line, its column, a stable code and the value as typed (names cut to 20
    characters); the rows around it are still read."""
    parsed = parse_roster(_csv(row, "李四,2,党员,正式,,", "王五,3,党员,正式,,"))
    assert list(parsed.errors) == errors
    assert [(r.line, r.name) for r in parsed.rows] == [(3, "李四"), (4, "王五")]


def test_a_duplicate_names_the_line_it_repeats() -> None:
    """The second line with the same user id is reported with the line of the first; the first is kept."""
    parsed = parse_roster(_csv("张三,42,党员,正式,,", "李四,7,党员,正式,,", "张三丰,042,党员,正式,,"))
    assert [r.line for r in parsed.rows] == [2, 3]
    assert parsed.errors == (RowError(4, "telegram", "duplicate", "2"),)


@pytest.mark.parametrize(("data", "names"), [
    ("姓名;Telegram;角色;状态\r张三;1;党员;正式\r李四;2;党员;正式\r".encode(), ["张三", "李四"]),
    ("\ufeff姓名\tTelegram\t角色\t状态\r\n张三\t1\t党员\t正式\r\n".encode(), ["张三"]),
    (_csv('"王, 五",1,党员,正式,,', "'小明',2,党员,正式,,", '"张""三""",3,党员,正式,,'),
     ["王, 五", "'小明'", '张"三"']),
    (_csv('"王\n五",1,党员,正式,,', "李四,2,党员,正式,,"), ["王\n五", "李四"]),
], ids=["semicolons-and-cr-only", "bom-and-tabs", "quotes-kept-as-typed", "line-break-in-a-cell"])
def test_what_excel_writes_reads_as_typed(data: bytes, names: list[str]) -> None:
    """Semicolons or tabs, CR-only line ends (Excel for Mac), a BOM, and quoted cells all read as typed; a cell
    with a line break is one row, so the next row keeps its spreadsheet number."""
    parsed = parse_roster(data)
    assert parsed.errors == () and [r.name for r in parsed.rows] == names
    assert [r.line for r in parsed.rows] == list(range(2, 2 + len(names)))
