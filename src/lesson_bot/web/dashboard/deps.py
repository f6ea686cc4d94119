"""What the dashboard needs from the composition root, and the Protocols the report and review features plug into.

`routes(deps)` is all the web app calls. The composition root (bootstrap/dashboard.py) fills DashboardDeps from
its services: the report figures (ReportSource, web/dashboard/report_tables.py), the review of records
(ReviewActions, web/dashboard/review_actions.py), and what needs lesson_bot.reports, which web may not import: the
XLSX export (Exporter), the charts (ChartSource) and the 会议记录 document (RecordDocument). A plug left None
leaves its block out of the pages (never faked).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import Clock
from lesson_bot.services.dashboard_pages import DashboardReads
from lesson_bot.services.lessons.deliveries import DeliveryService
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.meetings.cadence import CadenceService
from lesson_bot.services.meetings.records import MeetingRecordService
from lesson_bot.services.surveys.opening import SurveyService
from lesson_bot.services.surveys.results import SurveyResultsService
from lesson_bot.services.web_sessions import WebSessionService


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None  # a dashboard path, e.g. /branches/3


@dataclass(frozen=True)
class ReportTable:
    """Figures of a report as the page shows them: headings and rows, already in the viewer's language."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    flags: tuple[str, ...] = ()  # short warnings shown above the table


class ReportSource(Protocol):
    """The report figures (services/reports' ReportService through an adapter). Each method checks the actor's
    role in the service layer and raises Refused / NotFound like the other services; `period` is the picker's
    value (`2026`, `2026-Q4` or `2026-12`) and `locale` the page's language."""

    async def org_report(self, actor_tg: int, period: str, locale: str) -> ReportTable: ...

    async def branch_report(self, actor_tg: int, branch_id: int, period: str, locale: str) -> ReportTable: ...

    async def member_report(self, actor_tg: int, member_id: int, period: str, locale: str) -> ReportTable: ...


@dataclass(frozen=True)
class PendingRecord:
    meeting_id: int
    topic: str
    starts_at: datetime


@dataclass(frozen=True)
class ReviewEntry:
    """One step of a record's review: state is submitted, approved, returned or answered."""

    round: int
    state: str
    at: datetime
    by: str | None
    comment: str | None
    answer: str | None


class ReviewActions(Protocol):
    """The review of meeting records (services/meetings/review.py): approve or return with a reason; role checks
    (and their audit) in the service."""

    async def pending(self, actor_tg: int, branch_id: int) -> Sequence[PendingRecord] | None:
        """The branch's records waiting for the viewer's review; None when the viewer reviews no records."""

    async def can_review(self, actor_tg: int, meeting_id: int) -> bool: ...

    async def history(self, actor_tg: int, meeting_id: int) -> Sequence[ReviewEntry]:
        """The record's review, oldest step first (for whoever may read the record)."""

    async def approve(self, actor_tg: int, meeting_id: int) -> None: ...

    async def return_record(self, actor_tg: int, meeting_id: int, reason: str) -> None: ...


# XLSX bytes of a report: (actor, branch id or None for the organization, period, locale) -> the file's content,
# its column titles in the locale's language.
Exporter = Callable[[int, int | None, str, str], Awaitable[bytes]]
# The 会议记录 of a meeting as .docx: (actor, meeting id, locale) -> the file's content.
RecordDocument = Callable[[int, int, str], Awaitable[bytes]]


class ChartSource(Protocol):
    """The figures as PNG charts (lesson_bot.reports.charts), read through the services with the viewer's role."""

    async def branch_ranking(self, actor_tg: int, period: str, locale: str) -> bytes:
        """The branches' scorecard totals, best first (the overview)."""

    async def participation(self, actor_tg: int, branch_id: int, period: str, locale: str) -> bytes:
        """Each member's lesson completion in the period (the branch page)."""

    async def quiz_accuracy(self, actor_tg: int, branch_id: int, delivery_id: int, locale: str) -> bytes:
        """The share of right first answers per question of a lesson (the lesson page)."""


@dataclass(frozen=True)
class DashboardDeps:
    """Everything the dashboard's routes use; built by the composition root."""

    public_url: str
    session_secret: str
    default_timezone: str
    clock: Clock
    translator: Translator
    meeting_types: MeetingTypes
    sessions: WebSessionService
    reads: DashboardReads
    branches: BranchService
    roster: RosterService
    progress: ProgressService
    deliveries: DeliveryService
    records: MeetingRecordService
    cadence: CadenceService
    reports: ReportSource | None = None
    review: ReviewActions | None = None
    export_xlsx: Exporter | None = None
    export_csv: Exporter | None = None  # a zip of one UTF-8 (BOM) CSV per table
    charts: ChartSource | None = None
    record_docx: RecordDocument | None = None
    surveys: SurveyService | None = None
    survey_results: SurveyResultsService | None = None

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")
