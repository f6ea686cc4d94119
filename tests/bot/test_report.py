"""/report in the real bot over the sandbox: the scripted quarter of tests/services/reports_support.py (2026-Q4,
一支部 and 二支部), read by an admin, a secretary and a member, in Chinese and in English; in a group it answers in
private. The XLSX is opened from the sandbox's stored file and checked cell by cell against the report service."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from lesson_bot.domain.periods import parse
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.reports.sheets import Sheet, branch_sheets, member_sheets, org_sheets
from tests.support.bot import ADMIN_ID, Harness, registered_branch
from tests.support.reports import BOB, SEC_A, play_quarter

Q4 = parse("2026-Q4")


def fixed_clock(h: Harness) -> FixedClock:
    """The harness's clock, which the test moves."""
    assert isinstance(h.services.clock, FixedClock)
    return h.services.clock


async def _started(h: Harness, user_id: int, name: str, language_code: str = "zh-hans") -> int:
    await h.control.create_user(name, username=f"u{user_id}", user_id=user_id, language_code=language_code)
    await h.start(user_id)
    return user_id


def _labels(message: dict[str, Any]) -> list[str]:
    return [button["text"] for row in message["buttons"] for button in row]


def _stored(h: Harness, message: dict[str, Any]) -> Any:
    return h.sb.state.files[message["media"]["file_id"]]


def _assert_cells(content: bytes, sheets: list[Sheet], titles: list[str]) -> None:
    """Each sheet of the workbook: its translated name, and every cell below the header equal to the report's."""
    book = load_workbook(io.BytesIO(content))
    assert [ws.title for ws in book.worksheets] == titles
    for sheet, ws in zip(sheets, book.worksheets, strict=True):
        cells = [tuple(cell.value for cell in row) for row in ws.iter_rows(min_row=2)]
        expected = [tuple(None if value == "" else value for value in row) for row in sheet.rows]
        # A float is kept to Excel's 15 significant digits; everything else exactly.
        assert [tuple(pytest.approx(v, rel=1e-14) if isinstance(v, float) else v for v in row)
                for row in expected] == cells


async def test_an_admin_picks_last_quarter_and_the_organization(harness: Harness) -> None:
    """The admin's picker counts from today in Shanghai (5 January 2027); for 2026-Q4 they choose the organization
    and get its summary (both branches ranked and flagged under 60, no earlier score), the ranking chart and an
    XLSX whose every cell is the report's."""
    h = harness
    await play_quarter(h.services, fixed_clock(h))
    admin = await _started(h, ADMIN_ID, "Admin")
    [picker] = await h.say(admin, admin, "/report")
    assert picker["text"].startswith("报告：选择哪个时期？")
    assert _labels(picker) == ["本月（2027-01）", "上月（2026-12）", "本季度（2027-Q1）", "上季度（2026-Q4）",
                               "今年（2027）"]
    await h.tap(admin, picker["message_id"], admin, picker["buttons"][3][0]["callback_data"])
    [choice] = await h.bot_messages(admin, picker["message_id"])
    assert choice["text"] == "2026-Q4 的报告：选择哪一份？"
    assert _labels(choice) == ["全组织（所有支部）", "一支部", "二支部"]
    await h.tap(admin, choice["message_id"], admin, choice["buttons"][0][0]["callback_data"])
    summary, photo, document = await h.bot_messages(admin, choice["message_id"], 3)

    report = await h.services.reports.org_report(admin, Q4)
    second, first = report.branches  # 二支部 ranks first
    assert summary["text"].splitlines() == [
        "组织考评报告（2026-Q4，2026-10-01 至 2026-12-31）",
        "支部 2 个，党员 6 人次。课程完成率 44%，答题正确率 50%，会议出勤率 57%。",
        "",
        "支部考评得分排名（与 2026-Q3 相比）",
        f"1. ⚠️ 二支部：{round(second.scorecard.total or 0, 1):g}（上期无得分）",
        f"2. ⚠️ 一支部：{round(first.scorecard.total or 0, 1):g}（上期无得分）",
        "",
        "低于 60 分（2 个）：二支部、一支部",
    ]
    chart = _stored(h, photo)
    assert photo["media"]["kind"] == "photo" and chart.content.startswith(b"\x89PNG") and chart.width > 0
    workbook = _stored(h, document)
    assert workbook.file_name == "report-2026-Q4-全组织.xlsx"
    assert document["text"] == "全组织，2026-Q4：全部数据，每个层级一张工作表。"
    _assert_cells(workbook.content, org_sheets(report), ["支部", "测评计分", "趋势", "党员"])
    assert h.unhandled() == []


