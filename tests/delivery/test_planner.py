"""The planner turns due occurrences of schedules into outbox rows: once, in order, never late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lesson_bot.db.models import Branch, Occurrence, OutboxMessage, Schedule
from lesson_bot.db.uow import Database
from lesson_bot.delivery.planner import Planner, PlannerConfig
from lesson_bot.domain.enums import BranchStatus, OccurrenceStatus, RecurrenceType, ScheduleKind, ScheduleStatus
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import FixedClock

# Monday 2026-11-30 20:00 in Shanghai is 12:00 UTC.
FIRST = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def _weekly_series(db: Database, series: str = "红色足迹") -> int:
    async with db.transaction() as s:
        branch = Branch(chat_id=-1001, title="一支部", timezone="Asia/Shanghai", locale="zh-Hans",
                        status=BranchStatus.ACTIVE, invite_code="b-test")
        s.add(branch)
        await s.flush()
        schedule = Schedule(branch_id=branch.id, kind=ScheduleKind.LESSON, series=series, timezone="Asia/Shanghai",
                            recurrence=RecurrenceType.WEEKLY, rule={"days": [0], "time": "20:00"},
                            starts_at=FIRST - timedelta(days=1), status=ScheduleStatus.ACTIVE)
        s.add(schedule)
        await s.flush()
        return schedule.id


async def _rows(db: Database) -> list[tuple[str, int, str]]:
    async with db.transaction() as s:
        result = await s.execute(select(OutboxMessage.group_key, OutboxMessage.seq, OutboxMessage.payload)
                                 .order_by(OutboxMessage.group_key, OutboxMessage.seq))
        return [(g, q, p["method"]) for g, q, p in result.all()]


async def test_a_due_lesson_is_planned_once_with_its_parts_in_order(db: Database) -> None:
    """At 20:00 Monday the series' first lesson becomes text + 3 quiz polls; ticking again adds nothing."""
    await _weekly_series(db)
    clock = FixedClock(FIRST - timedelta(minutes=5))
    planner = Planner(db, clock, PlannerConfig(), Translator())
    assert (await planner.tick()).planned == 0  # not due yet (lookahead is 30 s)
    clock.set(FIRST)
    report = await planner.tick()
    assert (report.planned, report.rows) == (1, 4)
    assert [(seq, method) for _g, seq, method in await _rows(db)] == [
        (0, "sendMessage"), (1, "sendPoll"), (2, "sendPoll"), (3, "sendPoll")]
    again = await planner.tick()
    assert (again.planned, again.rows) == (0, 0)
    async with db.transaction() as s:
        text = (await s.execute(select(OutboxMessage.payload).where(OutboxMessage.seq == 0))).scalar_one()
    assert "中共一大" in text["params"]["text"] or "第 1 课" in text["params"]["text"]


async def test_the_next_week_brings_the_next_lesson_of_the_series(db: Database) -> None:
    """Occurrence k of a series schedule delivers the series' k-th lesson."""
    await _weekly_series(db)
    clock = FixedClock(FIRST)
    planner = Planner(db, clock, PlannerConfig(), Translator())
    await planner.tick()
    clock.set(FIRST + timedelta(days=7))
    await planner.tick()
    async with db.transaction() as s:
        seqs = (await s.execute(select(Occurrence.seq).order_by(Occurrence.due_at))).scalars().all()
    assert seqs == [1, 2]
    texts = [g for g, seq, _m in await _rows(db) if seq == 0]
    assert len(texts) == 2


async def test_an_occurrence_found_after_its_grace_window_is_missed(db: Database) -> None:
    """After a long outage, an occurrence past its grace window is recorded as missed and nothing is queued."""
    await _weekly_series(db)
    clock = FixedClock(FIRST + timedelta(hours=7))  # lessons may go up to 6 hours late
    report = await Planner(db, clock, PlannerConfig(), Translator()).tick()
    assert report.planned == 1 and len(report.missed) == 1 and report.rows == 0
    async with db.transaction() as s:
        status = (await s.execute(select(Occurrence.status))).scalar_one()
        assert status is OccurrenceStatus.MISSED
        assert (await s.execute(select(func.count()).select_from(OutboxMessage))).scalar_one() == 0


async def test_a_series_schedule_finishes_after_its_last_lesson(db: Database) -> None:
    """A weekly series of five lessons plans five occurrences and then finishes."""
    schedule_id = await _weekly_series(db)
    clock = FixedClock(FIRST)
    planner = Planner(db, clock, PlannerConfig(), Translator())
    for week in range(7):
        clock.set(FIRST + timedelta(days=7 * week))
        await planner.tick()
    async with db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(Occurrence))).scalar_one() == 5
        assert (await s.get(Schedule, schedule_id)).status is ScheduleStatus.FINISHED  # type: ignore[union-attr]


async def _status(db: Database, schedule_id: int) -> ScheduleStatus:
    async with db.transaction() as s:
        return (await s.execute(select(Schedule.status).where(Schedule.id == schedule_id))).scalar_one()


async def test_a_schedule_with_nothing_left_to_plan_leaves_the_active_set(db: Database) -> None:
    """A one-off is finished once planned and a weekly schedule of 2 once its second lesson is: later ticks no
    longer visit them (the active set would otherwise grow with every one-off ever made)."""
    weekly = await _weekly_series(db)
    async with db.transaction() as s:
        weekly_row = await s.get(Schedule, weekly)
        assert weekly_row is not None
        weekly_row.max_count = 2
        once = Schedule(branch_id=weekly_row.branch_id, kind=ScheduleKind.LESSON, series="红色足迹",
                        timezone="Asia/Shanghai", recurrence=RecurrenceType.ONCE, rule={},
                        starts_at=FIRST + timedelta(hours=1), status=ScheduleStatus.ACTIVE)
        s.add(once)
        await s.flush()
        once_id = once.id
    clock = FixedClock(FIRST)
    planner = Planner(db, clock, PlannerConfig(), Translator())
    await planner.tick()
    assert (await _status(db, weekly), await _status(db, once_id)) == (ScheduleStatus.ACTIVE, ScheduleStatus.ACTIVE)
    clock.set(FIRST + timedelta(hours=1))
    assert (await planner.tick()).planned == 1
    assert await _status(db, once_id) is ScheduleStatus.FINISHED
    clock.set(FIRST + timedelta(days=7))
    assert (await planner.tick()).planned == 1
    assert await _status(db, weekly) is ScheduleStatus.FINISHED
    clock.set(FIRST + timedelta(days=14))
    assert (await planner.tick()).planned == 0
    async with db.transaction() as s:
        planned = (await s.execute(select(func.count()).select_from(Occurrence))).scalar_one()
    assert planned == 3
