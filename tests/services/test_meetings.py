"""Meetings on a real database: calling, RSVP and 请假, reminders, 签到 and the close (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lesson_bot.db.models import AuditEntry, Meeting, OutboxMessage, ParticipationEvent, SignIn
from lesson_bot.domain.attendance import Status
from lesson_bot.domain.enums import (
    AuditOutcome,
    MeetingStatus,
    OutboxStatus,
    ParticipationKind,
    PartyStatus,
    SignInMethod,
)
from lesson_bot.domain.meeting_types import load_types
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import Conflict, InvalidInput, Refused
from lesson_bot.services.meetings.calls import MeetingDraft, MeetingService
from lesson_bot.services.meetings.rsvp import RsvpService
from lesson_bot.services.meetings.signin import SignInService
from lesson_bot.services.meetings.ticks import MeetingTicker
from lesson_bot.services.meetings.views import meeting_tally
from lesson_bot.services.views import Person
from tests.support.services import Services

CHAT = -5001
SEC = Person(201, "李书记", "li")
WANG = Person(202, "王委员", "wang")  # committee
ZHAO = Person(203, "赵委员", "zhao")  # committee, probationary
SUN = Person(204, "孙党员", "sun")  # not committee
QIAN = Person(205, "钱委员", "qian")  # committee, never started the bot
START = datetime(2026, 12, 3, 11, 30, tzinfo=UTC)  # 19:30 in Shanghai


@dataclass
class Env:
    services: Services
    branch_id: int
    meetings: MeetingService
    rsvp: RsvpService
    signin: SignInService
    ticker: MeetingTicker
    ids: dict[str, int]


async def _env(services: Services, types_yaml: str = "") -> Env:
    branch = await services.branches.register(SEC, CHAT, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    for person in (WANG, ZHAO, SUN, QIAN):
        await services.roster.seen(CHAT, person)
    for person in (SEC, WANG, ZHAO, SUN):
        await services.roster.start(person, None)
    for person in (SEC, WANG, ZHAO, QIAN):
        await services.roster.update_member(SEC.telegram_user_id, branch.id, person.telegram_user_id,
                                            is_committee=True)
    await services.roster.update_member(SEC.telegram_user_id, branch.id, ZHAO.telegram_user_id,
                                        party_status=PartyStatus.PROBATIONARY)
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    ids = {e.name: e.member_id for e in roster.entries}
    translator = Translator()
    types = load_types(types_yaml)
    db, clock, access = services.db, services.clock, services.access
    return Env(services, branch.id, MeetingService(db, clock, access, translator, types),
               RsvpService(db, clock, access, translator, types), SignInService(db, clock, access, types),
               MeetingTicker(db, clock, translator, types), ids)


async def _outbox(env: Env) -> list[OutboxMessage]:
    async with env.services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all())


async def _committee(env: Env, **draft: object) -> int:
    start = await env.meetings.parse_start(SEC.telegram_user_id, env.branch_id, "2026-12-03 19:30")
    assert start == START
    fields: dict[str, object] = {"type": "committee", "topic": "研究发展党员工作", "starts_at": start, "minutes": 90,
                                 "place": "党员活动室", "host_member_id": env.ids["李书记"],
                                 "recorder_member_id": env.ids["王委员"], **draft}
    view = await env.meetings.call(SEC.telegram_user_id, env.branch_id, MeetingDraft(**fields))  # type: ignore[arg-type]
    return view.id


async def test_a_committee_meeting_is_called_and_its_notice_queued_with_attend_and_leave(services: Services) -> None:
    """The 支委会 is saved with the type's defaults; the group gets one notice with 参加 / 请假 buttons."""
    env = await _env(services)
    meeting_id = await _committee(env)
    view = await env.meetings.get(meeting_id)
    assert view.kind.name("zh-Hans") == "支部委员会" and view.host == "李书记" and view.recorder == "王委员"
    assert view.rules.reminders == (1440, 60) and view.rules.leave_closes == 120 and view.minutes == 90
    [notice] = await _outbox(env)
    assert notice.chat_id == CHAT and notice.kind == "meeting" and notice.not_after == START
    text = notice.payload["params"]["text"]
    assert "支部委员会" in text and "研究发展党员工作" in text and "2026-12-03 19:30" in text and "支委委员" in text
    assert "17:30" in text  # leave closes two hours before
    buttons = [b["callback_data"] for b in notice.payload["params"]["reply_markup"]["inline_keyboard"][0]]
    assert buttons == [f"mt:rsvp:{meeting_id}", f"mt:leave:{meeting_id}"]


