"""The dashboard in headless chromium, as people use it: signing in by link and as a Mini App, walking the pages,
and every forged or foreign way in refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from selenium.webdriver.common.by import By

from tests.support.records import HOST, SEC
from tests.support.web import (
    ADMIN,
    OTHER_SEC,
    TOKEN,
    Site,
    click_link,
    heading,
    press,
    refusals,
    screenshot,
    sign_in_by_link,
)


def test_an_admin_signs_in_by_link_and_walks_overview_branch_member_lesson_meeting(site: Site, browser: Any) -> None:
    """The admin sees both branches; 一支部's page lists its members, lesson and meeting; the member page, the
    lesson's per-question figures (1 of 2 right, the wrong option chosen) and the meeting's minutes follow."""
    sign_in_by_link(browser, site.login_link(ADMIN))
    assert heading(browser) == "总览"
    branches = browser.find_element(By.ID, "branches").text
    assert "一支部" in branches and "二支部" in branches
    screenshot(browser, "overview")
    click_link(browser, "一支部")
    assert heading(browser) == "一支部"
    members = browser.find_element(By.ID, "members").text
    assert all(name in members for name in ("张三", "李四", "王五", "书记老周"))
    assert "已学习：2/7" in browser.find_element(By.CSS_SELECTOR, "p.figure").text
    assert "研究十二月工作" in browser.find_element(By.ID, "meetings").text
    screenshot(browser, "branch")
    click_link(browser, "张三")
    assert heading(browser) == "张三"
    assert "按时学习 1" in browser.find_element(By.CSS_SELECTOR, "section.record").text
    screenshot(browser, "member")
    browser.back()
    press(browser, By.ID, "latest-lesson")
    questions = browser.find_element(By.ID, "questions").text.splitlines()
    assert len(questions) >= 2 and all("1/2（50%）" in row for row in questions[1:])
    assert all(row.endswith("（1）") for row in questions[1:])  # 李四's wrong option, chosen once, per question
    screenshot(browser, "lesson")
    click_link(browser, "一支部")
    click_link(browser, "研究十二月工作")
    assert heading(browser) == "支部委员会：研究十二月工作"  # Chinese text, Chinese punctuation
    assert "传达学习上级精神" in browser.find_element(By.ID, "minutes").text
    screenshot(browser, "meeting")
    press(browser, By.XPATH, "//button[@value='en']")
    assert heading(browser) == "Branch committee meeting: 研究十二月工作"
    assert browser.find_element(By.ID, "logout").text == "Sign out"
    press(browser, By.ID, "logout")
    assert heading(browser) == "Signed out"
    browser.get(f"{site.url}/branches/{site.branch_id}")
    assert heading(browser) == "Please sign in"


def test_a_secretary_opens_the_mini_app_and_another_branch_is_refused(site: Site, browser: Any) -> None:
    """二支部's secretary signs in with initData signed by the bot's token and sees only 二支部; 一支部's page,
    member and meeting are refused with a 403 page in their language, and each refusal is audited."""
    browser.delete_all_cookies()
    browser.get(f"{site.url}/app#tgWebAppData={site.init_data(OTHER_SEC).replace('&', '%26')}&tgWebAppVersion=8.0")
    assert heading(browser) == "总览"
    branches = browser.find_element(By.ID, "branches").text
    assert "二支部" in branches and "一支部" not in branches
    for path in (f"/branches/{site.branch_id}", f"/members/{site.host_member_id}", f"/meetings/{site.meeting_id}",
                 f"/branches/{site.branch_id}/lessons/{site.delivery_id}"):
        browser.get(site.url + path)
        assert heading(browser) == "无权查看", path
    assert {branch for _, branch in refusals(site, OTHER_SEC.telegram_user_id)} == {site.branch_id}
    assert len(refusals(site, OTHER_SEC.telegram_user_id)) == 4


def test_a_member_sees_only_their_own_page(site: Site, browser: Any) -> None:
    """张三 (a member) lands on their own page; their branch's page and the secretary's page are refused."""
    sign_in_by_link(browser, site.login_link(HOST))
    assert heading(browser) == "张三"
    screenshot(browser, "member-own")
    secretary = site.run(lambda s: s.dashboard.viewer(SEC.telegram_user_id)).member_id
    for path in (f"/branches/{site.branch_id}", f"/members/{secretary}", "/"):
        browser.get(site.url + path)
        assert heading(browser) == ("张三" if path == "/" else "无权查看"), path


def test_expired_and_reused_links_forged_init_data_and_a_forged_cookie_are_refused(site: Site, browser: Any) -> None:
    """Each way in that is not a fresh link or Telegram's own signature ends on a page saying what to do."""
    link = site.login_link(ADMIN)
    sign_in_by_link(browser, link)
    assert heading(browser) == "总览"
    sign_in_by_link(browser, link)
    assert heading(browser) == "此登录链接已被使用"
    assert "/dashboard" in browser.find_element(By.TAG_NAME, "main").text
    stale = site.login_link(ADMIN)
    site.clock.set(site.clock.now() + timedelta(minutes=11))
    try:
        sign_in_by_link(browser, stale)
        assert heading(browser) == "此登录链接已过期"
    finally:
        site.clock.set(site.clock.now() - timedelta(minutes=11))
    for data in (site.init_data(ADMIN, token="999999:ZYXwvuTSRqpoNMLkjiHGFedcBA987654321"),
                 site.init_data(ADMIN, age=timedelta(hours=2))):
        browser.delete_all_cookies()
        browser.get(f"{site.url}/app#tgWebAppData={data.replace('&', '%26')}")
        assert heading(browser) == "Telegram 无法确认你的身份"
    browser.get(f"{site.url}/nowhere")
    browser.delete_all_cookies()
    forged = _forged_session_cookie(site)
    browser.add_cookie({"name": "lesson_bot_session", "value": forged, "path": "/"})
    browser.get(site.url + "/")
    assert heading(browser) == "请先登录"
    assert TOKEN not in browser.page_source


def _forged_session_cookie(site: Site) -> str:
    """A session naming the admin, signed with a key that is not the server's."""
    import base64
    import json

    from itsdangerous import TimestampSigner

    payload = base64.b64encode(json.dumps({"uid": ADMIN.telegram_user_id}).encode())
    return TimestampSigner("not-the-server-secret-" * 3).sign(payload).decode()


