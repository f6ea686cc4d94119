"""民主测评 in the service layer: opening sends anonymous polls to every branch, the close tick stops each sent poll
once, results count per branch and for the organization, and no table can hold a person's answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from lesson_bot.db.models import AuditEntry, OutboxMessage, SurveyPoll
from lesson_bot.domain.messages import Sent
from lesson_bot.domain.surveys import Scale
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import InvalidInput, NotFound, Refused
from lesson_bot.services.surveys.closing import record_sent, tick_close_surveys
from lesson_bot.services.surveys.opening import QuestionInput, SurveyService
from lesson_bot.services.surveys.results import SurveyResultsService
from lesson_bot.services.views import Person
from tests.support.services import ADMIN, Services

SEC_A = Person(301, "书记甲", "sec_a")
SEC_B = Person(302, "Secretary B", "sec_b")
MEMBERS_A = [Person(310 + i, f"党员{i}", None) for i in range(3)]
MEMBER_B = Person(320, "Member B", None)
CLOSES = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
QUESTIONS = [QuestionInput("对党委班子工作的总体评价"), QuestionInput("对支部组织生活的评价", Scale.FIVE)]


async def _branches(services: Services) -> tuple[int, int]:
    """一支部 (zh-Hans): its secretary and three members; Branch B (en): its secretary and one member."""
    a = await services.branches.register(SEC_A, -5001, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    b = await services.branches.register(SEC_B, -5002, "Branch B", "Europe/Berlin", "en", is_group_admin=True)
    for person in MEMBERS_A:
        await services.roster.start(person, a.invite_code)
    await services.roster.start(MEMBER_B, b.invite_code)
    return a.id, b.id


def _surveys(services: Services) -> tuple[SurveyService, SurveyResultsService]:
    return (SurveyService(services.db, services.clock, services.access, Translator()),
            SurveyResultsService(services.db, services.access))


async def _rows(services: Services, prefix: str) -> list[OutboxMessage]:
    async with services.db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(prefix + "%"))
                                     .order_by(OutboxMessage.id))).scalars())


async def _polls(services: Services) -> list[SurveyPoll]:
    async with services.db.transaction() as s:
        return list((await s.execute(select(SurveyPoll).order_by(SurveyPoll.id))).scalars())


async def _send(services: Services, row: OutboxMessage, sent: Sent) -> None:
    """What the dispatcher's on-sent hook does once Telegram answered a survey row."""
    async with services.db.transaction() as s:
        await record_sent(s, row.chat_id, row.payload.get("meta"), sent, services.clock.now())


async def test_opening_sends_an_anonymous_poll_per_question_to_every_branch(services: Services) -> None:
    """Each branch group gets an introduction and one anonymous single-answer poll per question, in its own
    language, none of them sent after the close; each poll expects the branch's active roster."""
    a, b = await _branches(services)
    opening, _ = _surveys(services)
    view = await opening.open_survey(ADMIN.telegram_user_id, "2026年第四季度民主测评", "2026-Q4", QUESTIONS, CLOSES)
    assert (view.questions, view.branches) == (2, 2)
    rows = await _rows(services, f"sv:{view.id}:")
    assert len(rows) == 6
    by_chat = {chat: [r.payload for r in rows if r.chat_id == chat] for chat in (-5001, -5002)}
    intro_a, poll_a1, poll_a2 = by_chat[-5001]
    assert "2026年第四季度民主测评" in intro_a["params"]["text"] and "2026-12-08 18:00" in intro_a["params"]["text"]
    assert poll_a1["method"] == "sendPoll" and poll_a1["params"]["is_anonymous"] is True
    assert poll_a1["params"]["type"] == "regular" and poll_a1["params"]["allows_multiple_answers"] is False
    assert poll_a1["params"]["options"] == ["满意", "基本满意", "不满意"]
    assert len(poll_a2["params"]["options"]) == 5
    assert by_chat[-5002][1]["params"]["options"] == ["Satisfied", "Fairly satisfied", "Dissatisfied"]
    assert "2026-12-08 11:00" in by_chat[-5002][0]["params"]["text"]  # Berlin time
    assert all(r.not_after == CLOSES for r in rows)
    polls = await _polls(services)
    assert {(p.branch_id, p.expected) for p in polls} == {(a, 4), (b, 2)}  # secretaries are on their rosters


