"""What pure code needs to say something in the user's language: the gettext calls (lesson_bot.i18n.Lang has them).

Domain modules mark their texts with `N_` and `NP_` (the extraction keywords in scripts/i18n.sh) and translate them
with the Translation a caller passes in, so the domain stays free of catalogs and files.
"""

from __future__ import annotations

from typing import Protocol


class Translation(Protocol):
    """The translation functions for one locale."""

    def _(self, message: str, /, **params: object) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str: ...

    def pgettext(self, context: str, message: str, /, **params: object) -> str: ...


def N_(message: str) -> str:
    """Mark a message for extraction; translate it later with `t._(message)`."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with its context for extraction; translate it later with `t.pgettext(*marked)`."""
    return context, message
