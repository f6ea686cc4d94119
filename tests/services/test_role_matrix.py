"""The whole role matrix: member, secretary of this branch, secretary of another, admin, stranger x every action.

Checked in the services (not the bot), and every refusal is written to the audit log with who may do it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from lesson_bot.content.compose import LessonFields, lesson_text
from lesson_bot.db.models import AuditEntry, Meeting
from lesson_bot.domain.assessment import AssessmentRules, Dimension
from lesson_bot.domain.enums import AuditOutcome, MeetingStatus, SignInMethod
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import parse
from lesson_bot.domain.permissions import GRANTS, Action
from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.i18n import Translator
from lesson_bot.services import lookup
from lesson_bot.services.errors import Refused
from lesson_bot.services.lessons.imports import ImportService
from lesson_bot.services.lessons.progress import ProgressService
from lesson_bot.services.meetings.calls import MeetingDraft, MeetingService
from lesson_bot.services.meetings.rsvp import RsvpService
from lesson_bot.services.meetings.signin import SignInService
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.surveys.opening import QuestionInput, SurveyService
from lesson_bot.services.surveys.results import SurveyResultsService
from lesson_bot.services.views import Person
from tests.support.records import record_services, review_service
from tests.support.services import ADMIN, Services

SEC_THIS = Person(101, "本支部书记", "sec_this")
SEC_OTHER = Person(102, "外支部书记", "sec_other")
MEMBER = Person(103, "党员", "member")
STRANGER = Person(104, "路人", "stranger")
TARGET = Person(105, "被任命者", "target")
NEWCOMER = Person(106, "新人", "newcomer")  # a member the bot has seen, whom an appointment may name
ACTORS = {"member": MEMBER, "secretary_this": SEC_THIS, "secretary_other": SEC_OTHER, "admin": ADMIN,
          "stranger": STRANGER}
THIS, OTHER = -1001, -1002

ALLOWED: dict[Action, set[str]] = {
    Action.REGISTER_BRANCH: {"admin"},  # without being a Telegram admin of the group
    Action.LIST_BRANCHES: {"secretary_this", "secretary_other", "admin"},
    Action.ADD_SECRETARY: {"secretary_this", "admin"},
    Action.REMOVE_SECRETARY: {"admin"},
    Action.VIEW_ROSTER: {"secretary_this", "admin"},
    Action.IMPORT_ROSTER: {"secretary_this", "admin"},
    Action.EDIT_MEMBER: {"secretary_this", "admin"},
    Action.VIEW_DELIVERIES: {"secretary_this", "admin"},
    Action.MANAGE_SCHEDULES: {"secretary_this", "admin"},
    Action.VIEW_PROGRESS: {"secretary_this", "admin"},
    Action.RECORD_MINUTES: {"secretary_this", "admin"},  # and the meeting's recorder (test_meeting_records)
    Action.VIEW_RECORD: {"secretary_this", "admin"},
    Action.ASSIGN_MAKEUP: {"secretary_this", "admin"},
    Action.VIEW_COMPLIANCE: {"secretary_this", "admin"},
    Action.REPORT_ORG: {"admin"},
    Action.REPORT_BRANCH: {"secretary_this", "admin"},
    Action.REPORT_MEMBER: {"secretary_this", "admin", "member"},  # the member reads their own report
    Action.ENTER_SCORE: {"admin"},
    Action.MEMBER_RANKING: {"admin"},
    Action.CALL_MEETING: {"secretary_this", "admin"},
    Action.DECIDE_LEAVE: {"secretary_this", "admin"},
    Action.RECORD_ATTENDANCE: {"secretary_this", "admin"},
    Action.RUN_SURVEY: {"admin"},
    Action.VIEW_SURVEY: {"secretary_this", "secretary_other", "admin"},  # a secretary sees their branches only
    Action.REVIEW_RECORD: {"admin"},
    Action.ANSWER_REVIEW: {"secretary_this", "admin"},  # and the meeting's recorder (test_record_review)
    Action.IMPORT_LESSON: {"secretary_this", "admin"},
}


def test_the_matrix_covers_every_action() -> None:
    """Adding an action without deciding who may do it fails here."""
    assert set(ALLOWED) == set(GRANTS)


async def _setup(services: Services) -> int:
    this = await services.branches.register(SEC_THIS, THIS, "本支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.branches.register(SEC_OTHER, OTHER, "外支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.roster.seen(THIS, MEMBER)
    await services.roster.seen(THIS, NEWCOMER)
    await services.branches.add_secretary(ADMIN.telegram_user_id, this.id, TARGET)
    return this.id


def _attempt(services: Services, action: Action, actor: Person, branch_id: int) -> Callable[[], Awaitable[object]]:
    uid = actor.telegram_user_id
    calls: dict[Action, Callable[[], Awaitable[object]]] = {
        Action.REGISTER_BRANCH: lambda: services.branches.register(actor, -3000 - uid, "新支部", "Asia/Shanghai",
                                                                   "zh-Hans", is_group_admin=False),
        Action.LIST_BRANCHES: lambda: services.branches.list_for(uid),
        Action.ADD_SECRETARY: lambda: services.branches.add_secretary(uid, branch_id, "@newcomer"),
        Action.REMOVE_SECRETARY: lambda: services.branches.remove_secretary(uid, branch_id, TARGET.telegram_user_id),
        Action.VIEW_ROSTER: lambda: services.roster.roster(uid, branch_id),
        Action.IMPORT_ROSTER: lambda: services.roster.import_csv(uid, branch_id, b"name,telegram,role,status\n"),
        Action.EDIT_MEMBER: lambda: services.roster.update_member(uid, branch_id, MEMBER.telegram_user_id,
                                                                  party_group="第一党小组"),
        Action.VIEW_DELIVERIES: lambda: services.deliveries.ledger(uid, branch_id),
        Action.MANAGE_SCHEDULES: lambda: services.schedules.skip_date(uid, branch_id, date(2026, 10, 1), "国庆"),
        Action.VIEW_PROGRESS: lambda: ProgressService(services.db, services.clock, services.access,
                                                      ScoringRules()).lesson_progress(uid, branch_id),
        Action.RECORD_MINUTES: lambda: _meeting_action(services, uid, branch_id, "record"),
        Action.VIEW_RECORD: lambda: _meeting_action(services, uid, branch_id, "view"),
        Action.ASSIGN_MAKEUP: lambda: _meeting_action(services, uid, branch_id, "makeup"),
        Action.VIEW_COMPLIANCE: lambda: record_services(services)[2].branch(uid, branch_id),
        Action.CALL_MEETING: lambda: _calling(services, uid, branch_id, "call"),
        Action.DECIDE_LEAVE: lambda: _calling(services, uid, branch_id, "decide"),
        Action.RECORD_ATTENDANCE: lambda: _calling(services, uid, branch_id, "proxy"),
        Action.REPORT_ORG: lambda: _reports(services).org_report(uid, Q4),
        Action.REPORT_BRANCH: lambda: _reports(services).branch_report(uid, branch_id, Q4),
        Action.REPORT_MEMBER: lambda: _member_report(services, uid),
        Action.ENTER_SCORE: lambda: _reports(services).enter_score(uid, branch_id, Q4, "review", 80),
        Action.RUN_SURVEY: lambda: _survey(services, uid, "open"),
        Action.VIEW_SURVEY: lambda: _survey(services, uid, "results"),
        Action.REVIEW_RECORD: lambda: _meeting_action(services, uid, branch_id, "return"),
        Action.ANSWER_REVIEW: lambda: _meeting_action(services, uid, branch_id, "answer"),
        Action.IMPORT_LESSON: lambda: ImportService(services.db, services.clock, services.access).keep(
            uid, branch_id, lesson_text(DRAFT), "https://example.org/a"),
    }
    return calls[action]


Q4 = parse("2026-Q4")
DRAFT = LessonFields("import-0a1b2c3d", "导入的文章", "导入草稿", 1, "zh-Hans", 1, "摘要。", "《导入的文章》（2024年）",
                     "正文的第一段。", quiz=({"question": "【待填写】问题", "options": ["【待填写】甲", "【待填写】乙"],
                                         "correct": 0, "explanation": "【待填写】说明"},))


def _reports(services: Services) -> ReportService:
    rules = AssessmentRules(dimensions=(Dimension("review", "党委评价", 1, manual=True),))
    return ReportService(services.db, services.clock, services.access, rules)


async def _member_report(services: Services, uid: int) -> object:
    async with services.db.transaction() as s:
        member = await lookup.by_telegram_id(s, MEMBER.telegram_user_id)
    assert member is not None
    return await _reports(services).member_report(uid, member.id, Q4)


async def _meeting_action(services: Services, uid: int, branch_id: int, what: str) -> object:
    """Record, view, send the 补学 of, return or answer the return of a 支委会 held last night (with minutes)."""
    async with services.db.transaction() as s:
        meeting = Meeting(branch_id=branch_id, type="committee", topic="支委会", status=MeetingStatus.HELD,
                          starts_at=datetime(2026, 11, 30, 12, tzinfo=UTC), settings={}, minutes="纪要",
                          ends_at=datetime(2026, 11, 30, 13, tzinfo=UTC))
        s.add(meeting)
        await s.flush()
        meeting_id = meeting.id
    records, makeup, _ = record_services(services)
    if what == "record":
        return await records.submit(uid, meeting_id, minutes="纪要", decisions=None)
    if what == "view":
        return await records.view(uid, meeting_id)
    if what in ("return", "answer"):
        reviews = review_service(services)
        await records.submit(ADMIN.telegram_user_id, meeting_id, minutes="纪要", decisions=None)
        if what == "return":
            return await reviews.return_record(uid, meeting_id, "请补充参会人员签字。")
        await reviews.return_record(ADMIN.telegram_user_id, meeting_id, "请补充参会人员签字。")
        return await reviews.answer(uid, meeting_id, "已补充。")
    return await makeup.assign(uid, meeting_id)


async def _survey(services: Services, uid: int, what: str) -> object:
    """Open a survey in every branch, or read the results of one the admin opened."""
    surveys = SurveyService(services.db, services.clock, services.access, Translator())
    closes = services.clock.now() + timedelta(days=7)
    if what == "open":
        return await surveys.open_survey(uid, "民主测评", "2026-Q4", [QuestionInput("总体评价")], closes)
    view = await surveys.open_survey(ADMIN.telegram_user_id, "民主测评", "2026-Q4", [QuestionInput("总体评价")], closes)
    return await SurveyResultsService(services.db, services.access).results(uid, view.id)


async def _calling(services: Services, uid: int, branch_id: int, what: str) -> object:
    """Call a 党课 for tomorrow; decide the member's leave request for it; sign the member in by 代签."""
    translator = Translator()
    meetings = MeetingService(services.db, services.clock, services.access, translator, MeetingTypes())
    start = services.clock.now() + timedelta(days=1)
    if what == "call":
        return await meetings.call(uid, branch_id, MeetingDraft("party_lecture", "党课", start, 60))
    view = await meetings.call(ADMIN.telegram_user_id, branch_id, MeetingDraft("party_lecture", "党课", start, 60))
    if what == "decide":
        rsvp = RsvpService(services.db, services.clock, services.access, translator, MeetingTypes())
        request = await rsvp.request_leave(MEMBER, view.id, "出差")
        return await rsvp.decide(uid, request.rsvp_id, approve=True)
    roster = await services.roster.roster(ADMIN.telegram_user_id, branch_id)
    member_id = next(e.member_id for e in roster.entries if e.telegram_user_id == MEMBER.telegram_user_id)
    signin = SignInService(services.db, services.clock, services.access, MeetingTypes())
    return await signin.record(uid, view.id, [member_id], SignInMethod.PROXY)


