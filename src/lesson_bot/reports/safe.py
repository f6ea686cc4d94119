"""Spreadsheet cells that cannot run: the one guard against formula (CSV) injection, for every writer.

Member names come from Telegram and are attacker-controlled: `=HYPERLINK(...)` in a name must stay text when a
secretary opens the export in Excel, WPS or LibreOffice. Following OWASP's CSV injection guidance, a text cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or the full-width `＝＋－＠`, which Excel with an
East Asian input method also takes as a formula) is prefixed with `'`, which the spreadsheet shows as text.
Typed cells (numbers, dates) are never altered: a negative number is a number, not a formula.
"""

from __future__ import annotations

from lesson_bot.reports.tables import Cell

TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def safe_cell(value: Cell) -> Cell:
    """The value, with a text cell that a spreadsheet would evaluate prefixed by `'`."""
    if isinstance(value, str) and value[:1] in TRIGGERS:
        return "'" + value
    return value
