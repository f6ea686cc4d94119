"""Parse a roster spreadsheet exported as CSV: pure, every bad row reported by line, good rows kept.

Columns (a header row is required; Chinese or English names, any order, extra columns ignored):
name/姓名, telegram (a numeric user id or @username)/Telegram, role/角色 (member 党员, secretary 书记),
status/状态 (正式 full, 预备 probationary), and optionally party_group/党小组 and committee/支委 (是/否).
Encodings: UTF-8 (with or without BOM) and GB18030, which is what Excel in China saves. Cells are separated by
commas, semicolons or tabs, whichever splits the header row into the most known columns; quoting is Excel's, and
lines may end in CRLF, LF or a lone CR (Excel for Mac).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from lesson_bot.domain.enums import PartyStatus, Role

MAX_ROWS = 5000
_USERNAME_RE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")

HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "名字"),
    "telegram": ("telegram", "tg", "telegram id", "telegram_id", "用户名", "telegram 账号", "账号"),
    "role": ("role", "角色", "职务"),
    "status": ("status", "状态", "党员状态", "类别"),
    "party_group": ("party_group", "group", "党小组"),
    "committee": ("committee", "支委", "支委委员"),
}
REQUIRED = ("name", "telegram", "role", "status")
ROLE_WORDS: dict[str, Role] = {
    "member": Role.MEMBER, "党员": Role.MEMBER, "成员": Role.MEMBER,
    "secretary": Role.SECRETARY, "书记": Role.SECRETARY, "支部书记": Role.SECRETARY,
    "组织委员": Role.SECRETARY, "副书记": Role.SECRETARY,
}
STATUS_WORDS: dict[str, PartyStatus] = {
    "full": PartyStatus.FULL, "正式": PartyStatus.FULL, "正式党员": PartyStatus.FULL,
    "probationary": PartyStatus.PROBATIONARY, "预备": PartyStatus.PROBATIONARY,
    "预备党员": PartyStatus.PROBATIONARY,
}
YES_NO: dict[str, bool] = {
    "是": True, "yes": True, "y": True, "true": True, "1": True,
    "否": False, "no": False, "n": False, "false": False, "0": False, "": False,
}


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    telegram_user_id: int | None
    username: str | None  # without the @
    role: Role
    party_status: PartyStatus
    party_group: str | None
    is_committee: bool


@dataclass(frozen=True)
class RowError:
    """What is wrong with one line, as data: `field` is the column, `problem` a stable code, `value` as typed."""

    line: int
    field: str
    problem: str
    value: str = ""


@dataclass(frozen=True)
class ParsedRoster:
    rows: tuple[RosterRow, ...]
    errors: tuple[RowError, ...]


def decode(data: bytes) -> str | None:
    """The file's text, trying UTF-8 (BOM or not) and then GB18030; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = cell.strip().lower()
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = index
    return found


def _header_columns(text: str, delimiter: str) -> int:
    """How many known columns the header row has when split at `delimiter`."""
    try:
        return len(_columns(next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])))
    except csv.Error:
        return 0


def parse_roster(data: bytes) -> ParsedRoster:
    """Parse the CSV bytes into good rows and per-line errors; never raises on bad input."""
    text = decode(data)
    if text is None:
        return ParsedRoster((), (RowError(1, "file", "encoding"),))
    delimiter = max(",;\t", key=lambda d: _header_columns(text, d))  # Excel writes `;` or tabs in some locales
    # newline="": a quoted field keeps its line breaks, and a file saved with CR alone ends its lines there.
    lines: list[list[str]] = []
    try:
        lines.extend(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter))
    except csv.Error:  # over universal newlines and not strict, only a field past csv.field_size_limit() is one
        return ParsedRoster((), (RowError(len(lines) + 1, "file", "too_long"),))
    if not lines or not any(cell.strip() for cell in lines[0]):
        return ParsedRoster((), (RowError(1, "file", "empty"),))
    columns = _columns(lines[0])
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return ParsedRoster((), tuple(RowError(1, c, "missing_column") for c in missing))
    if len(lines) - 1 > MAX_ROWS:
        return ParsedRoster((), (RowError(1, "file", "too_many_rows", str(len(lines) - 1)),))

    rows: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row, row_errors = _parse_row(number, cells, columns)
        if row is not None:
            key = str(row.telegram_user_id) if row.telegram_user_id is not None else f"@{row.username}".lower()
            if key in seen:
                row_errors.append(RowError(number, "telegram", "duplicate", str(seen[key])))
            else:
                seen[key] = number
                rows.append(row)
        errors.extend(row_errors)
    return ParsedRoster(tuple(rows), tuple(errors))


def _has_control(text: str) -> bool:
    """Whether `text` holds a control character other than a line break (a quoted cell may hold one): no name has
    one, PostgreSQL refuses a NUL byte that SQLite would store, and both databases must take the same rows."""
    return any(unicodedata.category(c) == "Cc" and c not in "\r\n" for c in text)


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse_row(number: int, cells: list[str], columns: dict[str, int]) -> tuple[RosterRow | None, list[RowError]]:
    errors: list[RowError] = []
    name = _cell(cells, columns, "name")
    if not name:
        errors.append(RowError(number, "name", "empty"))
    elif _has_control(name):
        errors.append(RowError(number, "name", "control_characters"))
    elif len(name) > 64:
        errors.append(RowError(number, "name", "too_long", name[:20]))

    handle = _cell(cells, columns, "telegram")
    user_id: int | None = None
    username: str | None = None
    if re.fullmatch(r"\d{1,15}", handle):
        user_id = int(handle)
    elif match := _USERNAME_RE.match(handle):
        username = match.group(1)
    else:
        errors.append(RowError(number, "telegram", "empty" if not handle else "bad_handle", handle))

    role_text = _cell(cells, columns, "role")
    role = ROLE_WORDS.get(role_text.lower())
    if role is None:
        errors.append(RowError(number, "role", "unknown", role_text))
    status_text = _cell(cells, columns, "status")
    status = STATUS_WORDS.get(status_text.lower())
    if status is None:
        errors.append(RowError(number, "status", "unknown", status_text))
    committee_text = _cell(cells, columns, "committee")
    committee = YES_NO.get(committee_text.lower())
    if committee is None:
        errors.append(RowError(number, "committee", "unknown", committee_text))
    group = _cell(cells, columns, "party_group") or None
    if group is not None and _has_control(group):
        errors.append(RowError(number, "party_group", "control_characters"))
    elif group is not None and len(group) > 64:
        errors.append(RowError(number, "party_group", "too_long", group[:20]))

    if errors or role is None or status is None or committee is None:
        return None, errors
    return RosterRow(number, name, user_id, username, role, status, group, committee), errors
