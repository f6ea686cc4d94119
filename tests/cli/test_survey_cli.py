"""`lesson-bot survey open|list|results`: a survey opened, listed and its results read from the command line."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from lesson_bot.bootstrap.services import build_services
from lesson_bot.cli import app
from lesson_bot.config import load_settings
from lesson_bot.db.models import OutboxMessage
from lesson_bot.domain.messages import Sent
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.surveys.closing import record_sent, tick_close_surveys
from tests.support.records import SEC, branch_with_committee

ADMIN = 4242
# The CLI runs on the system clock: the survey closes a week from now.
CLOSES = (datetime.now(UTC) + timedelta(days=7)).replace(second=0, microsecond=0)


@pytest.fixture
def branch(migrated_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """一支部 with its secretary and six members; the database URL."""
    monkeypatch.setenv("LESSON_BOT_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LESSON_BOT_ADMIN_IDS", str(ADMIN))
    monkeypatch.setenv("COLUMNS", "200")

    async def setup() -> None:
        services = build_services(load_settings(), FixedClock(datetime.now(UTC)))
        try:
            await branch_with_committee(services)  # type: ignore[arg-type]
        finally:
            await services.db.dispose()

    asyncio.run(setup())
    return migrated_db_url


async def _close_with_votes(counts: list[list[int]]) -> None:
    """What the engine does: the polls sent, then at the close stopped, Telegram answering these counts."""
    services = build_services(load_settings(), FixedClock(CLOSES))
    try:
        async with services.db.transaction() as s:
            polls = (await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("sv:%"),
                                                                  OutboxMessage.seq > 0)
                                     .order_by(OutboxMessage.seq))).scalars().all()
            for row in polls:
                await record_sent(s, row.chat_id, row.payload["meta"], Sent(row.seq, {"poll_id": str(row.seq)}),
                                  CLOSES)
        await tick_close_surveys(services.db, CLOSES)
        async with services.db.transaction() as s:
            stops = (await s.execute(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("sv:stop:%"))
                                     .order_by(OutboxMessage.id))).scalars().all()
            for row, tally in zip(stops, counts, strict=True):
                await record_sent(s, row.chat_id, row.payload["meta"], Sent(0, {"counts": tally}), CLOSES)
    finally:
        await services.db.dispose()


def test_an_admin_opens_lists_and_reads_a_survey(branch: str) -> None:
    """`survey open` with two questions on the five-point scale opens a survey in the one branch; `survey list`
    shows it; after the close `survey results` prints the counts per option, votes against the roster of 7 and the
    index, for the organization and the branch."""
    runner = CliRunner()
    opened = runner.invoke(app, ["survey", "open", "--title", "年度测评", "--period", "2026", "--question", "总体评价",
                                 "--question", "组织生活", "--scale", "five",
                                 "--closes", f"{CLOSES:%Y-%m-%d %H:%M}", "--tz", "UTC"])
    assert opened.exit_code == 0, opened.output
    found = re.search(r"survey (\d+) opened: 2 question\(s\) to 1 branch group\(s\)", opened.output)
    assert found, opened.output  # the id is the database's: a reused PostgreSQL test database does not restart at 1
    listed = runner.invoke(app, ["survey", "list"])
    assert listed.exit_code == 0 and "年度测评" in listed.output and "open" in listed.output
    asyncio.run(_close_with_votes([[3, 2, 1, 0, 0], [0, 0, 0, 0, 2]]))
    result = runner.invoke(app, ["survey", "results", found[1], "--lang", "zh-Hans"])
    assert result.exit_code == 0, result.output
    assert "(counted)" in result.output
    lines = result.output.splitlines()
    first = next(line for line in lines if "1. 总体评价" in line)
    assert "5 非常满意 3 · 4 满意 2 · 3 一般 1 · 2 不满意 0 · 1 很不满意 0" in first
    assert "│ 6 " in first and "│ 7 " in first and "86%" in first and "83.3" in first  # (300+150+50)/6
    second = next(line for line in lines if "2. 组织生活" in line)
    assert "29%" in second and "0.0" in second


def test_the_cli_refuses_a_secretary_and_a_question_too_long_for_a_poll(branch: str) -> None:
    """A secretary may not open a survey; a 301-character question is refused with the poll limit; both exit 1."""
    runner = CliRunner()
    base = ["survey", "open", "--title", "测评", "--closes", f"{CLOSES:%Y-%m-%d %H:%M}", "--tz", "UTC"]
    refused = runner.invoke(app, [*base, "--question", "总体评价", "--as", str(SEC.telegram_user_id)])
    assert refused.exit_code == 1 and "抱歉，只有管理员可以执行此操作。" in refused.output
    long = runner.invoke(app, [*base, "--question", "问" * 301])
    assert long.exit_code == 1 and "--question: 第 1 个问题太长，投票问题最多 300 个字符。" in long.output
