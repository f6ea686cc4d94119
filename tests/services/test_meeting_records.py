"""The record of a meeting and 补学 for its absentees, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lesson_bot.db.models import AuditEntry, Lesson, LessonDelivery, OutboxMessage, ParticipationEvent
from lesson_bot.domain.enums import AuditOutcome, ParticipationKind, ParticipationMode
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.errors import Conflict, Refused
from lesson_bot.services.lessons.library import LibraryService
from lesson_bot.services.meetings.facts import split
from lesson_bot.services.meetings.makeup import NotAnAbsentee
from lesson_bot.services.meetings.notices import record_text
from lesson_bot.services.meetings.records import NewAttachment, NotHostOrRecorder
from lesson_bot.services.participation.recorder import ParticipationRecorder
from tests.support import REPO_ROOT
from tests.support.records import (
    ABSENT,
    HOST,
    ON_LEAVE,
    OUTSIDER,
    PROBATIONARY,
    RECORDER,
    SEC,
    START,
    add_meeting,
    branch_with_committee,
    record_services,
)
from tests.support.services import Services


async def _outbox(services: Services, prefix: str) -> list[OutboxMessage]:
    async with services.db.transaction() as s:
        rows = (await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"{prefix}%"))
                                .order_by(OutboxMessage.id))).scalars().all()
        return list(rows)


async def test_a_record_holds_every_field_and_is_confirmed_by_host_and_recorder(services: Services) -> None:
    """Submitted the evening of the meeting: 应到 5 (4 正式, 1 预备), 实到 3 (2 + 1), 赵六 on leave (出差), 孙八
    absent; host and recorder each get the record with a confirm button, and confirming both completes it."""
    records, _, _ = record_services(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(hours=3))
    view = await records.submit(SEC.telegram_user_id, meeting_id, minutes="一、学习文件。\n二、研究发展党员工作。",
                                decisions="同意王五按期转正的初步意见。",
                                attachments=(NewAttachment("photo", "AgAD-photo-1", caption="会场"),))
    assert (split(view.expected), split(view.present)) == ((4, 1), (2, 1))
    assert [(a.person.name, a.excused, a.reason) for a in view.absentees] == [("孙八", False, None),
                                                                               ("赵六", True, "出差")]
    assert not view.recorded_late and not view.confirmed and len(view.attachments) == 1
    text = "\n".join(record_text(Translator().lang("zh-Hans"), MeetingTypes(), view))
    for expected in ("支部委员会", "研究十二月工作", "2026-12-01 20:00", "党员活动室", "张三", "李四", "应到", "5",
                     "赵六（出差）", "孙八", "一、学习文件。", "同意王五按期转正", "照片"):
        assert expected in text
    asks = await _outbox(services, f"rc:ask:{meeting_id}:")
    assert {row.chat_id for row in asks} == {HOST.telegram_user_id, RECORDER.telegram_user_id}
    button = asks[-1].payload["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert button == f"rc:ok:{meeting_id}:{view.stamp}"
    first = await records.confirm(HOST.telegram_user_id, meeting_id, view.stamp)
    assert first.roles == ("host",) and not first.view.confirmed
    second = await records.confirm(RECORDER.telegram_user_id, meeting_id, view.stamp)
    assert second.view.confirmed


async def test_a_record_made_after_the_grace_period_is_flagged_and_an_edit_resets_confirmations(
        services: Services) -> None:
    """Recorded two days after the meeting: 补录 with its time. The host confirmed; an edit clears that, and the old
    confirm button no longer confirms anything."""
    records, _, _ = record_services(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(days=2))
    view = await records.submit(RECORDER.telegram_user_id, meeting_id, minutes="补记：学习文件。", decisions=None)
    assert view.recorded_late and view.recorded_at == START + timedelta(days=2)
    assert "补录" in record_text(Translator().lang("zh-Hans"), MeetingTypes(), view)[0]
    await records.confirm(HOST.telegram_user_id, meeting_id, view.stamp)
    services.clock.set(START + timedelta(days=2, hours=1))
    edited = await records.submit(SEC.telegram_user_id, meeting_id, minutes=None, decisions="形成两项决议。")
    assert edited.minutes == "补记：学习文件。" and edited.decisions == "形成两项决议。"
    assert edited.host_confirmed_at is None and edited.recorded_late
    with pytest.raises(Conflict):
        await records.confirm(HOST.telegram_user_id, meeting_id, view.stamp)
    with pytest.raises(NotHostOrRecorder):
        await records.confirm(ABSENT.telegram_user_id, meeting_id, edited.stamp)


async def test_only_a_secretary_or_the_recorder_may_record_and_refusals_are_audited(services: Services) -> None:
    """An ordinary member cannot record (audited, with who may); the recorder can, without being a secretary."""
    records, _, _ = record_services(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(hours=2))
    with pytest.raises(Refused):
        await records.submit(OUTSIDER.telegram_user_id, meeting_id, minutes="x", decisions=None)
    async with services.db.transaction() as s:
        entry = (await s.execute(select(AuditEntry).where(AuditEntry.actor_telegram_id == OUTSIDER.telegram_user_id)
                                 )).scalar_one()
    assert entry.outcome is AuditOutcome.REFUSED and entry.detail["requires"] == "secretary"
    assert [m.meeting_id for m in await records.recordable(RECORDER.telegram_user_id)] == [meeting_id]
    assert await records.recordable(OUTSIDER.telegram_user_id) == []
    await records.begin(RECORDER.telegram_user_id, meeting_id)


async def test_absentees_get_a_makeup_task_once_the_minutes_exist_and_complete_it(services: Services) -> None:
    """Window closed, no minutes yet: nothing to study, no task. Once recorded, 赵六 (leave) and 孙八 (absent) each
    get one task with the minutes and a 已学习 button; a second tick sends nothing more; 孙八 completes it once
    (make-up event); someone who attended cannot."""
    records, makeup, _ = record_services(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id)
    services.clock.set(START + timedelta(hours=1))
    assert await makeup.assign_due() == 0
    await records.submit(SEC.telegram_user_id, meeting_id, minutes="一、学习文件。", decisions="决议一")
    assert await makeup.assign_due() == 2
    assert await makeup.assign_due() == 0
    tasks = await _outbox(services, f"mkmt:task:{meeting_id}:")
    assert {t.chat_id for t in tasks} == {ON_LEAVE.telegram_user_id, ABSENT.telegram_user_id}
    params = tasks[0].payload["params"]
    assert "一、学习文件。" in params["text"] and "补学" in params["text"]
    assert params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"] == f"mk:mt:{meeting_id}"
    done = await makeup.complete(ABSENT, meeting_id)
    again = await makeup.complete(ABSENT, meeting_id)
    assert (done.already, again.already) == (False, True)
    with pytest.raises(NotAnAbsentee):
        await makeup.complete(PROBATIONARY, meeting_id)
    async with services.db.transaction() as s:
        events = (await s.execute(select(ParticipationEvent).where(
            ParticipationEvent.kind == ParticipationKind.MAKEUP_DONE))).scalars().all()
    assert [(e.meeting_id, e.mode) for e in events] == [(meeting_id, ParticipationMode.MAKEUP)]
    [open_list] = await makeup.open_makeups(SEC.telegram_user_id, branch_id)
    assert [a.person.name for a in open_list.open] == ["赵六"] and [a.person.name for a in open_list.done] == ["孙八"]
    assert await makeup.assign_due() == 0  # the one who completed is not sent another


async def test_a_secretary_sends_makeup_tasks_on_demand(services: Services) -> None:
    """Before the window closed, a secretary asks: those not signed in and not excused so far get their task;
    another branch's secretary may not."""
    records, makeup, _ = record_services(services)
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id, closed=False)
    services.clock.set(START + timedelta(minutes=10))
    await records.submit(SEC.telegram_user_id, meeting_id, minutes="纪要", decisions=None)
    assert await makeup.assign_due() == 0  # attendance not final: the tick waits
    assert await makeup.assign(SEC.telegram_user_id, meeting_id) == 2
    with pytest.raises(Refused):
        await makeup.assign(OUTSIDER.telegram_user_id, meeting_id)


