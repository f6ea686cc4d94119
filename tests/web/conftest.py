"""The dashboard served for real: uvicorn on a free port, a migrated SQLite file, data made by the real services,
and Debian's headless chromium driven by selenium (one browser per test module)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
import uvicorn

from lesson_bot.bootstrap.dashboard import dashboard_deps
from lesson_bot.bootstrap.services import build_services
from lesson_bot.config import Settings, load_settings
from lesson_bot.domain.webapp_auth import sign
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.container import Services
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from lesson_bot.web.app import build_web_app
from tests.conftest import IN_CI, REPO_ROOT
from tests.services.records_support import HOST, RECORDER, SEC, START, add_meeting, branch_with_committee
from tests.services.test_progress import deliver

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
ADMIN = Person(900, "Admin Wang", "admin_wang")
OTHER_SEC = Person(301, "二支部书记", "other")
ARTIFACTS = REPO_ROOT / "test-artifacts" / "dashboard"
PHONE, DESK = (390, 844), (1366, 900)
T = TypeVar("T")


@dataclass
class Site:
    """The running dashboard and the facts the tests look for."""

    url: str
    settings: Settings
    clock: FixedClock
    branch_id: int
    other_branch_id: int
    delivery_id: int
    meeting_id: int
    host_member_id: int

    def run(self, work: Callable[[Services], Awaitable[T]]) -> T:
        """Run a use case against the site's database (its own engine, in its own event loop)."""
        async def go() -> T:
            services = build_services(self.settings, self.clock)
            try:
                return await work(services)
            finally:
                await services.aclose()
        return asyncio.run(go())

    def login_link(self, person: Person) -> str:
        return self.run(lambda s: s.web_sessions.issue_login_link(person.telegram_user_id)).url

    def init_data(self, person: Person, *, token: str = TOKEN, age: timedelta = timedelta(0)) -> str:
        """initData as Telegram signs it for the bot, `age` old."""
        fields = {"query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
                  "user": json.dumps({"id": person.telegram_user_id, "first_name": person.full_name}),
                  "auth_date": str(int((self.clock.now() - age).timestamp()))}
        return urlencode({**fields, "hash": sign(fields, token)})


async def _story(services: Services) -> tuple[int, int, int, int, int]:
    """一支部 (书记老周 and six members) with a lesson two of them answered and a recorded 支委会; 二支部 apart."""
    branch_id = await branch_with_committee(services)  # type: ignore[arg-type]
    other = await services.branches.register(OTHER_SEC, -2002, "二支部", "Asia/Shanghai", "zh-Hans",
                                             is_group_admin=True)
    meeting_id = await add_meeting(services.db, branch_id, roster_before=True)
    await services.records.submit(SEC.telegram_user_id, meeting_id, decisions="按期召开党员大会。",
                                  minutes="一、传达学习上级精神。\n二、研究十二月工作。")
    now = services.clock.now()
    lesson = await deliver(services.db, branch_id, -1001, "red-first-congress", now - timedelta(hours=2))
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(lesson.delivery_id, -1001, HOST)
    await recorder.record_checkin(lesson.delivery_id, -1001, RECORDER)
    for index, right in enumerate(lesson.correct):
        await recorder.record_answer(lesson.polls[index], HOST, [right])
        await recorder.record_answer(lesson.polls[index], RECORDER, [(right + 1) % len(lesson.options[index])])
    await recorder.aclose()
    host = await services.dashboard.viewer(HOST.telegram_user_id)
    assert host.member_id is not None
    return branch_id, other.id, lesson.delivery_id, meeting_id, host.member_id


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = tmp_path_factory.mktemp("web") / "lesson_bot.db"
    shutil.copyfile(sqlite_template, db)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{db}", admin_ids=str(ADMIN.telegram_user_id),
                             public_url=url, session_secret="w" * 48, bot_token=TOKEN,
                             content_dir=REPO_ROOT / "content")
    clock = FixedClock(START + timedelta(days=1))
    site = Site(url, settings, clock, 0, 0, 0, 0, 0)
    site.branch_id, site.other_branch_id, site.delivery_id, site.meeting_id, site.host_member_id = site.run(_story)
    services = build_services(settings, clock)
    # The socket listens before the thread starts: a request waits in its backlog, so no start-up wait is needed.
    sock.listen(64)
    app = build_web_app(services, None, dashboard_deps(services))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))

    async def serve() -> None:
        try:
            await server.serve(sockets=[sock])
        finally:
            await services.aclose()  # in the server's loop, where its connections were opened

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium via chromedriver, both Debian's (selenium-manager downloads nothing: paths are given)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        message = f"{CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={DESK[0]},{DESK[1]}", "--lang=zh-CN"):
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, name: str) -> None:
    """The page at phone and desk widths, full height, kept under test-artifacts/dashboard/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("phone", PHONE), ("desk", DESK)):
        driver.set_window_size(width, height)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, int(full)))
        driver.save_screenshot(str(ARTIFACTS / f"{name}-{label}.png"))
    driver.set_window_size(*DESK)