async def test_calling_is_for_secretaries_and_bad_values_are_refused(services: Services) -> None:
    """A member is refused (and audited); the past, an unknown type and a repeating time are refused."""
    env = await _env(services)
    with pytest.raises(Refused):
        await env.meetings.prepare(SUN.telegram_user_id, env.branch_id)
    async with services.db.transaction() as s:
        refused = (await s.execute(select(AuditEntry).where(AuditEntry.outcome == AuditOutcome.REFUSED))).scalars()
        assert [e.action for e in refused] == ["meeting.call"]
    with pytest.raises(InvalidInput) as past:
        await env.meetings.parse_start(SEC.telegram_user_id, env.branch_id, "2026-11-30 19:30")
    assert past.value.problem == "in_the_past"
    with pytest.raises(InvalidInput) as repeating:
        await env.meetings.parse_start(SEC.telegram_user_id, env.branch_id, "每周一 19:30")
    assert repeating.value.problem == "not_one_off"
    with pytest.raises(InvalidInput):
        await _committee(env, type="no_such_type")


async def test_leave_is_asked_decided_by_a_secretary_and_the_member_told(services: Services) -> None:
    """Wang asks leave with a reason: secretaries get 批准/驳回; approval excuses him and tells him; a member
    cannot decide; a decided request cannot be decided again; Sun (not committee) is not expected."""
    env = await _env(services)
    meeting_id = await _committee(env)
    ask = await env.rsvp.ask_leave(WANG, meeting_id, CHAT)
    assert ask.status == "ask" and ask.reachable
    assert (await env.rsvp.ask_leave(SUN, meeting_id, CHAT)).status == "not_expected"
    assert not (await env.rsvp.ask_leave(QIAN, meeting_id, CHAT)).reachable
    request = await env.rsvp.request_leave(WANG, meeting_id, "出差")
    assert request.secretaries_told == 1
    to_secretary = (await _outbox(env))[-1]
    assert to_secretary.chat_id == SEC.telegram_user_id and "出差" in to_secretary.payload["params"]["text"]
    with pytest.raises(Refused):
        await env.rsvp.decide(ZHAO.telegram_user_id, request.rsvp_id, approve=True)
    decision = await env.rsvp.decide(SEC.telegram_user_id, request.rsvp_id, approve=True)
    assert decision.approved and decision.member == "王委员"
    told = (await _outbox(env))[-1]
    assert told.chat_id == WANG.telegram_user_id and "批准" in told.payload["params"]["text"]
    with pytest.raises(Conflict):
        await env.rsvp.decide(SEC.telegram_user_id, request.rsvp_id, approve=False)
    tally = (await env.signin.attendance(SEC.telegram_user_id, meeting_id)).tally
    assert [line.attendee.name for line in tally.lines if line.status == "excused"] == ["王委员"]


async def test_leave_closes_before_the_start(services: Services) -> None:
    """Two hours before the start 请假 is closed; 参加 is still taken until the start."""
    env = await _env(services)
    meeting_id = await _committee(env)
    services.clock.set(START - timedelta(hours=2) + timedelta(seconds=1))
    assert (await env.rsvp.ask_leave(ZHAO, meeting_id, CHAT)).status == "closed"
    with pytest.raises(Conflict):
        await env.rsvp.request_leave(ZHAO, meeting_id, "生病")
    assert (await env.rsvp.attend(ZHAO, meeting_id, CHAT)).status == "attending"
    services.clock.set(START)
    assert (await env.rsvp.attend(WANG, meeting_id, CHAT)).status == "closed"


async def test_reminders_go_to_the_group_and_to_those_who_have_not_answered_never_after_the_start(
    services: Services,
) -> None:
    """At 1 day before: the group and, in private, Zhao (no answer) — not Wang (leave approved), not the
    secretary (said 参加), not Qian (never started me), not Sun (not expected). Nothing new at the start."""
    env = await _env(services)
    meeting_id = await _committee(env)
    await env.rsvp.attend(SEC, meeting_id, CHAT)
    request = await env.rsvp.request_leave(WANG, meeting_id, "出差")
    await env.rsvp.decide(SEC.telegram_user_id, request.rsvp_id, approve=True)
    before = len(await _outbox(env))
    services.clock.set(START - timedelta(days=1) - timedelta(minutes=1))
    assert await env.ticker.tick() == 0
    services.clock.set(START - timedelta(days=1))
    assert await env.ticker.tick() == 2
    assert await env.ticker.tick() == 0  # a second tick adds nothing
    group, zhao = (await _outbox(env))[before:]
    assert group.chat_id == CHAT and zhao.chat_id == ZHAO.telegram_user_id
    assert group.not_after == zhao.not_after == START - timedelta(days=1) + timedelta(minutes=15)
    assert "1 天" in zhao.payload["params"]["text"]
    await env.rsvp.attend(ZHAO, meeting_id, CHAT)
    services.clock.set(START - timedelta(hours=1))
    assert await env.ticker.tick() == 1  # the group only: everyone expected and reachable has answered
    services.clock.set(START)
    rows = await env.ticker.tick()
    assert all(r.due_at < START for r in (await _outbox(env)) if ":rem:" in r.dedupe_key)
    assert rows == 0 or all(":rem:" not in r.dedupe_key for r in (await _outbox(env))[-rows:])


