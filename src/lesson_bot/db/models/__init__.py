"""Every ORM model, importable from one place (Alembic's autogenerate sees them all through this)."""

from lesson_bot.db.base import Base
from lesson_bot.db.models.assessment import ManualScore
from lesson_bot.db.models.delivery import (
    DeliveryLeader,
    DeliveryLogEntry,
    Occurrence,
    OutboxMessage,
    Schedule,
    SkipDate,
)
from lesson_bot.db.models.lessons import BranchLesson, Lesson, LessonVersion, MediaFile
from lesson_bot.db.models.meetings import Meeting, MeetingAttachment, Rsvp, SignIn
from lesson_bot.db.models.org import AuditEntry, Branch, Dialog, Member, Membership, MembershipAbsence
from lesson_bot.db.models.participation import LessonDelivery, ParticipationEvent, QuizPoll
from lesson_bot.db.models.reviews import RecordReview
from lesson_bot.db.models.rollups import BranchPeriodFigures, FigureChange, MemberPeriodFigures
from lesson_bot.db.models.surveys import Survey, SurveyPoll, SurveyQuestion
from lesson_bot.db.models.web import DashboardLogin

__all__ = [
    "AuditEntry",
    "Base",
    "Branch",
    "BranchLesson",
    "BranchPeriodFigures",
    "DashboardLogin",
    "DeliveryLeader",
    "DeliveryLogEntry",
    "Dialog",
    "FigureChange",
    "Lesson",
    "LessonDelivery",
    "LessonVersion",
    "ManualScore",
    "MediaFile",
    "Meeting",
    "MeetingAttachment",
    "Member",
    "MemberPeriodFigures",
    "Membership",
    "MembershipAbsence",
    "Occurrence",
    "OutboxMessage",
    "ParticipationEvent",
    "QuizPoll",
    "RecordReview",
    "Rsvp",
    "Schedule",
    "SignIn",
    "SkipDate",
    "Survey",
    "SurveyPoll",
    "SurveyQuestion",
]
