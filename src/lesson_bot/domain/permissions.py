"""Who may do what: the role matrix as pure data, decided without I/O.

Services build an Actor from the database and the configured admin ids, then ask `decide`. Handlers may
hide buttons a user cannot use, but the decision that counts is the one the service makes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Action(enum.StrEnum):
    REGISTER_BRANCH = "branch.register"
    LIST_BRANCHES = "branch.list"
    ADD_SECRETARY = "branch.add_secretary"
    REMOVE_SECRETARY = "branch.remove_secretary"
    VIEW_ROSTER = "roster.view"
    IMPORT_ROSTER = "roster.import"
    EDIT_MEMBER = "roster.edit_member"
    VIEW_DELIVERIES = "delivery.view"
    MANAGE_SCHEDULES = "schedule.manage"
    CALL_MEETING = "meeting.call"
    DECIDE_LEAVE = "meeting.decide_leave"
    RECORD_ATTENDANCE = "meeting.attendance"
    VIEW_PROGRESS = "progress.view"
    RECORD_MINUTES = "meeting.record"  # also the meeting's recorder (checked by the service)
    VIEW_RECORD = "meeting.view_record"  # also the meeting's host and recorder
    ASSIGN_MAKEUP = "meeting.assign_makeup"
    VIEW_COMPLIANCE = "meeting.compliance"
    REPORT_ORG = "report.org"  # the organization's report, and rules-diff
    REPORT_BRANCH = "report.branch"  # a branch's report (a member's own report needs no grant)
    REPORT_MEMBER = "report.member"  # another member's report: a secretary of their branch, or an admin
    ENTER_SCORE = "report.enter_score"  # a manual scorecard dimension
    MEMBER_RANKING = "report.member_ranking"  # per-person ranks, when the rules turn them on
    RUN_SURVEY = "survey.run"  # open a 民主测评 in every branch
    VIEW_SURVEY = "survey.view"  # an admin sees every branch and the organization; a secretary their branches only
    REVIEW_RECORD = "meeting.review_record"  # the committee's 审阅: approve or return a record
    ANSWER_REVIEW = "meeting.answer_review"  # answer a returned record; also the meeting's recorder
    IMPORT_LESSON = "lesson.import"  # keep an article as the branch's own lesson and write its quiz (/import)


class Grant(enum.StrEnum):
    """Who may perform an action; said back to a refused user."""

    ADMIN = "admin"
    SECRETARY = "secretary"  # of the branch concerned, or an admin
    GROUP_ADMIN = "group_admin"  # a Telegram administrator of the group, or an admin
    ANY_SECRETARY = "any_secretary"  # a secretary of any branch (sees only their own), or an admin


GRANTS: dict[Action, Grant] = {
    Action.REGISTER_BRANCH: Grant.GROUP_ADMIN,
    Action.LIST_BRANCHES: Grant.ANY_SECRETARY,
    Action.ADD_SECRETARY: Grant.SECRETARY,
    Action.REMOVE_SECRETARY: Grant.ADMIN,
    Action.VIEW_ROSTER: Grant.SECRETARY,
    Action.IMPORT_ROSTER: Grant.SECRETARY,
    Action.EDIT_MEMBER: Grant.SECRETARY,
    Action.VIEW_DELIVERIES: Grant.SECRETARY,
    Action.MANAGE_SCHEDULES: Grant.SECRETARY,
    Action.CALL_MEETING: Grant.SECRETARY,
    Action.DECIDE_LEAVE: Grant.SECRETARY,
    Action.RECORD_ATTENDANCE: Grant.SECRETARY,
    Action.VIEW_PROGRESS: Grant.SECRETARY,
    Action.RECORD_MINUTES: Grant.SECRETARY,
    Action.VIEW_RECORD: Grant.SECRETARY,
    Action.ASSIGN_MAKEUP: Grant.SECRETARY,
    Action.VIEW_COMPLIANCE: Grant.SECRETARY,
    Action.REPORT_ORG: Grant.ADMIN,
    Action.REPORT_BRANCH: Grant.SECRETARY,
    Action.REPORT_MEMBER: Grant.SECRETARY,
    Action.ENTER_SCORE: Grant.ADMIN,
    Action.MEMBER_RANKING: Grant.ADMIN,
    Action.RUN_SURVEY: Grant.ADMIN,
    Action.VIEW_SURVEY: Grant.ANY_SECRETARY,
    Action.REVIEW_RECORD: Grant.ADMIN,
    Action.ANSWER_REVIEW: Grant.SECRETARY,
    Action.IMPORT_LESSON: Grant.SECRETARY,
}


@dataclass(frozen=True)
class Actor:
    """The person acting, as the rules see them."""

    telegram_user_id: int
    is_admin: bool = False
    secretary_of: frozenset[int] = frozenset()  # branch ids
    is_group_admin: bool = False  # a Telegram administrator of the chat the action concerns


@dataclass(frozen=True)
class Decision:
    allowed: bool
    grant: Grant


def decide(actor: Actor, action: Action, branch_id: int | None = None) -> Decision:
    """Whether `actor` may perform `action` on `branch_id` (None where the action concerns no branch)."""
    grant = GRANTS[action]
    if actor.is_admin:
        return Decision(True, grant)
    match grant:
        case Grant.ADMIN:
            allowed = False
        case Grant.SECRETARY:
            allowed = branch_id is not None and branch_id in actor.secretary_of
        case Grant.GROUP_ADMIN:
            allowed = actor.is_group_admin
        case Grant.ANY_SECRETARY:
            allowed = bool(actor.secretary_of)
    return Decision(allowed, grant)
