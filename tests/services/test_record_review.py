"""The committee's review of meeting records (审阅) and what reviewers count, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from lesson_bot.db.models import AuditEntry, Meeting, OutboxMessage
from lesson_bot.domain.callbacks import ReviewAnswer, ReviewApprove, decode
from lesson_bot.domain.enums import AuditOutcome, MeetingStatus, ReviewState
from lesson_bot.services.errors import InvalidInput, Refused
from lesson_bot.services.meetings.review import StaleReview
from lesson_bot.services.meetings.review_counts import TypeCount, record_counts
from tests.support.records import (
    HOST,
    OUTSIDER,
    RECORDER,
    SEC,
    START,
    add_meeting,
    branch_with_committee,
    record_services,
    review_service,
)
from tests.support.services import ADMIN, Services

ADMIN_CHAT = -100900


async def _messages(services: Services) -> list[tuple[int, str, list[str]]]:
    """The review's queued private messages: (chat, text, button data), oldest first."""
    async with services.db.transaction() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("rv:%"))
                                .order_by(OutboxMessage.id))).scalars().all()
    return [(row.chat_id, row.payload["params"]["text"],
             [b["callback_data"] for line in row.payload["params"].get("reply_markup", {}).get("inline_keyboard", [])
              for b in line]) for row in rows]


async def test_an_approved_record_leaves_the_list_its_people_are_told_and_a_second_tap_is_stale(
        services: Services) -> None:
    """The secretary submits the evening of the meeting; the admin sees it pending (branch, type, not late), approves
    that version; the secretary and the recorder are told; tapping approve again changes nothing; it is audited."""
    records, _, _ = record_services(services)
    reviews = review_service(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(hours=3))
    view = await records.submit(SEC.telegram_user_id, meeting_id, minutes="一、学习文件。", decisions=None)
    [line] = await reviews.pending(ADMIN.telegram_user_id)
    assert (line.meeting_id, line.branch_title, line.type, line.late, line.round, line.state) == (
        meeting_id, "一支部", "committee", False, 1, ReviewState.SUBMITTED)
    done = await reviews.approve(ADMIN.telegram_user_id, meeting_id, view.stamp)
    assert done.line.state is ReviewState.APPROVED and done.notified == 2
    assert await reviews.pending(ADMIN.telegram_user_id) == []
    sent = await _messages(services)
    assert sorted(chat for chat, _, _ in sent) == [SEC.telegram_user_id, RECORDER.telegram_user_id]
    assert all("审阅通过" in text and "研究十二月工作" in text for _, text, _ in sent)
    with pytest.raises(StaleReview) as stale:
        await reviews.approve(ADMIN.telegram_user_id, meeting_id, view.stamp)
    assert stale.value.reason == "approved" and len(await _messages(services)) == 2
    async with services.db.transaction() as s:
        audited = (await s.execute(select(AuditEntry.outcome, AuditEntry.detail).where(
            AuditEntry.action == "meeting.review_record"))).all()
    assert [(o, d["state"], d["round"]) for o, d in audited] == [(AuditOutcome.ALLOWED, "approved", 1)]


