"""The dispatcher against the sandbox with Telegram's flood limits on: order, dedupe, faults, 403, migration.
The `rig` fixture is in conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lesson_bot.db import outbox
from lesson_bot.db.models import DeliveryLogEntry, OutboxMessage
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.enums import DeliveryOutcome, OutboxStatus
from lesson_bot.domain.messages import from_payload, part_from_payload
from tests.support.delivery import Rig, groups, lesson_parts, statuses
from tests.support.sandbox import bot_texts


async def test_every_part_arrives_once_and_in_order(rig: Rig) -> None:
    """Each group gets its lesson text then its three polls, once, under the sandbox's flood limits."""
    chats = await groups(rig.sb, 12)
    now = datetime.now(UTC)
    items = [item for chat in chats for item in lesson_parts(chat, "occ1", now)]
    async with rig.db.transaction() as s:
        assert await outbox.enqueue(s, items) == 48
    async with rig.db.transaction() as s:
        assert await outbox.enqueue(s, items) == 0  # planning twice adds nothing
    await rig.dispatcher.settle()
    for chat in chats:
        assert await bot_texts(rig.sb, chat) == ["第一课 occ1", "问题 1", "问题 2", "问题 3"]
    assert await statuses(rig.db) == {"sent": 48}
    async with rig.db.transaction() as s:
        polls = (await s.execute(select(OutboxMessage.result).where(OutboxMessage.seq == 1))).scalars().all()
    assert all(r and r.get("poll_id") for r in polls)


async def test_faults_lose_nothing(rig: Rig) -> None:
    """With 10 % 5xx answers, dropped connections and timeouts injected, every row still arrives."""
    await rig.sb.control.set_faults(
        [{"method": "*", "error_rate": 0.1, "drop_rate": 0.05, "timeout_rate": 0.05, "timeout_s": 1.5}], seed=7
    )
    chats = await groups(rig.sb, 10)
    items = [item for chat in chats for item in lesson_parts(chat, "occ2", datetime.now(UTC))]
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, items)
    await rig.dispatcher.settle()
    assert await statuses(rig.db) == {"sent": 40}
    counters = await rig.sb.control.counters()
    timeouts = counters["faults"].get("timeout", 0)
    assert counters["faults"].get("error", 0) + counters["faults"].get("drop", 0) > 0
    duplicates = 0
    for chat in chats:
        texts = await bot_texts(rig.sb, chat)
        assert set(texts) == {"第一课 occ2", "问题 1", "问题 2", "问题 3"}  # nothing lost
        duplicates += len(texts) - 4
    assert duplicates <= timeouts  # only a send Telegram performed but never answered can repeat
    async with rig.db.transaction() as s:
        retried = (await s.execute(select(func.count()).select_from(DeliveryLogEntry).where(
            DeliveryLogEntry.outcome == DeliveryOutcome.RETRIED))).scalar_one()
    assert retried > 0


async def test_a_group_that_removed_the_bot_fails_its_rows_and_is_reported(rig: Rig) -> None:
    """403 from a group: its rows fail with the reason, the branch is reported gone, the other groups get theirs."""
    kept, kicked = await groups(rig.sb, 2)
    await rig.sb.control.remove_member(kicked, "bot", by=(await rig.sb.control.transcript(kicked))["messages"][0]
                                       ["from"]["id"])
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, lesson_parts(kept, "occ3", datetime.now(UTC)) +
                             lesson_parts(kicked, "occ3", datetime.now(UTC)))
    await rig.dispatcher.settle()
    assert await statuses(rig.db) == {"sent": 4, "failed": 4}
    assert [chat for chat, _ in rig.events.gone] == [kicked]
    assert "kicked" in rig.events.gone[0][1]


async def test_a_migrated_group_gets_its_rows_at_the_new_id(rig: Rig) -> None:
    """The group became a supergroup: the rows move to the new chat id and arrive there, in order."""
    [chat] = await groups(rig.sb, 1)
    new_chat = int((await rig.sb.control.migrate(chat))["chat_id"])
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, lesson_parts(chat, "occ4", datetime.now(UTC)))
    await rig.dispatcher.settle()
    assert rig.events.moved == [(chat, new_chat)]
    assert await bot_texts(rig.sb, new_chat) == ["第一课 occ4", "问题 1", "问题 2", "问题 3"]
    assert await statuses(rig.db) == {"sent": 4}


