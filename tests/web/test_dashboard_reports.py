"""The dashboard's report features in headless chromium: the overview's figures are the ReportService's, a record
is approved and another returned from the meeting page, the XLSX and the .docx download through the browser's
session and open, the charts load, the survey results show; another branch's secretary is refused all of it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from lesson_bot.domain.enums import ReviewState
from lesson_bot.domain.periods import parse
from lesson_bot.i18n import Translator
from lesson_bot.services.container import Services
from lesson_bot.services.surveys.opening import QuestionInput
from tests.support.records import SEC, START, add_meeting
from tests.support.web import (
    ADMIN,
    OTHER_SEC,
    Site,
    click_link,
    follow,
    heading,
    press,
    refusals,
    screenshot,
    sign_in_by_link,
    wait,
)

SECOND_TOPIC = "学习新修订的党章"
zh = Translator().lang("zh-Hans")


@pytest.fixture(scope="module")
def more(site: Site) -> dict[str, int]:
    """A second submitted record in 一支部 and a survey sent to both branches."""
    async def make(services: Services) -> dict[str, int]:
        meeting = await add_meeting(services.db, site.branch_id, topic=SECOND_TOPIC,
                                    start=START - timedelta(days=3), roster_before=True)
        await services.records.submit(SEC.telegram_user_id, meeting, minutes="逐条学习党章。", decisions=None)
        survey = await services.surveys.open_survey(
            ADMIN.telegram_user_id, "2026年第四季度民主测评", "2026-Q4", [QuestionInput("对支部组织生活的评价")],
            services.clock.now() + timedelta(days=7))
        return {"meeting": meeting, "survey": survey.id}
    return site.run(make)


def session(site: Site, browser: Any) -> httpx.Client:
    """An HTTP client holding the browser's session cookie (downloads land on disk in chromium, not in the test)."""
    cookie = browser.get_cookie("lesson_bot_session")
    return httpx.Client(base_url=site.url, cookies={"lesson_bot_session": cookie["value"]})


def image_loaded(browser: Any, element_id: str) -> int:
    """The picture's natural width once the browser has loaded it (0 if it failed)."""
    script = "const i = document.getElementById(arguments[0]); return i.complete ? i.naturalWidth : -1;"
    wait(browser).until(lambda d: d.execute_script(script, element_id) != -1)
    return int(browser.execute_script(script, element_id))


