"""The importer's findings (removed or flagged artefacts, with their position) and its one-line failure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["removed", "flagged", "converted"]


class ImportFailure(Exception):
    """The source cannot be imported; the message is one line naming the source and the reason.

    `reason` names the kind of failure and `params` its figures, for a caller that says it in the user's language
    (the bot's /import): "status", "media_type", "too_big", "not_url", "too_slow", "redirects", "no_connection",
    "silent", "unreachable", "private_address", "no_text", "clutter_only", or "other".
    """

    def __init__(self, message: str, reason: str = "other", **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True, order=True)
class Finding:
    """Something the importer removed from the article's text or flagged for a person to fix.

    `line` and `column` (1-based) are positions in the article's main text as extracted, one paragraph or
    heading a line; `text` is the artefact itself.
    """

    line: int
    column: int
    action: Action
    kind: str
    text: str

    def __str__(self) -> str:
        shown = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"article {self.line}:{self.column}: {self.action} {self.kind}: {shown}"
