"""The command line speaks in words: the bot's own sentences for a mistake (naming the argument or flag), distinct
answers from `schedule skip`, flags shown as flags in --help, and `meetings list` with the ids `meetings record`
takes. Each test runs the real CLI against a real database file."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.db import outbox as db_outbox
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.domain.messages import Text
from lesson_bot.services.clock import FixedClock, SystemClock
from lesson_bot.services.meetings.calls import outbox_prefix
from lesson_bot.services.views import Person
from tests.support.cli import ADMIN, library_and_branch
from tests.support.records import CHAT, SEC, add_meeting, branch_with_committee

# A Monday far enough ahead that the weekly series below is still running then.
MONDAY = date(2030, 1, 7)


@pytest.fixture
def branch_id(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """The lesson library and one branch (in Berlin); the CLI speaks the default language, zh-Hans."""
    monkeypatch.setenv("COLUMNS", "200")
    return library_and_branch(migrated_db_url, monkeypatch)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_mistakes_are_told_in_the_bots_words_naming_the_flag(branch_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A time with no time of day, a schedule with neither --lesson nor --series, and a refusal read as the bot
    would say them (in Chinese by default, in English with LESSON_BOT_DEFAULT_LOCALE=en), never as codes."""
    branch = str(branch_id)
    code, said = run("schedule", "add", "--branch", branch, "--series", "红色足迹", "明天")
    assert code == 1
    assert said.strip() == "WHEN: 时间：“明天”里没有具体时刻。请加上时刻，例如：明天 20:00、每周一 20:00。"
    code, said = run("schedule", "add", "--branch", branch, "every Monday 09:00")
    assert code == 1
    assert said.strip() == "--lesson: 请说明要排什么课：--lesson ID（一课）或 --series NAME（整个系列）。"
    code, said = run("branches", "--as", "555")
    assert code == 1 and said.splitlines()[0] == "抱歉，只有支部书记和管理员可以执行此操作。"
    assert "any_secretary" not in said and "refused" not in said
    monkeypatch.setenv("LESSON_BOT_DEFAULT_LOCALE", "en")
    code, said = run("schedule", "add", "--branch", branch, "--series", "红色足迹", "blah")
    assert code == 1
    assert said.strip() == "WHEN: Time: “blah” has no time of day. Add one, e.g. 明天 20:00 or every Monday 20:00."
    code, said = run("schedule", "add", "--branch", branch, "--series", "no such series", "every Monday 09:00")
    assert code == 1
    assert said.strip() == ("Series: there is no series “no such series”. Tap one of the buttons or type its "
                            "number.")
    code, said = run("branches", "--as", "555")
    assert said.splitlines() == ["Sorry, only branch secretaries and admins can do this.",
                                 "The command acts as the Telegram user given with --as (by default the first of "
                                 "LESSON_BOT_ADMIN_IDS)."]


def test_skip_tells_a_lesson_day_an_empty_day_and_a_repeat_apart(branch_id: int) -> None:
    """Skipping a Monday of a weekly series names the lesson it holds back; a Tuesday holds back nothing; the same
    Monday again changes nothing; each says so in its own words."""
    branch = str(branch_id)
    code, added = run("schedule", "plan", "--branch", branch, "--series", "红色足迹", "--start", MONDAY.isoformat(),
                      "every Monday 09:00")
    assert code == 0, added
    schedule_id = added.split()[1].rstrip(":")
    code, lesson_day = run("schedule", "skip", "--branch", branch, MONDAY.isoformat())
    assert code == 0, lesson_day
    head, held = lesson_day.strip().splitlines()
    assert head == "2030-01-07 已设为休息日：当天不发送任何定期内容。因此暂停："
    assert held.startswith("  09:00  课程“") and held.endswith(f"”（排课 #{schedule_id}）")
    code, empty_day = run("schedule", "skip", "--branch", branch, (MONDAY + timedelta(days=1)).isoformat())
    assert empty_day.strip() == ("2030-01-08 已设为休息日，但本支部没有定期课程或会议落在这一天：当天没有变化。")
    code, repeat = run("schedule", "skip", "--branch", branch, MONDAY.isoformat())
    assert code == 0 and repeat.strip() == "2030-01-07 已经是本支部的休息日；没有变化。"


