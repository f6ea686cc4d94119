"""`lesson-bot schedule preview|add|cancel|skip|upcoming`: scheduling lessons, and the meeting series, from the
command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.db.models import Meeting, Schedule
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.container import Services
from lesson_bot.services.meetings.calls import MeetingDraft
from tests.support.cli import ADMIN, library_and_branch


@pytest.fixture
def branch_id(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    return library_and_branch(migrated_db_url, monkeypatch)


def test_preview_add_skip_and_cancel(branch_id: int) -> None:
    """A weekly series previews in the branch's zone, is added, a holiday is set, and it can be cancelled."""
    runner = CliRunner()
    preview = runner.invoke(app, ["schedule", "preview", "--branch", str(branch_id), "every Monday 09:00"])
    assert preview.exit_code == 0, preview.output
    assert "09:00 Mon (CET)" in preview.output
    added = runner.invoke(app, ["schedule", "add", "--branch", str(branch_id), "--series", "红色足迹",
                                "every Monday 09:00"])
    assert added.exit_code == 0, added.output
    schedule_id = added.output.split()[1].rstrip(":")
    skipped = runner.invoke(app, ["schedule", "skip", "--branch", str(branch_id), "2026-12-07", "--reason", "holiday"])
    assert skipped.exit_code == 0
    again = runner.invoke(app, ["schedule", "preview", "--branch", str(branch_id), "every Monday 09:00"])
    assert "2026-12-07" not in again.output and "2026-12-14" in again.output
    cancelled = runner.invoke(app, ["schedule", "cancel", schedule_id])
    assert cancelled.exit_code == 0 and f"schedule {schedule_id} cancelled" in cancelled.output
    twice = runner.invoke(app, ["schedule", "cancel", schedule_id])
    assert twice.exit_code == 1
    assert f"排期 #{schedule_id} 已取消，无需再操作。" in twice.output


def test_a_bad_time_names_the_field(branch_id: int) -> None:
    """Text that is not a time is refused, naming the 'when' field, with exit status 1."""
    result = CliRunner().invoke(app, ["schedule", "add", "--branch", str(branch_id), "--series", "红色足迹", "someday"])
    assert result.exit_code == 1
    assert result.output.startswith("WHEN: 时间：")


def test_plan_a_series_and_list_what_is_upcoming(branch_id: int) -> None:
    """`plan --dry-run` shows each lesson's date and schedules nothing; `plan` schedules the series, which
    `upcoming` then lists in the branch's local time (Europe/Berlin)."""
    runner = CliRunner()
    args = ["schedule", "plan", "--branch", str(branch_id), "--series", "红色足迹", "--start", "2030-01-07",
            "every Monday 09:00"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2030-01-07 09:00 Mon  中共一大：开天辟地的大事变" in dry.output
    assert "2030-02-04 09:00 Mon  长征：理想信念的伟大远征" in dry.output
    empty = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id)])
    assert empty.exit_code == 0 and "nothing scheduled for 一支部" in empty.output
    planned = runner.invoke(app, args)
    assert planned.exit_code == 0, planned.output
    assert planned.output.startswith("schedule ") and "Every Monday at 09:00 (Europe/Berlin)" in planned.output
    listed = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id), "--limit", "2"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "一支部 (Europe/Berlin):"
    assert "2030-01-07 09:00 Mon" in lines[1] and "中共一大" in lines[1]
    assert "2030-01-14 09:00 Mon" in lines[2] and "南昌起义" in lines[2]


def test_plan_refuses_a_one_off_time_and_a_stranger(branch_id: int) -> None:
    """A series needs a repeating time (exit 1, naming 'when'); someone who is not a secretary is refused."""
    runner = CliRunner()
    once = runner.invoke(app, ["schedule", "plan", "--branch", str(branch_id), "--series", "红色足迹",
                               "2030-01-07 09:00"])
    assert once.exit_code == 1 and once.output.startswith("WHEN: 时间：“2030-01-07 09:00”是一次性的时间")
    stranger = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id), "--as", "555"])
    assert stranger.exit_code == 1 and "抱歉，只有本支部书记或管理员可以执行此操作。" in stranger.output


