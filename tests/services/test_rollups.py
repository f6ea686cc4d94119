"""The reports' rollups (services/reports/rollups.py, read by kept.py) stay equal to the figures counted directly
over the period, whatever moves them afterwards and by whichever path (the services, or a plain SQL statement): on
SQLite and PostgreSQL, through the real migrations' triggers."""

from __future__ import annotations

from sqlalchemy import select, update

from lesson_bot.db.models import BranchPeriodFigures, FigureChange, Meeting, Membership, Rsvp
from lesson_bot.domain import scoring
from lesson_bot.domain.enums import LeaveStatus, ParticipationMode, RsvpAnswer
from lesson_bot.domain.periods import Period, parse
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.reports import kept, rollups
from lesson_bot.services.reports.queries import LessonRow, Scope, lesson_figures, meeting_figures
from lesson_bot.services.reports.service import ReportService
from tests.support.progress import deliver_lesson
from tests.support.reports import CAROL, GROUP_A, SEC_A, at, play_quarter
from tests.support.services import Services

Q4 = parse("2026-Q4")
ZONES = ["Asia/Shanghai"]


async def direct(services: Services, period: Period = Q4
                 ) -> tuple[dict[int, LessonRow], dict[int, scoring.MeetingTally]]:
    async with services.db.transaction() as s:
        return await lesson_figures(s, period, ZONES, Scope()), await meeting_figures(s, period, ZONES, Scope())


async def rolled(services: Services, period: Period = Q4
                 ) -> tuple[dict[int, LessonRow], dict[int, scoring.MeetingTally]]:
    await rollups.Rollups(services.db).refresh()
    found = kept.rollup_keys(period)
    assert found is not None
    keys, exact = found
    async with services.db.transaction() as s:
        lessons, meetings = await kept.read(s, keys, Scope())
        again = set() if exact else await kept.redelivered(s, period, ZONES, Scope())
        if again:
            lessons.update(await lesson_figures(s, period, ZONES, Scope(tuple(sorted(again)))))
        return lessons, meetings


async def assert_fresh(services: Services) -> None:
    assert await rolled(services) == await direct(services)
    async with services.db.transaction() as s:
        assert (await s.execute(select(FigureChange.id))).first() is None  # the log was consumed


async def bob_in_a(services: Services, branch_id: int) -> scoring.LessonTally:
    report = await ReportService(services.db, services.clock, services.access).branch_report(
        SEC_A.telegram_user_id, branch_id, Q4)
    return next(m.lessons for m in report.members if m.name == "Bob")


async def test_rollups_follow_check_ins_leave_meetings_moved_and_roster_changes(services: Services) -> None:
    q = await play_quarter(services, services.clock)
    await assert_fresh(services)
    lessons, _ = await direct(services)
    assert lessons  # the quarter has figures to keep

    # Carol studies L2 as 补学 in January: her Q4 make-ups go from 1 to 2 (L2 was delivered in November).
    recorder = ParticipationRecorder(services.db, services.clock)
    services.clock.set(at(1, 4, year=2027))
    makeup = await deliver_lesson(services.db, q.branch_a, CAROL.telegram_user_id, "red-nanchang-uprising",
                                  services.clock.now(), member_id=q.members["Carol"], mode=ParticipationMode.MAKEUP,
                                  key="late")
    await recorder.record_checkin(makeup.delivery_id, CAROL.telegram_user_id, CAROL)
    await recorder.aclose()
    report = await ReportService(services.db, services.clock, services.access).branch_report(
        SEC_A.telegram_user_id, q.branch_a, Q4)
    assert next(m.lessons for m in report.members if m.name == "Carol") == scoring.LessonTally(2, 0, 2)
    await assert_fresh(services)

    # Plain SQL, not the services: 李书记's leave for M1 is refused, and M2 moves into January (out of Q4).
    async with services.db.transaction() as s:
        await s.execute(update(Rsvp).where(Rsvp.member_id == q.members["李书记"], Rsvp.answer == RsvpAnswer.LEAVE)
                        .values(leave_status=LeaveStatus.REJECTED))
        await s.execute(update(Meeting).where(Meeting.starts_at >= at(12, 1)).values(starts_at=at(1, 2, year=2027)))
    await assert_fresh(services)
    _, meetings = await direct(services)
    assert sum(m.excused for m in meetings.values()) == 0

    # Bob was away in November: L2 (20 November) is no longer his to study.
    async with services.db.transaction() as s:
        await s.execute(update(Membership).where(Membership.member_id == q.members["Bob"])
                        .values(joined_at=at(11, 25)))
    assert await bob_in_a(services, q.branch_a) == scoring.LessonTally(0, 0, 0)
    await assert_fresh(services)


