"""The container of use cases: every service the adapters (bot, web, delivery, CLI) may call.

bootstrap builds it (the one composition root); the adapters receive it and import only this type.
"""

from __future__ import annotations

from dataclasses import dataclass

from lesson_bot.config import Settings
from lesson_bot.db.uow import Database
from lesson_bot.i18n import Translator
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import Clock
from lesson_bot.services.dashboard_pages import DashboardReads
from lesson_bot.services.dialogs import DialogService
from lesson_bot.services.lessons.deliveries import DeliveryService
from lesson_bot.services.lessons.imports import ImportService
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.lessons.makeup import MakeupService
from lesson_bot.services.lessons.nudges import NudgeService
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.lessons.reviews import ReviewService
from lesson_bot.services.meetings.cadence import CadenceService
from lesson_bot.services.meetings.calls import MeetingService
from lesson_bot.services.meetings.makeup import MeetingMakeupService
from lesson_bot.services.meetings.records import MeetingRecordService
from lesson_bot.services.meetings.review import RecordReviewService
from lesson_bot.services.meetings.rsvp import RsvpService
from lesson_bot.services.meetings.signin import SignInService
from lesson_bot.services.metrics import Metrics
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.reports.files import ReportFiles
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.schedules.plans import ScheduleService
from lesson_bot.services.surveys.opening import SurveyService
from lesson_bot.services.surveys.results import SurveyResultsService
from lesson_bot.services.web_sessions import WebSessionService


@dataclass
class Services:
    """Every use case the adapters (bot, web, CLI) may call."""

    settings: Settings
    db: Database
    clock: Clock
    translator: Translator
    access: AccessControl
    branches: BranchService
    roster: RosterService
    dialogs: DialogService
    library: LibraryService
    imports: ImportService  # /import: branch lessons from articles
    deliveries: DeliveryService
    schedules: ScheduleService
    participation: ParticipationRecorder
    makeup: MakeupService
    reviews: ReviewService
    progress: ProgressService
    nudges: NudgeService
    meetings: MeetingService
    rsvp: RsvpService
    signin: SignInService
    records: MeetingRecordService
    record_reviews: RecordReviewService
    meeting_makeup: MeetingMakeupService
    cadence: CadenceService
    reports: ReportService
    surveys: SurveyService
    survey_results: SurveyResultsService
    web_sessions: WebSessionService
    dashboard: DashboardReads
    report_files: ReportFiles
    metrics: Metrics  # the process's Prometheus metrics (services/metrics.py)

    async def aclose(self) -> None:
        """On shutdown: write the check-ins and answers still queued, stop a refresh of the report figures under way
        (it is rolled back; its change rows stay for the next one), then close the database."""
        try:
            await self.participation.aclose()
            await self.reports.rollups.aclose()
        finally:
            await self.db.dispose()