async def test_after_a_migration_edits_of_old_messages_are_closed_and_sends_move(rig: Rig) -> None:
    """The supergroup numbers its messages afresh: an edit of a message the old group holds is closed with the
    reason, never applied to the new chat's message of the same id; a send moves there without its reply."""
    [chat] = await groups(rig.sb, 1)
    lesson = {"method": "sendMessage", "params": {"text": "第一课", "reply_markup": button("已学习")}}
    old = await rig.sender.send(chat, from_payload(lesson))
    new_chat = int((await rig.sb.control.migrate(chat))["chat_id"])
    while (later := await rig.sender.send(new_chat, from_payload(lesson))).message_id != old.message_id:
        assert later.message_id is not None and old.message_id is not None and later.message_id < old.message_id
    now = datetime.now(UTC)
    edit = {"method": "editMessageReplyMarkup", "params": {"message_id": old.message_id,
                                                            "reply_markup": button("已学习 1/3")}}
    nudge = {"method": "sendMessage", "params": {"text": "请学习第一课", "reply_to_message_id": old.message_id,
                                                 "allow_sending_without_reply": True}}
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, [OutboxItem.of("count:1:1", chat, "count", part_from_payload(edit), now, "count:1", 1),
                                 OutboxItem.of("nudge:1", chat, "nudge", part_from_payload(nudge), now, "nudge:1")])
    await rig.dispatcher.settle()
    assert set(rig.events.moved) == {(chat, new_chat)}  # each row in flight to the old id hears it
    messages = (await rig.sb.control.transcript(new_chat))["messages"]
    assert [m["text"] for m in messages if m["from"]["is_bot"]][-1] == "请学习第一课"
    assert messages[-1]["reply_to"] is None  # not a reply to whatever has the old id in the new chat
    assert not any(m["edited"] for m in messages)
    assert next(m for m in messages if m["message_id"] == old.message_id)["buttons"][0][0]["text"] == "已学习"
    async with rig.db.transaction() as s:
        rows = {r.kind: r for r in (await s.execute(select(OutboxMessage))).scalars()}
        log = (await s.execute(select(DeliveryLogEntry.outcome, DeliveryLogEntry.detail).where(
            DeliveryLogEntry.outbox_id == rows["count"].id))).all()
    assert (rows["count"].status, rows["count"].chat_id) == (OutboxStatus.CANCELLED, chat)
    assert rows["count"].last_error is not None and "stayed in the old group" in rows["count"].last_error
    assert [outcome for outcome, _detail in log] == [DeliveryOutcome.MIGRATED]
    assert (rows["nudge"].status, rows["nudge"].chat_id) == (OutboxStatus.SENT, new_chat)


def button(label: str) -> dict[str, object]:
    return {"inline_keyboard": [[{"text": label, "callback_data": "ls:done:1"}]]}


async def test_a_message_past_its_grace_window_is_missed_not_sent(rig: Rig) -> None:
    """A reminder found after its window (e.g. the service was down) is recorded as missed and never sent."""
    [chat] = await groups(rig.sb, 1)
    due = datetime.now(UTC) - timedelta(hours=2)
    late = OutboxItem.of("reminder:1", chat, "reminder",
                         part_from_payload({"method": "sendMessage", "params": {"text": "1小时后开会"}}),
                         due, "reminder:1", not_after=due + timedelta(minutes=30))
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, [late])
    await rig.dispatcher.settle()
    assert await statuses(rig.db) == {"missed": 1}
    assert await bot_texts(rig.sb, chat) == []


async def test_a_database_failure_does_not_stop_the_dispatcher(rig: Rig) -> None:
    """While the outbox cannot be read the dispatcher keeps trying; once it can, the queued lesson goes out."""
    import asyncio

    from sqlalchemy import text

    [chat] = await groups(rig.sb, 1)
    async with rig.db.transaction() as s:
        await outbox.enqueue(s, lesson_parts(chat, "occ5", datetime.now(UTC)))
        await s.execute(text("ALTER TABLE outbox RENAME TO outbox_away"))
    stop = asyncio.Event()
    running = asyncio.create_task(rig.dispatcher.run(stop))
    try:
        await rig.dispatcher.round_failed.wait()
        assert not running.done() and rig.dispatcher.failed_rounds >= 1
        async with rig.db.transaction() as s:
            await s.execute(text("ALTER TABLE outbox_away RENAME TO outbox"))
        await rig.sb.control.wait_bot_messages(chat, after=0, count=4, timeout=30)
    finally:
        stop.set()
        await running
    assert await bot_texts(rig.sb, chat) == ["第一课 occ5", "问题 1", "问题 2", "问题 3"]