async def test_a_lesson_sent_twice_in_a_quarter_counts_once(services: Services) -> None:
    """L1 is sent to 一支部 again in December: over Q4, and over the same three months as a range (which adds up its
    months), it is still one lesson for Bob (his October check-in counts), while December alone counts it."""
    q = await play_quarter(services, services.clock)
    await deliver_lesson(services.db, q.branch_a, GROUP_A, "red-first-congress", at(12, 20), key="again")
    assert await bob_in_a(services, q.branch_a) == scoring.LessonTally(2, 2, 0)
    assert await rolled(services) == await direct(services)
    months = parse("2026-10-01..2026-12-31")
    assert kept.rollup_keys(months) == (["2026-10", "2026-11", "2026-12"], False)
    assert await rolled(services, months) == await direct(services, months)
    report = await ReportService(services.db, services.clock, services.access).branch_report(
        SEC_A.telegram_user_id, q.branch_a, months)
    assert next(m.lessons for m in report.members if m.name == "Bob") == scoring.LessonTally(2, 2, 0)
    december = parse("2026-12")
    assert await rolled(services, december) == await direct(services, december)
    lessons, _ = await direct(services, december)
    async with services.db.transaction() as s:
        bob = (await s.execute(select(Membership.id).where(
            Membership.member_id == q.members["Bob"], Membership.branch_id == q.branch_a))).scalar_one()
    assert lessons[bob].lessons == scoring.LessonTally(1, 1, 0)


async def test_the_first_refresh_counts_what_was_recorded_before_it(services: Services) -> None:
    """Rows written before anything was refreshed (as after the migration, which logs every branch as changed) are
    all counted by the first report."""
    q = await play_quarter(services, services.clock)
    async with services.db.transaction() as s:
        logged = len((await s.execute(select(FigureChange.id))).all())
    assert logged > 0
    assert await bob_in_a(services, q.branch_a) == scoring.LessonTally(2, 2, 0)
    await assert_fresh(services)


async def test_the_engine_job_refreshes_at_most_once_per_interval(services: Services) -> None:
    q = await play_quarter(services, services.clock)
    job = rollups.Rollups(services.db, every_s=3600)
    assert await job.tick() is False  # wakes no dispatcher; the refresh runs beside the planner
    await job.settle()
    async with services.db.transaction() as s:
        assert (await s.execute(select(FigureChange.id))).first() is None
        await s.execute(update(Membership).where(Membership.member_id == q.members["Bob"])
                        .values(joined_at=at(11, 25)))
    await job.tick()  # within the hour: left for the next round, or for the next report
    await job.settle()
    async with services.db.transaction() as s:
        assert (await s.execute(select(FigureChange.id))).first() is not None
    assert await bob_in_a(services, q.branch_a) == scoring.LessonTally(0, 0, 0)


async def test_branch_figures_follow_records_and_are_kept_once_their_period_has_ended(services: Services) -> None:
    q = await play_quarter(services, services.clock)
    service = ReportService(services.db, services.clock, services.access)
    line = (await service.branch_report(SEC_A.telegram_user_id, q.branch_a, Q4)).branch
    assert (line.records_on_time, line.records_late) == (1, 1)
    async with services.db.transaction() as s:  # M1's record flagged 补录 by hand
        await s.execute(update(Meeting).where(Meeting.starts_at < at(11, 1)).values(recorded_late=True))
    line = (await service.branch_report(SEC_A.telegram_user_id, q.branch_a, Q4)).branch
    assert (line.records_on_time, line.records_late) == (0, 2)

    # 2027-Q1 is under way (5 January): most of its cadence is not due yet, and what is kept of it is not final.
    q1 = parse("2027-Q1")
    early = (await service.branch_report(SEC_A.telegram_user_id, q.branch_a, q1)).branch
    async with services.db.transaction() as s:
        final = (await s.execute(select(BranchPeriodFigures.final).where(
            BranchPeriodFigures.branch_id == q.branch_a, BranchPeriodFigures.period == "2027-Q1"))).scalar_one()
    assert final is False
    services.clock.set(at(4, 2, year=2027))  # the quarter has ended: every expectation of it is due now
    late = (await service.branch_report(SEC_A.telegram_user_id, q.branch_a, q1)).branch
    async with services.db.transaction() as s:
        final = (await s.execute(select(BranchPeriodFigures.final).where(
            BranchPeriodFigures.branch_id == q.branch_a, BranchPeriodFigures.period == "2027-Q1"))).scalar_one()
    assert final is True
    assert (late.cadence_due, late.cadence_met) == (8, 0) and early.cadence_due < 8