async def test_return_answer_resubmit_approve_with_history(services: Services) -> None:
    """Returned with a comment: secretary and recorder get it with an answer button; the host may not answer; the
    recorder answers (to the reviewer and the admin chat, with buttons for that version); a second answer is stale;
    the secretary corrects the record with /record (round 2), the old version's approve is stale, the new one is
    approved, and the history has every step."""
    records, _, _ = record_services(services)
    reviews = review_service(services, admin_chat_id=ADMIN_CHAT)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(days=2))
    first = await records.submit(RECORDER.telegram_user_id, meeting_id, minutes="研究了工作。", decisions=None)
    [line] = await reviews.pending(ADMIN.telegram_user_id)
    assert line.late  # two days after the meeting: 补录
    with pytest.raises(InvalidInput):
        await reviews.return_record(ADMIN.telegram_user_id, meeting_id, "  ")
    services.clock.set(START + timedelta(days=2, hours=1))
    await reviews.return_record(ADMIN.telegram_user_id, meeting_id, "纪要过于简略，请写明研究的具体事项。", first.stamp)
    returned = await _messages(services)
    assert sorted(chat for chat, _, _ in returned) == [SEC.telegram_user_id, RECORDER.telegram_user_id]
    for _, text, buttons in returned:
        assert "审阅意见：纪要过于简略，请写明研究的具体事项。" in text
        assert buttons == [ReviewAnswer(meeting_id, 1).encode()]
    with pytest.raises(StaleReview):
        await reviews.return_record(ADMIN.telegram_user_id, meeting_id, "再次退回", first.stamp)
    with pytest.raises(Refused):
        await reviews.answer(HOST.telegram_user_id, meeting_id, "我来答复。", round=1)
    await reviews.answer(RECORDER.telegram_user_id, meeting_id, "会议只研究了一项，即发展党员工作。", round=1)
    answers = (await _messages(services))[2:]
    assert [chat for chat, _, _ in answers] == [ADMIN.telegram_user_id, ADMIN_CHAT]
    for _, text, buttons in answers:
        assert "李四答复：会议只研究了一项，即发展党员工作。" in text and "纪要过于简略" in text
        assert decode(buttons[0]) == ReviewApprove(meeting_id, first.stamp)
    with pytest.raises(StaleReview) as stale:
        await reviews.answer(SEC.telegram_user_id, meeting_id, "补充答复", round=1)
    assert stale.value.reason == "not_returned"
    services.clock.set(START + timedelta(days=3))
    second = await records.submit(SEC.telegram_user_id, meeting_id, minutes="研究了十二月发展党员工作。",
                                  decisions=None)
    [line] = await reviews.pending(ADMIN.telegram_user_id)
    assert (line.round, line.state, line.stamp) == (2, ReviewState.SUBMITTED, second.stamp)
    with pytest.raises(StaleReview) as stale:
        await reviews.approve(ADMIN.telegram_user_id, meeting_id, first.stamp)
    assert stale.value.reason == "changed"
    await reviews.approve(ADMIN.telegram_user_id, meeting_id, second.stamp, "同意。")
    history = await reviews.history(SEC.telegram_user_id, meeting_id)
    assert [(h.round, h.state, h.by) for h in history] == [
        (1, ReviewState.SUBMITTED, "李四"), (1, ReviewState.RETURNED, str(ADMIN.telegram_user_id)),
        (1, ReviewState.ANSWERED, "李四"), (2, ReviewState.SUBMITTED, "书记老周"),
        (2, ReviewState.APPROVED, str(ADMIN.telegram_user_id))]
    assert history[1].comment == "纪要过于简略，请写明研究的具体事项。"
    assert (history[2].answer or "").startswith("会议只研究了")
    assert history[2].at == START + timedelta(days=2, hours=1) and history[4].comment == "同意。"
    with pytest.raises(StaleReview) as stale:
        await reviews.answerable(RECORDER.telegram_user_id, meeting_id, 1)
    assert stale.value.reason == "changed"