async def test_the_close_tick_stops_each_sent_poll_once_and_keeps_the_counts(services: Services) -> None:
    """Before the close nothing is stopped; at the close every sent poll gets one stopPoll, a second tick adds
    none; Telegram's final counts are written once, a replayed record changes nothing; a poll whose send was
    recorded after the close is stopped by the next tick."""
    await _branches(services)
    opening, _ = _surveys(services)
    view = await opening.open_survey(ADMIN.telegram_user_id, "测评", "2026-Q4", QUESTIONS, CLOSES)
    polls = [r for r in await _rows(services, f"sv:{view.id}:") if r.payload["method"] == "sendPoll"]
    for number, row in enumerate(polls[:3], start=100):
        await _send(services, row, Sent(number, {"poll_id": f"p{number}"}))
    assert await tick_close_surveys(services.db, CLOSES - timedelta(minutes=1)) == 0
    assert await tick_close_surveys(services.db, CLOSES) == 3
    assert await tick_close_surveys(services.db, CLOSES + timedelta(seconds=5)) == 0
    stops = await _rows(services, "sv:stop:")
    assert sorted(r.payload["params"]["message_id"] for r in stops) == [100, 101, 102]
    await _send(services, polls[3], Sent(103, {"poll_id": "p103"}))  # in flight at the close
    assert await tick_close_surveys(services.db, CLOSES + timedelta(seconds=10)) == 1
    stops = await _rows(services, "sv:stop:")
    await _send(services, stops[0], Sent(100, {"counts": [2, 1, 0], "total_voters": 3}))
    await _send(services, stops[0], Sent(100, {"counts": [0, 0, 3], "total_voters": 3}))  # a replay
    first = next(p for p in await _polls(services) if p.message_id == 100)
    assert first.counts == [2, 1, 0] and first.total_voters == 3 and first.closed_at is not None


async def test_results_per_branch_and_for_the_organization(services: Services) -> None:
    """An admin sees each branch and the organization: counts per option, votes against the expected roster
    (votes beyond it are shown but the rate stops at 100%), and the satisfaction index (满意 100, 基本满意 60,
    不满意 0; five-point 100/75/50/25/0). A secretary sees only their branch, and no organization figures."""
    a, b = await _branches(services)
    opening, results = _surveys(services)
    view = await opening.open_survey(ADMIN.telegram_user_id, "测评", "2026-Q4", QUESTIONS, CLOSES)
    rows = {(r.chat_id, r.seq): r for r in await _rows(services, f"sv:{view.id}:")}
    for (chat, seq), row in rows.items():
        if seq:
            await _send(services, row, Sent(seq * 10 - chat, {"poll_id": f"{chat}:{seq}"}))
    open_results = await results.results(ADMIN.telegram_user_id, view.id)
    assert not open_results.tallied and open_results.organization is not None
    assert open_results.organization.questions[0].tallied == 0
    await tick_close_surveys(services.db, CLOSES)
    counts = {(-5001, 1): [2, 1, 1], (-5001, 2): [1, 0, 1, 0, 0], (-5002, 1): [3, 0, 0], (-5002, 2): [0, 0, 0, 0, 1]}
    for stop in await _rows(services, "sv:stop:"):
        seq = next(s for (c, s), r in rows.items() if c == stop.chat_id
                   and r.payload.get("meta", {}).get("survey_poll") == stop.payload["meta"]["survey_poll"])
        await _send(services, stop, Sent(0, {"counts": counts[(stop.chat_id, seq)], "total_voters": 0}))
    got = await results.results(ADMIN.telegram_user_id, view.id)
    assert got.tallied
    one, two = got.branches
    assert (one.branch_id, one.expected, one.votes, one.rate) == (a, 4, 4, 1.0)
    assert one.questions[0].counts == (2, 1, 1) and one.questions[0].index == pytest.approx(65.0)  # (200+60)/4
    assert one.questions[1].index == pytest.approx(75.0)  # (100+50)/2
    assert one.index == pytest.approx((200 + 60 + 100 + 50) / 6)
    assert (two.branch_id, two.expected, two.votes, two.rate) == (b, 2, 3, 1.0)  # a guest voted too
    assert two.questions[1].rate == 0.5
    org = got.organization
    assert org is not None and org.expected == 6 and org.branch_id is None
    assert org.questions[0].counts == (5, 1, 1) and org.questions[0].votes == 7
    assert org.questions[0].rate == 1.0  # 4 of 4 and 2 of 2 (the third vote in B is beyond its roster)
    assert org.questions[1].rate == pytest.approx(3 / 6)
    mine = await results.results(SEC_B.telegram_user_id, view.id)
    assert [r.branch_id for r in mine.branches] == [b] and mine.organization is None
    assert [v.id for v in await opening.surveys(SEC_A.telegram_user_id)] == [view.id]


