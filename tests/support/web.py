"""The dashboard under test: its site, the people on it, initData signing and screenshots (tests/web)."""


from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from lesson_bot.bootstrap.services import build_services
from lesson_bot.config import Settings
from lesson_bot.db.models import AuditEntry
from lesson_bot.domain.enums import AuditOutcome
from lesson_bot.domain.webapp_auth import sign
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.container import Services
from lesson_bot.services.participation.recorder import ParticipationRecorder
from lesson_bot.services.views import Person
from tests.support import REPO_ROOT
from tests.support.progress import deliver_lesson
from tests.support.records import HOST, RECORDER, SEC, add_meeting, branch_with_committee

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


async def story(services: Services) -> tuple[int, int, int, int, int]:
    """一支部 (书记老周 and six members) with a lesson two of them answered and a recorded 支委会; 二支部 apart."""
    branch_id = await branch_with_committee(services)  # type: ignore[arg-type]
    other = await services.branches.register(OTHER_SEC, -2002, "二支部", "Asia/Shanghai", "zh-Hans",
                                             is_group_admin=True)
    meeting_id = await add_meeting(services.db, branch_id, roster_before=True)
    await services.records.submit(SEC.telegram_user_id, meeting_id, decisions="按期召开党员大会。",
                                  minutes="一、传达学习上级精神。\n二、研究十二月工作。")
    now = services.clock.now()
    lesson = await deliver_lesson(services.db, branch_id, -1001, "red-first-congress", now - timedelta(hours=2))
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


def screenshot(driver: Any, name: str) -> None:
    """The page at phone and desk widths, full height, kept under test-artifacts/dashboard/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("phone", PHONE), ("desk", DESK)):
        driver.set_window_size(width, height)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, int(full)))
        driver.save_screenshot(str(ARTIFACTS / f"{name}-{label}.png"))
    driver.set_window_size(*DESK)


def wait(driver: Any) -> WebDriverWait[Any]:
    """An explicit wait on the page (no sleeps)."""
    return WebDriverWait(driver, 15)


def sign_in_by_link(driver: Any, link: str) -> None:
    """Open the link as a fresh visitor and tap "Sign in"."""
    driver.delete_all_cookies()
    driver.get(link)
    press(driver, By.ID, "sign-in")


def heading(driver: Any) -> str:
    """The page's h1, once it is there."""
    return str(wait(driver).until(ec.presence_of_element_located((By.TAG_NAME, "h1"))).text)


def click_link(driver: Any, text: str) -> None:
    """Follow a link and wait for the page it leads to."""
    follow(driver, driver.find_element(By.LINK_TEXT, text))


def press(driver: Any, by: str, what: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    follow(driver, driver.find_element(by, what))


def follow(driver: Any, element: Any) -> None:
    """Click once and wait until the page the click leads to has replaced this one."""
    old = driver.find_element(By.TAG_NAME, "h1")
    element.click()
    wait(driver).until(lambda _: replaced(old))


def replaced(element: Any) -> bool:
    """Whether `element`'s page is gone: selenium's staleness_of, plus chromedriver's other way of saying so.

    Asked about a node of a document that navigation has just replaced, chromedriver can answer with an inspector
    error ("Node with given id does not belong to the document") rather than a stale-element error; both mean the
    old page is gone. Any other error is a real failure and is raised.
    """
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return True
        raise
    return False


def refusals(site: Site, actor: int) -> list[tuple[str, int | None]]:
    """The refusals audited for `actor`: (action, branch id)."""
    async def read(services: Services) -> list[tuple[str, int | None]]:
        async with services.db.transaction() as s:
            rows = (await s.execute(select(AuditEntry).where(AuditEntry.actor_telegram_id == actor,
                                                             AuditEntry.outcome == AuditOutcome.REFUSED))).scalars()
            return [(r.action, r.branch_id) for r in rows]
    return site.run(read)
