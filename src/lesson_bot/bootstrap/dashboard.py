"""The dashboard's dependencies, built here because some need lesson_bot.reports (the XLSX, the charts, the 会议记录
.docx), which the web layer may not import: web receives them as the callables of web/dashboard/deps.py.

Every plug reads through the services with the viewer's Telegram id, so the role checks (and the audit of a
refusal) stay in the service layer; these only turn the figures into files and pictures.
"""

from __future__ import annotations

import asyncio

from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.reports import charts
from lesson_bot.reports.csv import csv_zip
from lesson_bot.reports.tables import Workbook
from lesson_bot.reports.workbook import workbook_of
from lesson_bot.reports.xlsx import xlsx_bytes
from lesson_bot.services.container import Services
from lesson_bot.services.meetings.config import read_meeting_types
from lesson_bot.services.reports.sheets import branch_sheets, org_sheets
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.report_tables import ReportTables, period_of
from lesson_bot.web.dashboard.review_actions import RecordReviews


class ReportFilesForWeb:
    """The Exporter, ChartSource and RecordDocument of the dashboard, over the report and meeting services.

    Drawing a chart and writing a workbook are CPU work of tens of milliseconds: they run in a worker thread so
    the event loop (the webhook's) is not held up."""

    def __init__(self, services: Services, types: MeetingTypes) -> None:
        self._s = services
        self._types = types

    async def _workbook(self, actor_tg: int, branch_id: int | None, period: str, locale: str) -> Workbook:
        reports, when = self._s.reports, period_of(period)
        sheets = (org_sheets(await reports.org_report(actor_tg, when)) if branch_id is None
                  else branch_sheets(await reports.branch_report(actor_tg, branch_id, when)))
        return workbook_of(sheets, self._s.translator.lang(locale))

    async def export_xlsx(self, actor_tg: int, branch_id: int | None, period: str, locale: str) -> bytes:
        workbook = await self._workbook(actor_tg, branch_id, period, locale)
        return await asyncio.to_thread(xlsx_bytes, workbook)

    async def export_csv(self, actor_tg: int, branch_id: int | None, period: str, locale: str) -> bytes:
        workbook = await self._workbook(actor_tg, branch_id, period, locale)
        return await asyncio.to_thread(csv_zip, workbook)

    async def branch_ranking(self, actor_tg: int, period: str, locale: str) -> bytes:
        t = self._s.translator.lang(locale)
        report = await self._s.reports.org_report(actor_tg, period_of(period))
        bars = [charts.Bar(b.title, b.scorecard.total) for b in report.branches if b.scorecard.total is not None]
        labels = charts.Labels(t._("Branches by score, {period}", period=report.period.label),
                               t.pgettext("report column", "Score"))
        return await asyncio.to_thread(charts.branch_ranking, bars, labels)

    async def participation(self, actor_tg: int, branch_id: int, period: str, locale: str) -> bytes:
        t = self._s.translator.lang(locale)
        report = await self._s.reports.branch_report(actor_tg, branch_id, period_of(period))
        bars = [charts.Bar(m.name, m.rates.lessons) for m in report.members if m.rates.lessons is not None]
        labels = charts.Labels(t._("{branch}: lesson completion, {period}", branch=report.branch.title,
                                   period=report.period.label), t.pgettext("report column", "Lesson completion"))
        return await asyncio.to_thread(lambda: charts.branch_ranking(bars, labels, percent=True))

    async def quiz_accuracy(self, actor_tg: int, branch_id: int, delivery_id: int, locale: str) -> bytes:
        t = self._s.translator.lang(locale)
        lesson = await self._s.progress.lesson_progress(actor_tg, branch_id, delivery_id)
        items = [charts.Bar(f"{q.index + 1}. {q.question}", q.right / q.answered)
                 for q in lesson.questions if q.answered]
        title = lesson.delivery.title if lesson.delivery is not None else ""
        labels = charts.Labels(t._("{lesson}: right first answers per question", lesson=title),
                               t.pgettext("report column", "Quiz accuracy"))
        return await asyncio.to_thread(charts.quiz_accuracy, items, labels)

    async def record_docx(self, actor_tg: int, meeting_id: int, locale: str) -> bytes:
        # Imported here: python-docx (with lxml) is about 17 MB of memory a service that writes no record never needs.
        from lesson_bot.reports.record_docx import MeetingRecordDoc, record_docx

        view = await self._s.records.view(actor_tg, meeting_id)
        doc = MeetingRecordDoc.from_record(view, self._types, locale)
        t = self._s.translator.lang(locale)
        return await asyncio.to_thread(record_docx, doc, t)


def dashboard_deps(services: Services) -> DashboardDeps:
    """Everything the dashboard uses, every plug wired."""
    settings = services.settings
    assert settings.public_url is not None and settings.session_secret is not None
    types = read_meeting_types(settings.meeting_types_file)
    files = ReportFilesForWeb(services, types)
    return DashboardDeps(
        public_url=settings.public_url, session_secret=settings.session_secret.get_secret_value(),
        default_timezone=settings.default_timezone, clock=services.clock, translator=services.translator,
        meeting_types=types, sessions=services.web_sessions,
        reads=services.dashboard, branches=services.branches, roster=services.roster, progress=services.progress,
        deliveries=services.deliveries, records=services.records, cadence=services.cadence,
        reports=ReportTables(services.reports, services.translator),
        review=RecordReviews(services.record_reviews, services.access),
        export_xlsx=files.export_xlsx, export_csv=files.export_csv, charts=files, record_docx=files.record_docx,
        surveys=services.surveys, survey_results=services.survey_results,
    )
