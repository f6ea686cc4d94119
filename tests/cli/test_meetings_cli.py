"""`lesson-bot meetings record|cadence`: a meeting's record and cadence compliance from the command line."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.services.clock import FixedClock
from tests.support.records import OUTSIDER, SEC, add_meeting, branch_with_committee

ADMIN = 4242
# The CLI runs on the system clock: the meeting is on the 10th of last month, 20:00 in Shanghai.
_first = datetime.now(UTC).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
START = (_first - timedelta(days=1)).replace(day=10)


@pytest.fixture
def recorded(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """一支部 with an October 支委会, recorded the next day: (branch id, meeting id)."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))
    monkeypatch.setenv("COLUMNS", "200")

    async def setup() -> tuple[int, int]:
        services = build_services(load_settings(), FixedClock(START + timedelta(hours=14)))
        try:
            branch_id = await branch_with_committee(services)  # type: ignore[arg-type]
            meeting_id = await add_meeting(services.db, branch_id, start=START, roster_before=True)
            await services.records.submit(SEC.telegram_user_id, meeting_id, minutes="一、学习文件。",
                                          decisions="通过两项决议。")
            return branch_id, meeting_id
        finally:
            await services.db.dispose()

    return asyncio.run(setup())


def test_the_record_prints_every_field(recorded: tuple[int, int]) -> None:
    """The record shows type, topic, time in the branch's zone, 应到/实到 split 正式/预备, who was on leave and why,
    who was absent, minutes and decisions; in Chinese with --lang zh-Hans."""
    _, meeting_id = recorded
    result = CliRunner().invoke(app, ["meetings", "record", str(meeting_id)])
    assert result.exit_code == 0, result.output
    for line in ("Meeting record · Branch committee meeting", f"Time: {START:%Y-%m-%d} 20:00 – 21:30 (Asia/Shanghai)",
                 "Expected: 5 (4 full, 1 probationary)", "Present: 3 (2 full, 1 probationary)",
                 "On leave: 赵六 (出差)", "Absent: 孙八", "一、学习文件。", "通过两项决议。",
                 "Host: awaiting confirmation; recorder: awaiting confirmation."):
        assert line in result.output, line
    chinese = CliRunner().invoke(app, ["meetings", "record", str(meeting_id), "--lang", "zh-Hans"])
    assert "应到：5 人（正式党员 4 人，预备党员 1 人）" in chinese.output and "<b>" not in chinese.output
    assert "请假：赵六（出差）" in chinese.output  # each language its own brackets


def test_cadence_lists_held_and_overdue_and_refuses_a_member(recorded: tuple[int, int]) -> None:
    """Last month's 支委会 shows as held, 1 of 1; a member who is no secretary is refused with exit status 1."""
    branch_id, _ = recorded
    result = CliRunner().invoke(app, ["meetings", "cadence", "--branch", str(branch_id)])
    assert result.exit_code == 0, result.output
    month = [line for line in result.output.splitlines() if f"{START:%Y-%m}" in line and "committee" in line]
    assert len(month) == 1 and "held" in month[0] and "1/1" in month[0]
    assert "1 branches" in result.output
    refused = CliRunner().invoke(app, ["meetings", "cadence", "--as", str(OUTSIDER.telegram_user_id)])
    assert refused.exit_code == 1 and "抱歉，只有本支部书记或管理员可以执行此操作。" in refused.output


def test_review_lists_returns_and_approves_a_record_and_refuses_a_secretary(recorded: tuple[int, int]) -> None:
    """`meetings review list` shows the record waiting (round 1); a secretary is refused; `return --comment` sends
    it back (the secretary and the recorder get a message each); once answered it is still listed; `approve`
    empties the list, and `history` shows every step."""
    _, meeting_id = recorded
    listed = CliRunner().invoke(app, ["meetings", "review", "list"])
    assert listed.exit_code == 0, listed.output
    assert "一支部" in listed.output and "研究十二月工作" in listed.output and "1 waiting" in listed.output
    refused = CliRunner().invoke(app, ["meetings", "review", "list", "--as", str(SEC.telegram_user_id)])
    assert refused.exit_code == 1 and "抱歉，只有管理员可以执行此操作。" in refused.output
    returned = CliRunner().invoke(app, ["meetings", "review", "return", str(meeting_id), "--comment", "请补充决议。"])
    assert returned.exit_code == 0, returned.output
    assert f"meeting {meeting_id} returned (round 1); 2 private messages queued" in returned.output
    again = CliRunner().invoke(app, ["meetings", "review", "return", str(meeting_id), "--comment", "再次退回"])
    assert again.exit_code == 1 and "该记录已退回，正在等待支部书记处理。" in again.output
    assert "returned" in CliRunner().invoke(app, ["meetings", "review", "list"]).output
    approved = CliRunner().invoke(app, ["meetings", "review", "approve", str(meeting_id)])
    assert approved.exit_code == 0 and "approved (round 1)" in approved.output
    assert "0 waiting" in CliRunner().invoke(app, ["meetings", "review", "list"]).output
    history = CliRunner().invoke(app, ["meetings", "review", "history", str(meeting_id)])
    assert [state in history.output for state in ("submitted", "returned", "approved", "请补充决议。")] == [True] * 4
