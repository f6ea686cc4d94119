"""/readyz and /metrics over a real database at a chosen schema revision (web/ops.py, docs/operations.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from lesson_bot.bootstrap.services import build_services
from lesson_bot.config import load_settings
from lesson_bot.db import migrate
from lesson_bot.services.clock import SystemClock
from lesson_bot.services.container import Services
from lesson_bot.web.ops import Ops, Probes

TOKEN = "metrics-token-for-the-test"


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """The services over an empty SQLite file, /metrics guarded by a token."""
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}", metrics_token=TOKEN,
                             content_dir=tmp_path)
    services = build_services(settings, SystemClock())
    try:
        yield services
    finally:
        await services.aclose()


async def test_readiness_says_what_is_missing_until_everything_is_there(services: Services) -> None:
    """A schema behind head, a bot not yet taking updates and a stop under way each make /readyz 503, with the
    reason in its body; the leadership state is reported but does not decide."""
    bot, stopping = [False], [False]
    ops = Ops(services, Probes(lambda: bot[0], lambda: False, lambda: stopping[0]))
    previous, head = migrate.revisions_oldest_first()[-2:]
    await migrate.upgrade(services.db.engine, previous)
    app = Starlette(routes=ops.routes(with_metrics=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops") as http:
        answer = await http.get("/readyz")
        assert answer.status_code == 503
        assert answer.json() == {"ready": False, "database": "ok", "bot": False, "leader": False, "stopping": False,
                                 "migrations": f"at {previous}, head is {head}: run `lesson-bot db upgrade`"}
        await migrate.upgrade(services.db.engine)
        bot[0] = True
        answer = await http.get("/readyz")
        assert answer.status_code == 200
        assert answer.json() == {"ready": True, "database": "ok", "migrations": "head", "bot": True, "leader": False,
                                 "stopping": False}
        stopping[0] = True
        assert (await http.get("/readyz")).status_code == 503


async def test_metrics_want_the_token_and_read_the_outbox_at_scrape_time(services: Services) -> None:
    """Without the bearer token /metrics answers 401; with it, the counters and the database gauges."""
    await migrate.upgrade(services.db.engine)
    ops = Ops(services, Probes(lambda: True, lambda: True, lambda: False))
    services.metrics.update_handled("callback_query", "ok", 0.003)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ops.metrics_app()), base_url="http://ops") as http:
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        answer = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    lines = set(answer.text.splitlines())
    assert {'lesson_bot_updates_total{kind="callback_query",outcome="ok"} 1.0', "lesson_bot_leader 1.0",
            'lesson_bot_outbox_messages{state="pending"} 0.0', "lesson_bot_open_dialogs 0.0",
            "lesson_bot_database_up 1.0"} <= lines