def test_upcoming_lists_the_meeting_series_until_it_is_cancelled(branch_id: int) -> None:
    """A weekly 支委会 series: `upcoming` lists its called meeting and the series with the next start it will call
    (Europe/Berlin wall time); once the series is cancelled, only the meeting already called is listed."""
    berlin = ZoneInfo("Europe/Berlin")
    local = (datetime.now(berlin) + timedelta(days=3)).replace(hour=19, minute=30, second=0, microsecond=0)

    async def call() -> tuple[int, int]:
        services = build_services(load_settings(), SystemClock())
        try:
            view = await services.meetings.call(ADMIN, branch_id, MeetingDraft(
                "committee", "Budget review", local.astimezone(UTC), 90, repeat="weekly"))
            return view.id, await _series_of(services, view.id)
        finally:
            await services.db.dispose()

    meeting_id, series_id = asyncio.run(call())
    runner = CliRunner()
    listed = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id)])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "一支部 (Europe/Berlin):"
    assert (f"  {local:%Y-%m-%d %H:%M %a}  meeting {meeting_id}  Branch committee meeting: Budget review "
            f"(series {series_id})") in lines
    following = local.replace(tzinfo=None) + timedelta(days=7)  # the same wall time, across a DST change too
    assert (f'meeting series {series_id}: Branch committee meeting "Budget review", Every {local:%A} at 19:30 '
            f"(Europe/Berlin); next {following:%Y-%m-%d %H:%M %a}") in lines
    cancelled = runner.invoke(app, ["schedule", "cancel", str(series_id)])
    assert cancelled.exit_code == 0 and f"schedule {series_id} cancelled" in cancelled.output
    after = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id)])
    assert after.exit_code == 0, after.output
    assert f"meeting {meeting_id}  Branch committee meeting" in after.output
    assert "meeting series" not in after.output


def test_upcoming_shows_a_broken_schedule_with_its_reason(branch_id: int) -> None:
    """A series whose zone vanished from the zone data is listed as broken, with the reason and how to end it,
    instead of being left out; cancelling it clears the listing."""
    runner = CliRunner()
    added = runner.invoke(app, ["schedule", "add", "--branch", str(branch_id), "--series", "红色足迹",
                                "every Monday 09:00"])
    assert added.exit_code == 0, added.output
    schedule_id = int(added.output.split()[1].rstrip(":"))

    async def corrupt() -> None:
        services = build_services(load_settings(), SystemClock())
        try:
            async with services.db.transaction() as s:
                await s.execute(update(Schedule).where(Schedule.id == schedule_id).values(timezone="Europe/Atlantis"))
        finally:
            await services.db.dispose()

    asyncio.run(corrupt())
    listed = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id)])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[1] == (
        f"BROKEN schedule {schedule_id}: 红色足迹: its time zone “Europe/Atlantis” is not known (any more); it sends "
        f"nothing: cancel it with `lesson-bot schedule cancel {schedule_id}` and schedule it again")
    assert runner.invoke(app, ["schedule", "cancel", str(schedule_id)]).exit_code == 0
    after = runner.invoke(app, ["schedule", "upcoming", "--branch", str(branch_id)])
    assert after.output == "nothing scheduled for 一支部\n"


async def _series_of(services: Services, meeting_id: int) -> int:
    async with services.db.transaction() as s:
        series_id = (await s.execute(select(Meeting.schedule_id).where(Meeting.id == meeting_id))).scalar_one()
    assert series_id is not None
    return series_id


def test_a_date_in_the_year_9999_is_one_clear_line(branch_id: int) -> None:
    """`schedule preview` of 9999-12-31 20:00 exits 1 naming the time's problem, without a traceback."""
    result = CliRunner().invoke(app, ["schedule", "preview", "--branch", str(branch_id), "9999-12-31 20:00"])
    assert result.exit_code == 1, result.output
    assert "WHEN: 时间：“9999-12-31”太远了，请选择 10 年以内的日期。" in result.output
    assert "Traceback" not in result.output


def test_an_id_past_int64_is_refused_at_the_parse(branch_id: int) -> None:
    """--branch, --as and a schedule id past 2**63-1 are usage errors naming the option, never a traceback."""
    huge = "99999999999999999999"
    for args in (["schedule", "preview", "--branch", huge, "明天 20:00"],
                 ["schedule", "preview", "--branch", str(branch_id), "--as", huge, "明天 20:00"],
                 ["schedule", "cancel", huge], ["roster", "show", "--branch", huge]):
        result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for" in result.output and "9223372036854775807" in result.output