async def test_sign_in_window_on_time_late_outside_code_proxy_and_the_close(services: Services) -> None:
    """Sign-in opens 20 min before: the secretary on time, Zhao late, a tap after the window refused; Qian's
    代签 is marked proxy; at the close Sun (not expected) is a guest and nobody else is absent but… the figures."""
    env = await _env(services)
    meeting_id = await _committee(env)
    services.clock.set(START - timedelta(minutes=21))
    assert (await env.signin.tap(SEC, meeting_id, CHAT)).status == "early"
    services.clock.set(START - timedelta(minutes=20))
    assert await env.ticker.tick() == 1  # the 签到 button in the group
    assert (await _outbox(env))[-1].payload["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] \
        == f"mt:in:{meeting_id}"
    assert (await env.signin.tap(SEC, meeting_id, CHAT)).status == "on_time"
    assert (await env.signin.tap(SEC, meeting_id, CHAT)).status == "already"
    services.clock.set(START + timedelta(minutes=5))
    assert (await env.signin.tap(ZHAO, meeting_id, CHAT)).status == "late"
    assert (await env.signin.tap(SUN, meeting_id, CHAT)).status == "late"
    recorded = await env.signin.record(SEC.telegram_user_id, meeting_id, [env.ids["钱委员"]], SignInMethod.PROXY)
    assert recorded.recorded == ("钱委员",)
    with pytest.raises(Refused):
        await env.signin.record(ZHAO.telegram_user_id, meeting_id, [env.ids["王委员"]], SignInMethod.OFFLINE)
    services.clock.set(START + timedelta(minutes=20, seconds=1))
    assert (await env.signin.tap(WANG, meeting_id, CHAT)).status == "closed"
    await env.ticker.tick()
    async with services.db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status is MeetingStatus.HELD and meeting.attendance_closed_at
        events = (await s.execute(select(ParticipationEvent).order_by(ParticipationEvent.id))).scalars().all()
        proxy = (await s.execute(select(SignIn).where(SignIn.method == SignInMethod.PROXY))).scalar_one()
        assert proxy.recorded_by_member_id == env.ids["李书记"]
    absent = [e.member_id for e in events if e.kind is ParticipationKind.MEETING_ABSENT]
    assert absent == [env.ids["王委员"]]
    assert {e.dedupe_key for e in events if e.kind is ParticipationKind.MEETING_SIGNIN} == {
        f"mt:in:{meeting_id}:{env.ids[n]}" for n in ("李书记", "赵委员", "孙党员", "钱委员")}
    summary = (await _outbox(env))[-1]
    text = summary.payload["params"]["text"]
    assert summary.chat_id == SEC.telegram_user_id
    assert "应到 4 人（正式 3，预备 1）· 实到 3 人（正式 2，预备 1）· 请假 0 人 · 缺席 1 人" in text
    assert "缺席：王委员" in text and "迟到：赵委员" in text and "列席：孙党员" in text
    with pytest.raises(Conflict):
        await env.signin.record(SEC.telegram_user_id, meeting_id, [env.ids["王委员"]], SignInMethod.OFFLINE)


async def test_a_meeting_with_a_code_signs_in_by_the_code_in_private(services: Services) -> None:
    """With a code the button asks for it; a wrong code is refused; the right one signs in on time."""
    env = await _env(services)
    meeting_id = await _committee(env, with_code=True)
    code = (await env.meetings.get(meeting_id)).sign_in_code
    assert code is not None and len(code) == 6 and code.isdigit()
    services.clock.set(START - timedelta(minutes=5))
    assert (await env.signin.tap(ZHAO, meeting_id, CHAT)).status == "need_code"
    wrong = "000000" if code != "000000" else "111111"
    assert (await env.signin.with_code(ZHAO, wrong)).status == "bad_code"
    assert (await env.signin.with_code(ZHAO, code)).status == "on_time"
    assert (await env.signin.with_code(ZHAO, code)).status == "already"
    assert (await env.signin.with_code(SUN, code, meeting_id)).status == "on_time"  # a guest may sign in too


async def test_an_organizations_own_type_is_stored_by_its_key(services: Services) -> None:
    """A type from the file (not a built-in) is called like any other, with its own settings."""
    env = await _env(services, "volunteer_day:\n  name: {zh: 志愿服务日, en: Volunteer day}\n"
                               "  cadence: {every: month}\n  reminders: [2h]\n  summary_to_group: true\n")
    meeting_id = await _committee(env, type="volunteer_day", topic="社区服务")
    view = await env.meetings.get(meeting_id)
    assert view.kind.name("en") == "Volunteer day" and view.rules.reminders == (120,)
    assert view.rules.summary_to_group
    async with services.db.transaction() as s:
        assert (await s.execute(select(Meeting.type))).scalar_one() == "volunteer_day"


async def test_a_cancelled_meeting_sends_nothing_more(services: Services) -> None:
    """Cancelling withdraws the queued notice; the tick then ignores the meeting."""
    env = await _env(services)
    meeting_id = await _committee(env)
    await env.meetings.cancel(SEC.telegram_user_id, meeting_id)
    assert [r.status for r in await _outbox(env)] == [OutboxStatus.CANCELLED]
    services.clock.set(START - timedelta(hours=1))
    assert await env.ticker.tick() == 0


async def test_a_meeting_called_too_late_for_leave_offers_only_attend(services: Services) -> None:
    """Called 90 minutes before the start (leave closes at 2 hours): the notice has no 请假 button."""
    env = await _env(services)
    services.clock.set(START - timedelta(minutes=90))
    await _committee(env)
    [notice] = await _outbox(env)
    rows = notice.payload["params"]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["参加"] and "请直接联系书记" in notice.payload["params"]["text"]


async def test_the_summary_goes_to_the_group_when_the_type_says_so(services: Services) -> None:
    """summary_to_group: at the close the group gets the attendance too, beside the secretary."""
    env = await _env(services, "committee:\n  summary_to_group: true\n")
    meeting_id = await _committee(env)
    services.clock.set(START)
    await env.signin.tap(WANG, meeting_id, CHAT)
    services.clock.set(START + timedelta(minutes=21))
    await env.ticker.tick()
    summaries = [r for r in await _outbox(env) if ":sum:" in r.dedupe_key]
    assert sorted(r.chat_id for r in summaries) == sorted([SEC.telegram_user_id, CHAT])
    assert all("实到 1 人" in r.payload["params"]["text"] for r in summaries)


async def test_a_weekly_meeting_calls_each_next_one_six_days_ahead_skipping_holidays(services: Services) -> None:
    """Repeat weekly: the next 支委会 (same local time) is called with its notice 6 days before it; a skipped
    date (holiday) calls none that week; a second tick calls nothing twice."""
    env = await _env(services)
    await _committee(env, repeat="weekly")
    async with services.db.transaction() as s:
        branch_id = (await s.execute(select(Meeting.branch_id))).scalar_one()
    await services.schedules.skip_date(SEC.telegram_user_id, branch_id, (START + timedelta(days=14)).date())
    services.clock.set(START + timedelta(hours=23))
    await env.ticker.tick()
    services.clock.set(START + timedelta(days=1))
    await env.ticker.tick()
    await env.ticker.tick()
    services.clock.set(START + timedelta(days=15))
    await env.ticker.tick()
    async with services.db.transaction() as s:
        starts = (await s.execute(select(Meeting.starts_at).order_by(Meeting.starts_at))).scalars().all()
    assert starts == [START, START + timedelta(days=7), START + timedelta(days=21)]
    notices = [r for r in await _outbox(env) if r.dedupe_key.endswith(":notice")]
    assert len(notices) == 3
    assert "2026-12-10 19:30" in notices[1].payload["params"]["text"]


async def test_a_closed_meetings_figures_stay_when_someone_leaves_the_branch_afterwards(services: Services) -> None:
    """Wang, absent from a closed 支委会, leaves the group a week later: the meeting still had 4 expected and Wang
    absent; a meeting called after that expects only those still on the roster."""
    env = await _env(services)
    meeting_id = await _committee(env)
    services.clock.set(START - timedelta(minutes=20))
    await env.ticker.tick()
    for person in (SEC, ZHAO, QIAN):
        assert (await env.signin.tap(person, meeting_id, CHAT)).status == "on_time"
    services.clock.set(START + timedelta(minutes=21))
    await env.ticker.tick()
    services.clock.set(START + timedelta(days=7))
    await services.roster.left(CHAT, WANG.telegram_user_id)
    async with services.db.transaction() as s:
        meeting = await s.get(Meeting, meeting_id)
        assert meeting is not None
        figures = await meeting_tally(s, meeting)
    assert sorted(line.attendee.name for line in figures.lines) == sorted(["李书记", "王委员", "赵委员", "钱委员"])
    assert [line.attendee.name for line in figures.of(Status.ABSENT)] == ["王委员"]
    later = await env.meetings.call(SEC.telegram_user_id, env.branch_id, MeetingDraft(
        type="committee", topic="下月工作", starts_at=START + timedelta(days=14), minutes=60, place="党员活动室"))
    async with services.db.transaction() as s:
        meeting = await s.get(Meeting, later.id)
        assert meeting is not None
        assert "王委员" not in [line.attendee.name for line in (await meeting_tally(s, meeting)).lines]