def table_rows(browser: Any, css: str) -> list[list[str]]:
    rows = browser.find_elements(By.CSS_SELECTOR, f"{css} tbody tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def pending(browser: Any) -> str:
    found = browser.find_elements(By.ID, "pending")
    return str(found[0].text) if found else ""


def test_an_admin_reads_the_reports_reviews_records_and_downloads_the_files(site: Site, browser: Any,
                                                                           more: dict[str, int]) -> None:
    sign_in_by_link(browser, site.login_link(ADMIN))
    assert heading(browser) == "总览"
    period = Select(browser.find_element(By.ID, "period")).first_selected_option.get_attribute("value")
    assert period == "2026-Q4"
    expected = site.run(lambda s: s.reports.org_report(ADMIN.telegram_user_id, parse(period)))
    rows = {row[1]: row for row in table_rows(browser, "section.report")}
    assert set(rows) == {"一支部", "二支部"}
    for line in expected.branches:
        assert rows[line.title][0] == str(line.rank)
        assert rows[line.title][2] == str(line.members)
        assert rows[line.title][-3] == (f"{line.scorecard.total:.1f}" if line.scorecard.total is not None else "—")
    flags = browser.find_element(By.CSS_SELECTOR, "section.report").text
    assert all(b.title in flags for b in expected.flagged)
    assert image_loaded(browser, "ranking-chart") > 0
    screenshot(browser, "overview-report")

    with session(site, browser) as http:
        response = http.get("/export.xlsx", params={"period": period})
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        book = load_workbook(io.BytesIO(response.content))
        sheet = book.worksheets[0]
        titles = [c.value for c in sheet[1]]
        assert titles[:3] == [zh.pgettext("report column", "Rank"), zh.pgettext("report column", "Branch"),
                              zh.pgettext("report column", "Members")]
        first = expected.branches[0]
        by_branch = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert by_branch[first.title][0] == first.rank
        assert by_branch[first.title][titles.index(zh.pgettext("report column", "Score"))] == first.scorecard.total
        zipped = http.get("/export.csv", params={"period": period})
        assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
            branches = archive.read("branches.csv")
        assert branches.startswith("\ufeff".encode())
        header, *lines = branches.decode("utf-8-sig").splitlines()
        assert header.split(",")[:3] == titles[:3]
        assert any(line.split(",")[1] == first.title for line in lines)
        chart = http.get("/charts/ranking.png", params={"period": period})
        assert chart.headers["content-type"] == "image/png" and "max-age" in chart.headers["cache-control"]

    click_link(browser, "一支部")
    assert image_loaded(browser, "participation-chart") > 0
    assert "研究十二月工作" in pending(browser) and SECOND_TOPIC in pending(browser)
    members = table_rows(browser, "section.report")
    report = site.run(lambda s: s.reports.branch_report(ADMIN.telegram_user_id, site.branch_id, parse(period)))
    assert [row[0] for row in members] == [m.name for m in report.members]  # rankings are off in the rules
    screenshot(browser, "branch-report")

    follow(browser, browser.find_element(By.ID, "pending").find_element(By.LINK_TEXT, "研究十二月工作"))
    wait(browser).until(lambda d: d.find_elements(By.ID, "approve"))
    with session(site, browser) as http:
        docx = http.get(f"/meetings/{site.meeting_id}/record.docx")
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        assert "研究十二月工作" in text and "传达学习上级精神" in text
    press(browser, By.ID, "approve")
    assert "研究十二月工作" in heading(browser)
    assert not browser.find_elements(By.ID, "approve")  # approved: nothing left to review here
    assert zh._("approved") in browser.find_element(By.ID, "review-history").text.splitlines()[-1]
    click_link(browser, "一支部")
    assert "研究十二月工作" not in pending(browser) and SECOND_TOPIC in pending(browser)

    follow(browser, browser.find_element(By.ID, "pending").find_element(By.LINK_TEXT, SECOND_TOPIC))
    wait(browser).until(lambda d: d.find_elements(By.ID, "reason"))
    screenshot(browser, "meeting-review")
    browser.find_element(By.ID, "reason").send_keys("缺少会议决议，请补充。")
    press(browser, By.ID, "return")
    last = browser.find_element(By.ID, "review-history").text.splitlines()
    assert zh._("returned, no answer yet") in last[-2] and "缺少会议决议，请补充。" in last[-1]
    assert not browser.find_elements(By.ID, "return")  # returned: waiting for the secretary's answer
    steps = site.run(lambda s: s.record_reviews.history(ADMIN.telegram_user_id, more["meeting"]))
    assert steps[-1].state is ReviewState.RETURNED and steps[-1].comment == "缺少会议决议，请补充。"

    browser.get(f"{site.url}/branches/{site.branch_id}/lessons/{site.delivery_id}")
    assert image_loaded(browser, "quiz-chart") > 0
    screenshot(browser, "lesson-chart")

    browser.get(f"{site.url}/surveys")
    click_link(browser, "2026年第四季度民主测评")
    areas = [a.get_attribute("id") for a in browser.find_elements(By.CSS_SELECTOR, "section.survey-area")]
    assert areas == ["area-org", f"area-{site.branch_id}", f"area-{site.other_branch_id}"]
    screenshot(browser, "survey")


def test_another_branchs_secretary_is_refused_the_exports_charts_and_the_review(site: Site, browser: Any,
                                                                              more: dict[str, int]) -> None:
    """二支部's secretary: 一支部's export, chart, record and review POST are 403 pages (audited by the services);
    their own branch's export opens, and the survey shows only 二支部's figures."""
    sign_in_by_link(browser, site.login_link(OTHER_SEC))
    assert heading(browser) == "总览"
    assert not browser.find_elements(By.ID, "ranking-chart")  # the organization's ranking is the committee's
    csrf = browser.find_element(By.NAME, "csrf_token").get_attribute("value")
    before = len(refusals(site, OTHER_SEC.telegram_user_id))
    with session(site, browser) as http:
        for path in (f"/export.xlsx?branch={site.branch_id}", "/export.xlsx",
                     f"/charts/branches/{site.branch_id}/participation.png",
                     f"/meetings/{more['meeting']}/record.docx"):
            refused = http.get(path)
            assert refused.status_code == 403, path
            assert "无权查看" in refused.text
        approve = http.post(f"/meetings/{more['meeting']}/approve", data={"csrf_token": csrf})
        assert approve.status_code == 403 and "无权查看" in approve.text
        own = http.get(f"/export.xlsx?branch={site.other_branch_id}")
        assert own.status_code == 200
        assert load_workbook(io.BytesIO(own.content)).worksheets[0]["B2"].value == "二支部"
    actions = [action for action, _ in refusals(site, OTHER_SEC.telegram_user_id)[before:]]
    assert actions.count("report.branch") == 2 and "report.org" in actions and "meeting.review_record" in actions
    steps = site.run(lambda s: s.record_reviews.history(ADMIN.telegram_user_id, more["meeting"]))
    assert all(step.state is not ReviewState.APPROVED for step in steps)
    browser.get(f"{site.url}/surveys/{more['survey']}")
    areas = [a.get_attribute("id") for a in browser.find_elements(By.CSS_SELECTOR, "section.survey-area")]
    assert areas == [f"area-{site.other_branch_id}"]


def test_a_return_without_a_reason_and_a_second_approval_are_explained(site: Site, browser: Any) -> None:
    """The reviewer sees why nothing happened: a reason is needed (400), the record was already approved (409)."""
    async def submitted(services: Services) -> int:
        meeting = await add_meeting(services.db, site.branch_id, topic="十一月组织生活会",
                                    start=START - timedelta(days=6), roster_before=True)
        await services.records.submit(SEC.telegram_user_id, meeting, minutes="开展批评与自我批评。", decisions=None)
        return int(meeting)
    meeting = site.run(submitted)
    sign_in_by_link(browser, site.login_link(ADMIN))
    browser.get(f"{site.url}/meetings/{meeting}")
    csrf = browser.find_element(By.NAME, "csrf_token").get_attribute("value")
    with session(site, browser) as http:
        empty = http.post(f"/meetings/{meeting}/return", data={"csrf_token": csrf, "reason": "  "})
        assert empty.status_code == 400 and zh._("A reason is needed") in empty.text
        assert http.post(f"/meetings/{meeting}/approve", data={"csrf_token": csrf}).status_code == 303
        again = http.post(f"/meetings/{meeting}/approve", data={"csrf_token": csrf})
        assert again.status_code == 409 and zh._("Already reviewed") in again.text
        forged = http.post(f"/meetings/{meeting}/return", data={"csrf_token": "forged", "reason": "x"})
        assert forged.status_code == 403
    steps = site.run(lambda s: s.record_reviews.history(ADMIN.telegram_user_id, meeting))
    assert [str(step.state) for step in steps] == ["submitted", "approved"]
