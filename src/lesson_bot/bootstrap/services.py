"""The services: settings -> database -> the container of use cases (nothing is connected yet)."""

from __future__ import annotations

import os
from datetime import timedelta

from lesson_bot.config import Settings
from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.i18n import Translator
from lesson_bot.reports.files import ChartsAndSheets
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import Clock
from lesson_bot.services.container import Services
from lesson_bot.services.dashboard_pages import DashboardReads
from lesson_bot.services.dialogs import DialogService
from lesson_bot.services.lessons.deliveries import DeliveryService
from lesson_bot.services.lessons.imports import ImportService, import_limits
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.lessons.makeup import MakeupService
from lesson_bot.services.lessons.nudges import NudgeService
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.lessons.reviews import ReviewService
from lesson_bot.services.meetings.cadence import CadenceService
from lesson_bot.services.meetings.calls import MeetingService
from lesson_bot.services.meetings.config import read_meeting_types
from lesson_bot.services.meetings.makeup import MeetingMakeupService
from lesson_bot.services.meetings.records import MeetingRecordService
from lesson_bot.services.meetings.review import RecordReviewService
from lesson_bot.services.meetings.rsvp import RsvpService
from lesson_bot.services.meetings.signin import SignInService
from lesson_bot.services.metrics import Metrics
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.reports.config import read_assessment_rules
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.schedules.plans import ScheduleService
from lesson_bot.services.surveys.opening import SurveyService
from lesson_bot.services.surveys.results import SurveyResultsService
from lesson_bot.services.web_sessions import WebSessionService


def configure_ptb() -> None:
    """python-telegram-bot 22 reports time spans (RetryAfter.retry_after, ...) as timedelta only with
    PTB_TIMEDELTA set, and warns on every 429 without it; lesson_bot is written against the timedelta API."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")


def build_services(settings: Settings, clock: Clock) -> Services:
    """The database engine and the services for these settings (nothing is connected yet). build_app uses it; the
    CLI's one-shot commands, which need no bot, use it alone."""
    configure_ptb()
    db = Database(create_engine(settings.database_url))
    access = AccessControl(db, clock, frozenset(settings.admin_ids))
    translator = Translator(settings.default_locale)
    meeting_types = read_meeting_types(settings.meeting_types_file)
    progress = ProgressService(db, clock, access, ScoringRules())
    metrics = Metrics()
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        translator=translator,
        access=access,
        branches=BranchService(db, clock, access),
        roster=RosterService(db, clock, access),
        dialogs=DialogService(db, clock),
        library=LibraryService(db),
        imports=ImportService(db, clock, access, import_limits(settings)),
        deliveries=DeliveryService(db, clock, access),
        schedules=ScheduleService(db, clock, access, translator, meeting_types),
        participation=ParticipationRecorder(db, clock, metrics=metrics),
        makeup=MakeupService(db, clock),
        reviews=ReviewService(db, clock),
        progress=progress,
        nudges=NudgeService(db, clock, settings.nudge_rules),
        meetings=MeetingService(db, clock, access, translator, meeting_types),
        rsvp=RsvpService(db, clock, access, translator, meeting_types),
        signin=SignInService(db, clock, access, meeting_types, translator),
        records=MeetingRecordService(db, clock, access, translator, meeting_types,
                                     timedelta(hours=settings.record_grace_hours)),
        record_reviews=RecordReviewService(db, clock, access, translator, meeting_types, settings.admin_chat_id),
        meeting_makeup=MeetingMakeupService(db, clock, access, translator, meeting_types),
        cadence=CadenceService(db, clock, access, meeting_types, settings.cadence_remind_days),
        reports=ReportService(db, clock, access, read_assessment_rules(settings.assessment_file), meeting_types,
                              settings.default_timezone),
        report_files=ChartsAndSheets(translator),
        surveys=SurveyService(db, clock, access, translator),
        survey_results=SurveyResultsService(db, access),
        web_sessions=WebSessionService(db, clock, settings.public_url,
                                       settings.bot_token.get_secret_value() if settings.bot_token else None),
        dashboard=DashboardReads(db, clock, access, progress),
        metrics=metrics,
    )


async def prepare_database(services: Services) -> None:
    """Bring the schema up to date on start, unless the operator turned that off."""
    if services.settings.db_upgrade_on_start:
        await migrate.upgrade(services.db.engine)
