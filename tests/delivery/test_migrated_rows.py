"""What a group's upgrade to a supergroup does to its outbox rows and live counts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lesson_bot.db import outbox as db_outbox
from lesson_bot.db.models import Branch, DeliveryLogEntry, LessonDelivery, OutboxMessage, Schedule
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.delivery import outbox
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import (
    BranchStatus,
    DeliveryOutcome,
    OutboxStatus,
    ParticipationMode,
    RecurrenceType,
    ScheduleKind,
    ScheduleStatus,
)
from lesson_bot.domain.messages import part_from_payload
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.lessons import counts
from lesson_bot.services.lessons.counts import CountTicker

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OLD, NEW = -4001, -1004001


async def _branch_with_lessons(db: Database) -> tuple[int, int]:
    """A branch in the group OLD: an earlier lesson sent there (its button is message 7, count 2 shown as 1), and
    a lesson planned now, not sent yet. The ids of the sent and the planned delivery."""
    async with db.transaction() as s:
        branch = Branch(chat_id=OLD, title="一支部", timezone="Asia/Shanghai", locale="zh-Hans",
                        status=BranchStatus.ACTIVE, invite_code="b-moved")
        s.add(branch)
        await s.flush()
        s.add(Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, series="红色足迹", timezone="Asia/Shanghai",
                       recurrence=RecurrenceType.ONCE, rule={}, starts_at=NOW, status=ScheduleStatus.ACTIVE))
    assert (await Planner(db, FixedClock(NOW), PlannerConfig(), Translator()).tick()).planned == 1
    async with db.transaction() as s:
        planned = (await s.execute(select(LessonDelivery))).scalar_one()
        sent = LessonDelivery(branch_id=planned.branch_id, lesson_version_id=planned.lesson_version_id,
                              mode=ParticipationMode.ON_TIME, chat_id=OLD, message_id=7, delivered_at=NOW,
                              expected_count=3, checkin_count=2, shown_count=1)
        s.add(sent)
        await s.flush()
        return sent.id, planned.id


async def test_an_upgrade_moves_sends_closes_old_edits_and_leaves_rows_in_flight(db: Database) -> None:
    """Pending sends go to the supergroup (a reply to an old message dropped), the planned lesson's delivery with
    them; the edit of message 7 is closed with the reason and logged "migrated"; a row another worker is sending
    is left alone (it meets the move itself)."""
    sent_id, planned_id = await _branch_with_lessons(db)
    edit = {"method": "editMessageReplyMarkup", "params": {"message_id": 7, "reply_markup": {}}}
    reply = {"method": "sendMessage", "params": {"text": "请学习", "reply_parameters": {"message_id": 7}}}
    busy = {"method": "sendMessage", "params": {"text": "在路上"}}
    async with db.transaction() as s:
        await db_outbox.enqueue(s, [OutboxItem.of("count:x", OLD, "count", part_from_payload(edit), NOW, "count:x"),
                                 OutboxItem.of("nudge:x", OLD, "nudge", part_from_payload(reply), NOW, "nudge:x"),
                                 OutboxItem.of("busy:x", OLD, "notice", part_from_payload(busy), NOW, "busy:x")])
        busy_id = (await s.execute(select(OutboxMessage.id).where(OutboxMessage.kind == "notice"))).scalar_one()
        assert await outbox.claim(s, [busy_id], "elsewhere", NOW + timedelta(minutes=2)) == {busy_id}
    async with db.transaction() as s:
        result = await outbox.move_chat(s, OLD, NEW, NOW, "me")
        await counts.follow_chat(s, result.moved.values(), OLD, NEW)
    async with db.transaction() as s:
        rows = {r.kind: r for r in (await s.execute(select(OutboxMessage).where(OutboxMessage.kind != "lesson")))
                .scalars()}
        lesson_chats = set((await s.execute(select(OutboxMessage.chat_id).where(OutboxMessage.kind == "lesson")))
                           .scalars())
        log = (await s.execute(select(DeliveryLogEntry.outcome, DeliveryLogEntry.detail))).all()
        deliveries = {d.id: d.chat_id for d in (await s.execute(select(LessonDelivery))).scalars()}
    assert lesson_chats == {NEW}
    assert (rows["nudge"].chat_id, rows["nudge"].status) == (NEW, OutboxStatus.PENDING)
    assert rows["nudge"].payload["params"] == {"text": "请学习"}
    assert (rows["count"].chat_id, rows["count"].status) == (OLD, OutboxStatus.CANCELLED)
    assert result.closed == [rows["count"].id]
    [(outcome, detail)] = log
    assert outcome == DeliveryOutcome.MIGRATED and detail is not None and "stayed in the old group" in detail
    assert (rows["notice"].chat_id, rows["notice"].status) == (OLD, OutboxStatus.CLAIMED)
    assert deliveries == {sent_id: OLD, planned_id: NEW}


async def test_the_count_tick_skips_buttons_left_in_the_old_group(db: Database) -> None:
    """Once the branch moved, the lesson whose button stayed in the old group gets no edit; a lesson sent in
    the supergroup does, at its message there."""
    _sent_id, planned_id = await _branch_with_lessons(db)
    async with db.transaction() as s:
        branch = (await s.execute(select(Branch))).scalar_one()
        branch.chat_id, branch.migrated_from_chat_id = NEW, OLD
        planned = await s.get(LessonDelivery, planned_id)
        assert planned is not None
        planned.chat_id, planned.message_id, planned.delivered_at = NEW, 3, NOW
        planned.expected_count, planned.checkin_count = 3, 1
    ticker = CountTicker(db, FixedClock(NOW + timedelta(minutes=1)), Translator())
    assert await ticker.tick() == 1
    async with db.transaction() as s:
        [row] = (await s.execute(select(OutboxMessage).where(OutboxMessage.kind == counts.KIND))).scalars().all()
    assert (row.chat_id, row.payload["params"]["message_id"]) == (NEW, 3)
