"""A meeting's record as a Word document laid out like the paper 会议记录 of a branch's 台账.

Title, a table of 会议名称 / 时间 / 地点 / 主持人 / 记录人 / 应到 / 实到 / 缺席及原因 / 列席, then 会议议题,
会议内容 (the minutes) and 会议决议, and lines for the host's and the recorder's signatures. Every run names its
East Asian font (`w:eastAsia`): 宋体 for the text and 黑体 for headings, which the font table backs with their
English names (SimSun, SimHei) the way Word writes them, so that Word, WPS and LibreOffice all find a CJK font.
PDF: `pdf.docx_to_pdf`, when LibreOffice is installed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Lang
from lesson_bot.services.meetings.facts import RecordView

BODY_FONT, BODY_FONT_EN = "宋体", "SimSun"  # the names Word writes in its font table (name, altName)
HEADING_FONT, HEADING_FONT_EN = "黑体", "SimHei"
LATIN_FONT = "Times New Roman"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BABEL_LOCALES = {"zh-Hans": "zh_Hans_CN", "en": "en"}


@dataclass(frozen=True)
class Absence:
    name: str
    excused: bool  # 请假 (approved leave) rather than absent
    reason: str | None = None


@dataclass(frozen=True)
class MeetingRecordDoc:
    """What the paper record holds, as plain values (names already as the roster shows them)."""

    branch: str
    meeting: str  # 会议名称: the meeting type as the branch says it, e.g. 支部党员大会
    topic: str  # 会议议题
    starts_at: datetime  # aware
    ends_at: datetime
    timezone: str  # the branch's: the times are written in it
    place: str | None
    online_link: str | None
    host: str | None
    recorder: str | None
    expected: int
    present: tuple[str, ...]
    absences: tuple[Absence, ...]
    guests: tuple[str, ...]  # 列席: signed in without being expected
    minutes: str | None
    decisions: str | None
    recorded_at: datetime | None = None
    recorded_late: bool = False  # 补录

    @classmethod
    def from_record(cls, view: RecordView, types: MeetingTypes, locale: str) -> MeetingRecordDoc:
        """The document of a meeting's record as the meetings feature gives it (services/meetings/facts.py)."""
        return cls(
            branch=view.branch_title, meeting=types.get(view.type).name(locale), topic=view.topic,
            starts_at=view.starts_at, ends_at=view.ends_at, timezone=view.timezone, place=view.place,
            online_link=view.online_link, host=view.host.name if view.host else None,
            recorder=view.recorder.name if view.recorder else None, expected=len(view.expected),
            present=tuple(p.name for p in view.present),
            absences=tuple(Absence(a.person.name, a.excused, a.reason) for a in view.absentees),
            guests=tuple(g.name for g in view.guests), minutes=view.minutes, decisions=view.decisions,
            recorded_at=view.recorded_at, recorded_late=view.recorded_late,
        )


def _clean(text: str) -> str:
    """Text Word can hold: control characters (which XML refuses) dropped."""
    return _XML_ILLEGAL.sub("", text)


def _fonts(paragraph: Paragraph, east_asia: str = BODY_FONT) -> None:
    for run in paragraph.runs:
        run.font.name = LATIN_FONT
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), east_asia)
        fonts.set(qn("w:hint"), "eastAsia")


def _write(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None,
           east_asia: str = BODY_FONT) -> Paragraph:
    run = paragraph.add_run(_clean(text))
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    _fonts(paragraph, east_asia)
    return paragraph


def _cell(cell: _Cell, text: str, *, bold: bool = False) -> None:
    lines = _clean(text).split("\n")
    _write(cell.paragraphs[0], lines[0], bold=bold)
    for line in lines[1:]:
        _write(cell.add_paragraph(), line, bold=bold)


def _register_fonts(document: DocumentObject) -> None:
    """Name 宋体 and 黑体 in the font table with their English names as the fallback (`w:altName`)."""
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    table = parse_xml(part.blob)
    for name, alt, panose in ((BODY_FONT, BODY_FONT_EN, "02010600030101010101"),
                              (HEADING_FONT, HEADING_FONT_EN, "02010609060101010101")):
        table.append(parse_xml(
            f'<w:font xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:name="{name}">'
            f'<w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'))
    # python-docx keeps the font table as an opaque part: its bytes are what gets saved
    part._blob = serialize_part_xml(table)