async def test_absentees_of_a_party_lecture_get_its_lesson_without_waiting_for_minutes(services: Services) -> None:
    """A 党课 that delivered a lesson: its absentees' tasks go out as soon as attendance is final, offering the
    lesson; studying it creates a private make-up delivery of that lesson for the member."""
    _, makeup, _ = record_services(services)
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    async with services.db.transaction() as s:
        lesson = (await s.execute(select(Lesson).order_by(Lesson.id).limit(1))).scalar_one()
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id, type_key="party_lecture", lesson_id=lesson.id,
                                   signed=(HOST, RECORDER, PROBATIONARY, OUTSIDER))
    services.clock.set(START + timedelta(hours=1))
    assert await makeup.assign_due() == 3  # everyone is expected at a 党课: 赵六 (leave), 孙八 and the secretary
    [task] = [t for t in await _outbox(services, f"mkmt:task:{meeting_id}:{ABSENT.telegram_user_id}")]
    rows = task.payload["params"]["reply_markup"]["inline_keyboard"]
    assert [r[0]["callback_data"] for r in rows] == [f"mk:ml:{meeting_id}", f"mk:mt:{meeting_id}"]
    assert lesson.title in task.payload["params"]["text"]
    delivery = await makeup.lesson(ABSENT, meeting_id, "✅ 已学习")
    assert delivery.title == lesson.title and delivery.already is None
    assert delivery.parts[0].to_payload()["meta"]["delivery"] == delivery.delivery_id
    async with services.db.transaction() as s:
        row = await s.get(LessonDelivery, delivery.delivery_id)
        assert row is not None and row.mode is ParticipationMode.MAKEUP and row.chat_id == ABSENT.telegram_user_id
    with pytest.raises(NotAnAbsentee):
        await makeup.lesson(OUTSIDER, meeting_id, "✅")


async def test_studying_a_party_lectures_lesson_completes_the_makeup(services: Services) -> None:
    """An absentee who studies the 党课's lesson (its make-up copy's own “✅ 已学习”, as the copy asks) has made up
    the meeting: the secretary sees them done, and the task's “已学习” afterwards records nothing new."""
    _, makeup, _ = record_services(services)
    await LibraryService(services.db).sync(REPO_ROOT / "content" / "lessons")
    async with services.db.transaction() as s:
        lesson = (await s.execute(select(Lesson).order_by(Lesson.id).limit(1))).scalar_one()
    branch_id = await branch_with_committee(services)
    meeting_id = await add_meeting(services.db, branch_id, type_key="party_lecture", lesson_id=lesson.id,
                                   signed=(HOST, RECORDER, PROBATIONARY, OUTSIDER))
    services.clock.set(START + timedelta(days=1))
    delivery = await makeup.lesson(ABSENT, meeting_id, "✅ 已学习")
    outcome = await ParticipationRecorder(services.db, services.clock).record_checkin(
        delivery.delivery_id, ABSENT.telegram_user_id, ABSENT)
    assert outcome.status == "recorded", outcome
    [shown] = await makeup.open_makeups(SEC.telegram_user_id, branch_id)
    assert [a.person.name for a in shown.done] == ["孙八"] and "孙八" not in [a.person.name for a in shown.open]
    assert (await makeup.complete(ABSENT, meeting_id)).already