async def test_secretaries_and_members_may_not_review_and_only_branch_people_see_the_history(
        services: Services) -> None:
    """The branch's own secretary cannot see the pending list, approve or return (audited: admin only); a member
    who is neither host nor recorder cannot see the history."""
    records, _, _ = record_services(services)
    reviews = review_service(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    view = await records.submit(SEC.telegram_user_id, meeting_id, minutes="纪要", decisions=None)
    for who in (SEC, OUTSIDER):
        with pytest.raises(Refused):
            await reviews.pending(who.telegram_user_id)
        with pytest.raises(Refused):
            await reviews.approve(who.telegram_user_id, meeting_id, view.stamp)
        with pytest.raises(Refused):
            await reviews.return_record(who.telegram_user_id, meeting_id, "退回", view.stamp)
    with pytest.raises(Refused):
        await reviews.history(OUTSIDER.telegram_user_id, meeting_id)
    assert [h.state for h in await reviews.history(HOST.telegram_user_id, meeting_id)] == [ReviewState.SUBMITTED]
    async with services.db.transaction() as s:
        refused = (await s.execute(select(AuditEntry.detail).where(
            AuditEntry.action == "meeting.review_record", AuditEntry.outcome == AuditOutcome.REFUSED))).scalars().all()
    assert len(refused) == 6 and {d["requires"] for d in refused} == {"admin"}


Q4 = (datetime(2026, 9, 30, 16, 0, tzinfo=UTC), datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # Shanghai's Q4 2026


async def test_counts_for_a_scripted_quarter(services: Services) -> None:
    """Q4 of 一支部: 支委会 in October (recorded that evening, approved), November (recorded three days later,
    returned, corrected, approved) and December (entered in the system after it began, recorded on time, waiting);
    a 党员大会 in November held and never recorded; a cancelled meeting and one of September left out.

    Due 4; submitted 3; late 1 (November) + overdue 1 (the 党员大会): 逾期上报率 2/4; 补开补报 2 (November's
    补录, December's 补开); returned 1; approved 2, 1 without a return: 规范执行率 1/4. The cadence expects 3
    支委会 (3 held), 1 党员大会 (held), 1 党课, 3 主题党日 and the year's 组织生活会 (none held)."""
    records, _, _ = record_services(services)
    reviews = review_service(services)
    branch_id = await branch_with_committee(services)
    starts = {"sep": datetime(2026, 9, 15, 12, tzinfo=UTC), "oct": datetime(2026, 10, 10, 12, tzinfo=UTC),
              "nov": datetime(2026, 11, 12, 12, tzinfo=UTC), "congress": datetime(2026, 11, 20, 12, tzinfo=UTC),
              "cancelled": datetime(2026, 10, 20, 12, tzinfo=UTC), "dec": datetime(2026, 12, 1, 12, tzinfo=UTC)}
    ids = {key: await add_meeting(services.db, branch_id, start=at, roster_before=key == "sep",
                                  type_key="party_congress" if key == "congress" else "committee",
                                  status=MeetingStatus.CANCELLED if key == "cancelled" else MeetingStatus.SCHEDULED)
           for key, at in starts.items()}
    async with services.db.transaction() as s:
        for key, at in starts.items():
            entered = at + timedelta(hours=1) if key == "dec" else at - timedelta(days=7)
            await s.execute(update(Meeting).where(Meeting.id == ids[key]).values(created_at=entered))

    async def record(key: str, after: timedelta) -> int:
        services.clock.set(starts[key] + after)
        return (await records.submit(SEC.telegram_user_id, ids[key], minutes="纪要", decisions=None)).stamp

    await record("sep", timedelta(hours=3))
    await reviews.approve(ADMIN.telegram_user_id, ids["oct"], await record("oct", timedelta(hours=3)))
    await reviews.return_record(ADMIN.telegram_user_id, ids["nov"], "请补充。", await record("nov", timedelta(days=3)))
    await reviews.approve(ADMIN.telegram_user_id, ids["nov"], await record("nov", timedelta(days=4)))
    await record("dec", timedelta(hours=3))
    now = datetime(2026, 12, 20, 2, tzinfo=UTC)
    async with services.db.transaction() as s:
        [counts] = await record_counts(s, [branch_id], *Q4, now=now, grace=timedelta(hours=24))
    assert (counts.due, counts.submitted, counts.submitted_late, counts.overdue, counts.after_the_fact,
            counts.returned, counts.approved, counts.approved_first_time) == (4, 3, 1, 1, 2, 1, 2, 1)
    assert (counts.late_rate, counts.compliance_rate) == (0.5, 0.25)
    assert set(counts.by_type) == {
        TypeCount("committee", 3, 3, 3), TypeCount("party_congress", 1, 1, 1), TypeCount("party_lecture", 0, 1, 0),
        TypeCount("theme_day", 0, 3, 0), TypeCount("life_meeting", 0, 1, 0)}
    assert (counts.expected, counts.met) == (9, 4)