def _when(doc: MeetingRecordDoc, t: Lang, at: datetime | None = None) -> str:
    zone = ZoneInfo(doc.timezone)
    locale = _BABEL_LOCALES.get(t.locale, "zh_Hans_CN")
    start, end = (at or doc.starts_at).astimezone(zone), doc.ends_at.astimezone(zone)
    day = format_date(start.date(), "long", locale=locale)
    if at is not None:
        return f"{day} {start:%H:%M}"
    return f"{day} {start:%H:%M}–{end:%H:%M}"


def _absence(t: Lang, a: Absence) -> str:
    if a.excused:
        return (t.pgettext("record", "{name} (on leave: {reason})", name=a.name, reason=a.reason) if a.reason
                else t.pgettext("record", "{name} (on leave)", name=a.name))
    return (t.pgettext("record", "{name} (absent: {reason})", name=a.name, reason=a.reason) if a.reason
            else t.pgettext("record", "{name} (absent)", name=a.name))


def _rows(doc: MeetingRecordDoc, t: Lang) -> list[tuple[str, str]]:
    none, comma = t.pgettext("record", "None"), t.pgettext("record", ", ")
    present = t.ngettext("{n} person", "{n} people", len(doc.present))
    if doc.present:
        present += t.pgettext("record", ": ") + comma.join(doc.present)
    return [
        (t.pgettext("record", "Meeting"), doc.meeting),
        (t.pgettext("record", "Time"), _when(doc, t)),
        (t.pgettext("record", "Place"), "\n".join(x for x in (doc.place, doc.online_link) if x) or none),
        (t.pgettext("record", "Host"), doc.host or none),
        (t.pgettext("record", "Recorder"), doc.recorder or none),
        (t.pgettext("record", "Expected"), t.ngettext("{n} person", "{n} people", doc.expected)),
        (t.pgettext("record", "Present"), present),
        (t.pgettext("record", "Absent and why"), "\n".join(_absence(t, a) for a in doc.absences) or none),
        (t.pgettext("record", "Attending (not expected)"), comma.join(doc.guests) or none),
    ]


def _section(document: DocumentObject, heading: str, body: str | None, empty: str) -> None:
    _write(document.add_paragraph(), heading, bold=True, size=12, east_asia=HEADING_FONT)
    for line in (body or empty).splitlines() or [empty]:
        _write(document.add_paragraph(), line)


def record_docx(doc: MeetingRecordDoc, t: Lang) -> bytes:
    """The record as the bytes of a .docx file, its labels in `t`'s language."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, as the 台账 is printed
    section.left_margin = section.right_margin = Cm(2.5)
    document.core_properties.title = t.pgettext("record", "{branch} meeting record", branch=_clean(doc.branch))
    _register_fonts(document)
    title = _write(document.add_paragraph(), document.core_properties.title, bold=True, size=18,
                   east_asia=HEADING_FONT)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.recorded_late and doc.recorded_at is not None:
        note = t.pgettext("record", "Recorded late, on {when}", when=_when(doc, t, doc.recorded_at))
        _write(document.add_paragraph(), note).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    rows = _rows(doc, t)
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.columns[0].width, table.columns[1].width = Cm(3.5), Cm(12.5)  # the grid LibreOffice lays out by
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(3.5), Cm(12.5)
        _cell(row.cells[0], label, bold=True)
        _cell(row.cells[1], value)
    _section(document, t.pgettext("record", "Agenda"), doc.topic, t.pgettext("record", "None"))
    _section(document, t.pgettext("record", "Proceedings"), doc.minutes, t.pgettext("record", "(not recorded)"))
    _section(document, t.pgettext("record", "Decisions"), doc.decisions, t.pgettext("record", "None"))
    document.add_paragraph()
    colon, date = t.pgettext("record", ": "), t.pgettext("record", "Date")
    for who in (t.pgettext("record", "Host's signature"), t.pgettext("record", "Recorder's signature")):
        _write(document.add_paragraph(), f"{who}{colon}{'_' * 16}    {date}{colon}{'_' * 12}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
