"""Vocabularies shared by the domain, the services and the database (stored as their string values)."""

from __future__ import annotations

import enum


class BranchStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"  # the bot was removed from the group; history is kept


class Role(enum.StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"


class MembershipStatus(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class PartyStatus(enum.StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员


class MembershipSource(enum.StrEnum):
    REGISTER = "register"
    CHAT_MEMBER = "chat_member"
    MESSAGE = "message"
    JOIN = "join"
    IMPORT = "import"
    APPOINTED = "appointed"


class ScheduleKind(enum.StrEnum):
    LESSON = "lesson"
    MEETING = "meeting"


class RecurrenceType(enum.StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CRON = "cron"


class ScheduleStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class OccurrenceStatus(enum.StrEnum):
    PLANNED = "planned"  # outbox rows written
    MISSED = "missed"  # found past its grace window; nothing sent
    CANCELLED = "cancelled"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"  # 429: waits for retry_after
    RETRIED = "retried"  # 5xx or network error: backoff
    FAILED = "failed"
    MISSED = "missed"
    MIGRATED = "migrated"


class MeetingType(enum.StrEnum):
    PARTY_CONGRESS = "party_congress"  # 支部党员大会
    COMMITTEE = "committee"  # 支部委员会
    PARTY_GROUP = "party_group"  # 党小组会
    PARTY_LECTURE = "party_lecture"  # 党课
    THEME_DAY = "theme_day"  # 主题党日
    LIFE_MEETING = "life_meeting"  # 组织生活会


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class RsvpAnswer(enum.StrEnum):
    ATTEND = "attend"
    LEAVE = "leave"  # 请假


class LeaveStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SignInMethod(enum.StrEnum):
    BUTTON = "button"
    CODE = "code"
    OFFLINE = "offline"  # recorded by the secretary from a paper list
    PROXY = "proxy"  # 代签


class ParticipationKind(enum.StrEnum):
    LESSON_CHECKIN = "lesson_checkin"
    QUIZ_ANSWER = "quiz_answer"
    QUIZ_RETRACT = "quiz_retract"
    MEETING_SIGNIN = "meeting_signin"
    MEETING_ABSENT = "meeting_absent"
    MAKEUP_DONE = "makeup_done"


class ParticipationMode(enum.StrEnum):
    ON_TIME = "on_time"
    MAKEUP = "makeup"  # 补学
    REVIEW = "review"  # re-quiz of a mistake


class AuditOutcome(enum.StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


class ReviewState(enum.StrEnum):
    """A step of the committee's review of a meeting record (审阅), one row of `record_reviews` each."""

    SUBMITTED = "submitted"  # a round begins: the record was submitted (first time, or again after a review)
    APPROVED = "approved"  # 通过
    RETURNED = "returned"  # 退回, with the reviewer's comment
    ANSWERED = "answered"  # the secretary's (or recorder's) answer to the comment