def test_help_shows_flags_as_flags() -> None:
    """`--help` shows a boolean option as a flag (--once, --dashboard/--no-dashboard), never as `--once <bool>`."""
    for command in (["demo", "--help"], ["schedule", "plan", "--help"], ["run", "--help"]):
        result = CliRunner().invoke(app, command, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output, result.output
    demo = CliRunner().invoke(app, ["demo", "--help"], env={"COLUMNS": "200"}).output
    assert "--once " in demo and "--no-dashboard" in demo and "<int>" in demo


@pytest.fixture
def meetings(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """A committee branch with a meeting held on the 1st (recorded) and one called for three days ahead:
    (branch id, past meeting id, upcoming meeting id)."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))
    monkeypatch.setenv("COLUMNS", "200")
    held = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    coming = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)

    async def setup() -> tuple[int, int, int]:
        services = build_services(load_settings(), FixedClock(held + timedelta(hours=14)))
        try:
            branch = await branch_with_committee(services)  # type: ignore[arg-type]
            past = await add_meeting(services.db, branch, start=held, roster_before=True)
            await services.records.submit(SEC.telegram_user_id, past, minutes="一、学习文件。", decisions="无")
            upcoming = await add_meeting(services.db, branch, start=coming, topic="学习全会精神", signed=(),
                                         leave=(), closed=False)
            return branch, past, upcoming
        finally:
            await services.db.dispose()

    return asyncio.run(setup())


def test_meetings_list_shows_the_ids_that_record_takes(meetings: tuple[int, int, int]) -> None:
    """`meetings list` shows the coming meeting with its id and local time; `--past` the one held, recorded;
    `meetings record ID` with an id from the list shows it with that ID; a member who is no secretary is refused."""
    branch, past, upcoming = meetings
    code, coming = run("meetings", "list", "--branch", str(branch))
    assert code == 0, coming
    [row] = [line for line in coming.splitlines() if "学习全会精神" in line]
    assert f" {upcoming} " in row and "Branch committee meeting" in row and "scheduled" in row
    assert "not recorded" in row and "研究十二月工作" not in coming
    assert "Meetings held: the same command with --past." in coming
    code, held = run("meetings", "list", "--branch", str(branch), "--past", "--lang", "zh-Hans")
    assert code == 0, held
    [row] = [line for line in held.splitlines() if "研究十二月工作" in line]
    assert f" {past} " in row and "2026-12-01 20:00" in row and "支部委员会" in row and "已召开" in row
    assert "待审阅" in row  # submitted, so waiting for the committee's review
    assert "已开的会议" in held and "学习全会精神" not in held
    code, record = run("meetings", "record", str(past))
    assert code == 0 and f"· ID {past}" in record.splitlines()[0]
    code, refused = run("meetings", "list", "--branch", str(branch), "--as", "555")
    assert code == 1 and refused.startswith("抱歉，只有本支部书记或管理员可以执行此操作。")


def test_cadence_in_chinese_is_chinese_throughout(meetings: tuple[int, int, int]) -> None:
    """`meetings cadence --lang zh-Hans`: title, headers, types, states and the summary line all in Chinese."""
    branch, _, _ = meetings
    code, said = run("meetings", "cadence", "--branch", str(branch), "--lang", "zh-Hans")
    assert code == 0, said
    assert "三会一课落实情况" in said and "截止日期" in said and "✅ 已开" in said.replace("已开 ", "已开")
    assert "共 1 个支部" in said
    for english in ("branch", "period", "held", "overdue", "due soon", "committee", "cadence"):
        assert english not in said, english


def test_roster_show_wraps_long_names(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On a narrow terminal `roster show` wraps a long name onto further lines instead of cutting it with …."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))

    async def setup() -> int:
        services = build_services(load_settings(), SystemClock())
        try:
            branch = await services.branches.register(Person(7, "Wang"), -100, "一支部", "Asia/Shanghai", "zh-Hans",
                                                      is_group_admin=True)
            return branch.id
        finally:
            await services.db.dispose()

    branch = asyncio.run(setup())
    long_name = "Alexandrina Maximiliana Konstantinopolous-Vanderbilt"
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,telegram,role,status\n{long_name},@alex,member,full\n", encoding="utf-8")
    assert run("roster", "import", str(roster), "--branch", str(branch))[0] == 0
    result = CliRunner().invoke(app, ["roster", "show", "--branch", str(branch)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    for word in ("Alexandrina", "Maximiliana", "Konstantino", "nderbilt"):  # a word longer than the column folds
        assert word in result.output, result.output


def test_deliveries_show_local_times_and_what_each_message_is_about(meetings: tuple[int, int, int]) -> None:
    """`deliveries` shows each message's due time in the branch's zone (Shanghai, UTC+8) and the meeting it is
    about, where it used to show a UTC instant and a kind alone."""
    branch, _, upcoming = meetings
    due = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)

    async def enqueue() -> None:
        services = build_services(load_settings(), SystemClock())
        try:
            async with services.db.transaction() as s:
                await db_outbox.enqueue(s, [OutboxItem(f"{outbox_prefix(upcoming)}notice", CHAT, "notice",
                                                       Text("x", html=False), due, "g", branch_id=branch)])
        finally:
            await services.db.dispose()

    asyncio.run(enqueue())
    code, said = run("deliveries", "--branch", str(branch))
    assert code == 0, said
    [row] = [line for line in said.splitlines() if "学习全会精神" in line]
    local = due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{local:%Y-%m-%d %H:%M}" in row and "notice" in row and "pending" in row
    assert due.isoformat(timespec="minutes") not in said
    assert "(due: Asia/Shanghai)" in said