# Member rankings are not refused but left out of the report (tests/services/test_reports_roles.py).
@pytest.mark.parametrize("action", [a for a in Action if a is not Action.MEMBER_RANKING], ids=str)
@pytest.mark.parametrize("who", list(ACTORS))
async def test_role_matrix(services: Services, action: Action, who: str) -> None:
    """Each role may do exactly what the matrix says; a refusal is audited with the role that may."""
    branch_id = await _setup(services)
    attempt = _attempt(services, action, ACTORS[who], branch_id)
    if who in ALLOWED[action]:
        await attempt()
        outcome = AuditOutcome.ALLOWED
    else:
        with pytest.raises(Refused) as info:
            await attempt()
        assert info.value.grant is GRANTS[action]
        outcome = AuditOutcome.REFUSED
    async with services.db.transaction() as s:
        entries = (await s.execute(
            select(AuditEntry).where(AuditEntry.actor_telegram_id == ACTORS[who].telegram_user_id,
                                     AuditEntry.action == str(action))
        )).scalars().all()
    if action in {Action.LIST_BRANCHES, Action.VIEW_ROSTER, Action.VIEW_DELIVERIES,
                  Action.VIEW_PROGRESS, Action.VIEW_RECORD, Action.VIEW_COMPLIANCE, Action.REPORT_ORG,
                  Action.REPORT_BRANCH, Action.REPORT_MEMBER,
                  Action.VIEW_SURVEY} and outcome is AuditOutcome.ALLOWED:
        assert entries == []  # reads are not audited; refusals are
    else:
        assert [e.outcome for e in entries][-1:] == [outcome]
    if outcome is AuditOutcome.REFUSED:
        assert entries[-1].detail["requires"] == str(GRANTS[action])
