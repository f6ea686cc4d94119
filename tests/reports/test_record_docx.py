"""A meeting record as the paper 会议记录 of a branch's 台账: a .docx Word opens, in Chinese fonts; PDF when it can."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

import docx
from docx.oxml.ns import qn

from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.reports.pdf import converter, docx_to_pdf
from lesson_bot.reports.record_docx import BODY_FONT, BODY_FONT_EN, HEADING_FONT, MeetingRecordDoc, record_docx
from lesson_bot.services.meetings.facts import Absentee, Attendant, Person, RecordView

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


def _view() -> RecordView:
    people = [Person(i, name, 1000 + i, i == 3) for i, name in enumerate(["张三", "李四", "王五", "赵六", "=1+1"], 1)]
    return RecordView(
        meeting_id=7, branch_id=1, branch_title="第一党支部", timezone="Asia/Shanghai", locale="zh-Hans",
        type="party_congress", topic="学习党章第三条\n讨论发展对象", starts_at=START,
        ends_at=START.replace(hour=13, minute=30),
        place="党员活动室", online_link=None, host=people[0], recorder=people[1], lesson_id=None, cancelled=False,
        attendance_final=True, expected=tuple(people[:4]),
        present=(Attendant(1, "张三", 1001, False), Attendant(2, "李四", 1002, False, late=True)),
        guests=(Attendant(5, "=1+1", 1005, False),),
        absentees=(Absentee(people[2], True, "出差", None), Absentee(people[3], False, None, None)),
        minutes="张三领学党章第三条。\n李四发言：要把八项义务落到实处。\x07", decisions="同意将王某列为发展对象。",
        attachments=(), recorded_at=START.replace(day=3), recorded_late=True, host_confirmed_at=None,
        recorder_confirmed_at=None,
    )


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _form(document: docx.document.Document) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}


def _east_asia(run: Any) -> str | None:
    """The East Asian font a run names (w:rFonts w:eastAsia), None where it names none."""
    properties = run._element.rPr
    fonts = None if properties is None else properties.rFonts
    return None if fonts is None else str(fonts.get(qn("w:eastAsia")))


def test_the_record_has_every_field_of_the_paper_form_in_chinese() -> None:
    doc = MeetingRecordDoc.from_record(_view(), MeetingTypes(), "zh-Hans")
    document = _open(record_docx(doc, Translator().lang("zh-Hans")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "第一党支部会议记录" and paragraphs[1] == "补录于2026年3月3日 20:00"
    assert _form(document) == {
        "会议名称": "支部党员大会", "时间": "2026年3月1日 20:00–21:30", "地点": "党员活动室", "主持人": "张三",
        "记录人": "李四", "应到人数": "4人", "实到人数": "2人：张三、李四",
        "缺席人员及原因": "王五（请假：出差）\n赵六（缺席）",
        "列席人员": "=1+1",
    }
    assert paragraphs[2:] == ["会议议题", "学习党章第三条", "讨论发展对象",
                              "会议内容（发言记录）", "张三领学党章第三条。", "李四发言：要把八项义务落到实处。",
                              "会议决议", "同意将王某列为发展对象。", "",
                              "主持人签字：________________    日期：____________",
                              "记录人签字：________________    日期：____________"]


def test_every_run_names_a_chinese_font_that_the_font_table_backs() -> None:
    data = record_docx(MeetingRecordDoc.from_record(_view(), MeetingTypes(), "zh-Hans"), Translator().lang("zh-Hans"))
    document = _open(data)
    runs = [run for p in document.paragraphs for run in p.runs] + [
        run for row in document.tables[0].rows for cell in row.cells for p in cell.paragraphs for run in p.runs]
    assert runs and all(_east_asia(run) in (BODY_FONT, HEADING_FONT) for run in runs)
    assert _east_asia(document.paragraphs[0].runs[0]) == HEADING_FONT
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode("utf-8")
    assert f'w:name="{BODY_FONT}"><w:altName w:val="{BODY_FONT_EN}"/>' in font_table


def test_the_record_in_english_with_nothing_recorded_yet() -> None:
    view = _view()
    doc = MeetingRecordDoc.from_record(view, MeetingTypes(), "en")
    doc = MeetingRecordDoc(**{**doc.__dict__, "minutes": None, "decisions": None, "host": None, "present": (),
                              "guests": (), "recorded_late": False, "place": None, "online_link": "https://meet.example/x"})
    document = _open(record_docx(doc, Translator().lang("en")))
    form = _form(document)
    assert document.paragraphs[0].text == "第一党支部: meeting record"
    assert form["Meeting"] == "Branch general meeting" and form["Time"] == "March 1, 2026 20:00–21:30"
    assert form["Host"] == "None" and form["Present"] == "0 people" and form["Also attending"] == "None"
    assert form["Place"] == "https://meet.example/x"
    assert form["Absent, and why"] == "王五 (on leave: 出差)\n赵六 (absent)"
    texts = [p.text for p in document.paragraphs]
    assert "(not recorded)" in texts and texts[texts.index("Decisions") + 1] == "None"


def test_pdf_only_where_libreoffice_is_at_hand() -> None:
    data = record_docx(MeetingRecordDoc.from_record(_view(), MeetingTypes(), "zh-Hans"), Translator().lang("zh-Hans"))
    result = docx_to_pdf(data)
    if converter() is None:
        assert result.data is None and result.reason is not None and "LibreOffice" in result.reason
    else:
        assert result.data is not None and result.data.startswith(b"%PDF")


def test_a_converter_that_fails_gives_no_pdf_and_says_so() -> None:
    result = docx_to_pdf(b"PK", soffice="/bin/false")
    assert result.data is None and result.reason == "PDF conversion failed (exit 1)"


def test_a_converter_that_is_not_there_gives_no_pdf() -> None:
    result = docx_to_pdf(b"PK", soffice="/nonexistent/soffice")
    assert result.data is None and result.reason is not None and result.reason.startswith("PDF conversion failed")