async def test_what_the_admin_types_is_checked_against_telegrams_poll_limits(services: Services) -> None:
    """A question longer than a poll question may be (300), too many questions, an empty title or a close time
    too soon are refused with what is wrong; nothing is created."""
    await _branches(services)
    opening, _ = _surveys(services)
    cases = [("测评", [QuestionInput("问" * 301)], CLOSES, ("survey.question", "too_long")),
             ("测评", [QuestionInput(f"问题{i}") for i in range(11)], CLOSES, ("survey.questions", "too_many")),
             ("  ", QUESTIONS, CLOSES, ("survey.title", "empty")),
             ("测评", QUESTIONS, services.clock.now() + timedelta(minutes=5), ("survey.closes", "too_soon"))]
    for title, questions, closes, expected in cases:
        with pytest.raises(InvalidInput) as caught:
            await opening.open_survey(ADMIN.telegram_user_id, title, "2026-Q4", questions, closes)
        assert (caught.value.field, caught.value.problem) == expected
    assert await _polls(services) == [] and await _rows(services, "sv:") == []
    ok = await opening.open_survey(ADMIN.telegram_user_id, "测评", "", [QuestionInput("问" * 300)], CLOSES)
    assert ok.questions == 1


async def test_only_admins_open_surveys_and_members_see_no_results(services: Services) -> None:
    """A secretary may not open a survey, a member may see no results; both refusals are audited and change
    nothing. An unknown survey is not found."""
    await _branches(services)
    opening, results = _surveys(services)
    with pytest.raises(Refused):
        await opening.open_survey(SEC_A.telegram_user_id, "测评", "2026-Q4", QUESTIONS, CLOSES)
    view = await opening.open_survey(ADMIN.telegram_user_id, "测评", "2026-Q4", QUESTIONS, CLOSES)
    with pytest.raises(Refused):
        await results.results(MEMBERS_A[0].telegram_user_id, view.id)
    with pytest.raises(NotFound):
        await results.results(ADMIN.telegram_user_id, view.id + 1)
    async with services.db.transaction() as s:
        refused = (await s.execute(select(AuditEntry.actor_telegram_id, AuditEntry.action).where(
            AuditEntry.outcome == "refused"))).all()
    assert sorted(refused) == [(SEC_A.telegram_user_id, "survey.run"),
                               (MEMBERS_A[0].telegram_user_id, "survey.view")]
    assert len({p.survey_id for p in await _polls(services)}) == 1


async def test_no_survey_table_has_a_column_for_a_person(services: Services) -> None:
    """The survey tables have no column that could name a voter or tie an answer to a member: only the admin
    who opened the survey is kept (created_by)."""
    async with services.db.engine.connect() as conn:
        columns = await conn.run_sync(lambda c: {t: [col["name"] for col in inspect(c).get_columns(t)]
                                                 for t in inspect(c).get_table_names() if t.startswith("survey")})
    assert set(columns) == {"surveys", "survey_questions", "survey_polls"}
    personal = ("member", "user", "voter_id", "answer", "option_id", "person")
    assert [(t, c) for t, cols in columns.items() for c in cols if any(p in c for p in personal)] == []
    assert "created_by" in columns["surveys"]