async def test_a_secretary_gets_their_branch_only(harness: Harness) -> None:
    """李书记 types the period; with one branch there is nothing to choose: 一支部's totals, rates, score and rank,
    its four members side by side (flagged ones marked), and its XLSX; 二支部 appears nowhere."""
    h = harness
    q = await play_quarter(h.services, fixed_clock(h))
    li = await _started(h, SEC_A.telegram_user_id, "李书记")
    summary, photo, document = await h.say(li, li, "/report 2026-Q4", replies=3)
    assert summary["text"].splitlines() == [
        "一支部报告（2026-Q4，2026-10-01 至 2026-12-31）",
        "党员 4 名，积分合计 19。",
        "课程：应学 7 人次，已学 4（按时 2，补学 2），完成率 43%",
        "答题：首次作答答对 1/3（33%）",
        "会议：召开 2 次，出勤率 57%（出席 3，迟到 1，请假 1，缺席 2）",
        "会议记录：按时 1，补录 1，缺 0；三会一课：应开 8，已开 1",
        "考评得分：38.4，在 2 个支部中排第 2 ⚠️",
        "",
        "党员",
        "⚠️ 李书记：积分 0；课程 0/2；答题 0/0；会议 0/2",
        "Bob：积分 9；课程 2/2；答题 1/2；会议 1/2",
        "⚠️ Carol：积分 6；课程 1/2；答题 0/1；会议 2/2",
        "Dan：积分 4；课程 1/1；答题 0/0；会议 1/1",
    ]
    assert photo["media"]["kind"] == "photo"
    workbook = _stored(h, document)
    assert workbook.file_name == "report-2026-Q4-一支部.xlsx"
    report = await h.services.reports.branch_report(li, q.branch_a, Q4)
    _assert_cells(workbook.content, branch_sheets(report), ["支部", "测评计分", "党员"])
    assert "二支部" not in summary["text"] and b"\xe4\xba\x8c\xe6\x94\xaf\xe9\x83\xa8" not in workbook.content


async def test_a_member_gets_only_themselves_and_a_bad_period_is_explained(harness: Harness) -> None:
    """Bob picks last quarter and gets his own report at once (no choice to make): his points and rates, a chart
    of his rates and his one-row XLSX. A period he mistyped is explained."""
    h = harness
    await play_quarter(h.services, fixed_clock(h))
    bob = await _started(h, BOB.telegram_user_id, "Bob")
    [bad] = await h.say(bob, bob, "/report 2026-Q5")
    assert bad["text"].startswith("“2026-Q5”不是我能识别的时期。")
    [picker] = await h.say(bob, bob, "/report")
    await h.tap(bob, picker["message_id"], bob, picker["buttons"][3][0]["callback_data"])
    summary, photo, document = await h.bot_messages(bob, picker["message_id"], 3)
    assert summary["text"].splitlines() == [
        "Bob的报告（2026-Q4，2026-10-01 至 2026-12-31）",
        "",
        "一支部",
        "积分：9（课程 4 + 测验 1 + 会议 4）",
        "课程：共发 2 课，按时学习 2，补学 0，未学 0（完成率 100%）",
        "答题：首次作答答对 1/2（50%）",
        "会议：出席 1，迟到 0，请假 0，缺席 1（出勤率 50%）",
    ]
    assert photo["media"]["kind"] == "photo"
    workbook = _stored(h, document)
    assert workbook.file_name == "report-2026-Q4-Bob.xlsx"
    report = await h.services.reports.member_report(bob, None, Q4)
    _assert_cells(workbook.content, member_sheets(report), ["党员"])


