"""The dashboard served for real: uvicorn on a free port, a migrated SQLite file, data made by the real services,
and Debian's headless chromium driven by selenium (one browser per test module)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from lesson_bot.bootstrap.dashboard import dashboard_deps
from lesson_bot.bootstrap.services import build_services
from lesson_bot.config import load_settings
from lesson_bot.services.clock import FixedClock
from lesson_bot.web.app import build_web_app
from tests.support import REPO_ROOT
from tests.support.db import IN_CI
from tests.support.records import START
from tests.support.web import (
    ADMIN,
    CHROMEDRIVER,
    CHROMIUM,
    DESK,
    TOKEN,
    Site,
    story,
)


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
    site.branch_id, site.other_branch_id, site.delivery_id, site.meeting_id, site.host_member_id = site.run(story)
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
