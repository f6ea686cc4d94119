"""What the bot needs of the report files: a report's sheets as XLSX and its chart as PNG, in a reader's language.

Declared here so that the bot, which may not import lesson_bot.reports (its sibling), reaches the exporters and
charts through the Services container; lesson_bot.reports.files implements it and bootstrap wires it in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lesson_bot.services.reports.sheets import Sheet
from lesson_bot.services.reports.views import BranchReport, MemberReport, OrgReport

Report = OrgReport | BranchReport | MemberReport


class ReportFiles(Protocol):
    def xlsx(self, sheets: Sequence[Sheet], locale: str) -> bytes:
        """The sheets as one workbook, column titles in `locale`."""
        ...

    def chart(self, report: Report, locale: str) -> bytes | None:
        """The report's picture (PNG), labelled in `locale`; None when it has nothing to draw."""
        ...