async def test_a_branch_button_is_refused_once_its_reader_is_no_longer_its_secretary(harness: Harness) -> None:
    """李书记, made secretary of 二支部 too, chooses between his two branches (no organization); after the admin
    takes 二支部 from him, its button is refused in his language and no figure is sent."""
    h = harness
    q = await play_quarter(h.services, fixed_clock(h))
    li = await _started(h, SEC_A.telegram_user_id, "李书记")
    await h.services.branches.add_secretary(ADMIN_ID, q.branch_b, li)
    [choice] = await h.say(li, li, "/report 2026-Q4")
    assert choice["text"] == "2026-Q4 的报告：选择哪一份？" and _labels(choice) == ["一支部", "二支部"]
    await h.services.branches.remove_secretary(ADMIN_ID, q.branch_b, li)
    await h.tap(li, choice["message_id"], li, choice["buttons"][1][0]["callback_data"])
    [refused] = await h.bot_messages(li, choice["message_id"])
    assert refused["text"] == "抱歉，只有本支部书记或管理员可以执行此操作。"
    await h.barrier()
    transcript = (await h.control.transcript(li))["messages"]
    assert [m for m in transcript if m["message_id"] > refused["message_id"]] == []


async def test_an_english_speaking_admin_reads_a_branch_in_english(harness: Harness) -> None:
    """The choice, the summary, the file's caption and its column titles are English; the branch keeps its name."""
    h = harness
    q = await play_quarter(h.services, fixed_clock(h))
    admin = await _started(h, ADMIN_ID, "Admin", language_code="en")
    [choice] = await h.say(admin, admin, "/report 2026-Q4")
    assert choice["text"] == "Report for 2026-Q4: which one?"
    assert _labels(choice) == ["The organization (every branch)", "一支部", "二支部"]
    await h.tap(admin, choice["message_id"], admin, choice["buttons"][1][0]["callback_data"])
    summary, _photo, document = await h.bot_messages(admin, choice["message_id"], 3)
    lines = summary["text"].splitlines()
    assert lines[:3] == ["一支部 report (2026-Q4, 2026-10-01 to 2026-12-31)", "4 members, 19 points in all.",
                         "Lessons: 4 of 7 studied (2 on time, 2 as make-up), completion 43%"]
    assert "Score: 38.4, rank 2 of 2 branches ⚠️" in lines
    assert "Bob: 9 points; lessons 2/2; quiz 1/2; meetings 1/2" in lines
    assert document["text"] == "一支部, 2026-Q4: every figure, one sheet per level."
    workbook = _stored(h, document)
    assert workbook.file_name == "report-2026-Q4-一支部.xlsx"
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["Rank", "Branch", "Members", "Points"]
    report = await h.services.reports.branch_report(admin, q.branch_a, Q4)
    _assert_cells(workbook.content, branch_sheets(report), ["Branch", "Scorecard", "Members"])


async def test_report_in_a_group_answers_in_private(harness: Harness) -> None:
    """In the branch's group, the secretary's /report gets one line there and the picker in private; a member who
    never started the bot is asked to, with a button. No figure goes into the group."""
    h = harness
    li, bob = await h.user("Li"), await h.user("Bob")
    chat_id = await registered_branch(h, li, bob)
    await h.control.send(chat_id, bob, "到")
    await h.start(li)
    before = await h.last_message_id(li)
    [line] = await h.say(chat_id, li, "/report")
    assert line["text"] == "报告不在群里公开，已私信发给你。"
    [picker] = await h.bot_messages(li, before)
    assert picker["text"].startswith("报告：选择哪个时期？") and len(picker["buttons"]) == 5
    [ask] = await h.say(chat_id, bob, "/report 2026-Q4")
    assert ask["text"] == "报告不在群里公开：请先私聊启动我，再在私聊中发送 /report。"
    assert ask["buttons"][0][0]["url"].startswith("https://t.me/")
    group = (await h.control.transcript(chat_id))["messages"]
    assert not any("media" in m for m in group)
