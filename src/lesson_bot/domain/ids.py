"""Numbers a person typed (command arguments, deep-link payloads, a number in a wizard), read one way everywhere.

An id is stored as a signed 64-bit integer by both databases; a longer number is no id of ours, so it is refused
here, at the parse, and never reaches a query (SQLite raises OverflowError, PostgreSQL "out of int64 range").
"""

from __future__ import annotations

import re

INT64_MAX = 2**63 - 1
# Canonical, as str(int) writes it; `\d` and str.isdigit() would take other scripts' digits and "²".
_PLAIN = re.compile(r"0|[1-9][0-9]{0,18}")


def parse_id(text: str) -> int | None:
    """`text` as a number in 0..2**63-1 written plainly (ASCII digits, no sign, no leading zero); else None."""
    return int(text) if _PLAIN.fullmatch(text) and int(text) <= INT64_MAX else None


def parse_prefixed_id(text: str, prefix: str) -> int | None:
    """The id after `prefix` in a deep-link payload such as `mtl123`; None when it is not one."""
    return parse_id(text[len(prefix):]) if text.startswith(prefix) else None
