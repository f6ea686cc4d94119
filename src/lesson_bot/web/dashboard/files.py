"""The dashboard's files and pictures: the report as XLSX, a meeting's 会议记录 as .docx, and the charts as PNG.

Each is made by a callable the composition root injects (lesson_bot.reports is out of the web layer's reach) and
reads through the services with the viewer's Telegram id, so a foreign id is refused (403, audited) as on the
pages. Files are someone's own data: never stored by a shared cache; charts may be kept by the viewer's browser
for a few minutes (the figures of a period change slowly, and every page view would draw them again).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lesson_bot.i18n import N_
from lesson_bot.web.dashboard import periods
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.guard import NOTHING_HERE, Guard
from lesson_bot.web.dashboard.render import lang_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"  # the CSV export: one UTF-8 (BOM) CSV per table
CHART_MAX_AGE = 300  # seconds


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def _png(content: bytes) -> Response:
    return Response(content, media_type="image/png",
                    headers={"Cache-Control": f"private, max-age={CHART_MAX_AGE}", "Vary": "Cookie"})


def file_routes(deps: DashboardDeps, guard: Guard) -> list[Route]:
    render = guard.renderer

    def period(request: Request) -> str:
        today = deps.clock.now().astimezone(ZoneInfo(deps.default_timezone))
        return periods.parse(request.query_params.get("period"), today)

    def locale(request: Request) -> str:
        return lang_of(request, deps.translator).locale

    def missing(request: Request) -> Response:
        return render.error(request, 404, N_("Not found"), NOTHING_HERE)

    async def export(request: Request, uid: int) -> Response:
        fmt = request.path_params["fmt"]
        exporter, media_type, suffix = ((deps.export_xlsx, XLSX, "xlsx") if fmt == "xlsx" else
                                        (deps.export_csv, ZIP, "csv.zip") if fmt == "csv" else (None, "", ""))
        if exporter is None:
            return missing(request)
        branch_param = request.query_params.get("branch")
        branch_id = int(branch_param) if branch_param and branch_param.isdigit() else None
        chosen = period(request)
        content = await exporter(uid, branch_id, chosen, locale(request))
        name = f"report-{chosen}.{suffix}" if branch_id is None else f"report-branch-{branch_id}-{chosen}.{suffix}"
        return _download(content, media_type, name)

    async def record(request: Request, uid: int) -> Response:
        if deps.record_docx is None:
            return missing(request)
        meeting_id = int(request.path_params["meeting_id"])
        content = await deps.record_docx(uid, meeting_id, locale(request))
        return _download(content, DOCX, f"meeting-{meeting_id}.docx")

    async def ranking_chart(request: Request, uid: int) -> Response:
        if deps.charts is None:
            return missing(request)
        return _png(await deps.charts.branch_ranking(uid, period(request), locale(request)))

    async def participation_chart(request: Request, uid: int) -> Response:
        if deps.charts is None:
            return missing(request)
        branch_id = int(request.path_params["branch_id"])
        return _png(await deps.charts.participation(uid, branch_id, period(request), locale(request)))

    async def quiz_chart(request: Request, uid: int) -> Response:
        if deps.charts is None:
            return missing(request)
        branch_id, delivery_id = int(request.path_params["branch_id"]), int(request.path_params["delivery_id"])
        return _png(await deps.charts.quiz_accuracy(uid, branch_id, delivery_id, locale(request)))

    return [
        Route("/export.{fmt}", guard.page(export), methods=["GET"]),
        Route("/meetings/{meeting_id:int}/record.docx", guard.page(record), methods=["GET"]),
        Route("/charts/ranking.png", guard.page(ranking_chart), methods=["GET"]),
        Route("/charts/branches/{branch_id:int}/participation.png", guard.page(participation_chart),
              methods=["GET"]),
        Route("/charts/branches/{branch_id:int}/lessons/{delivery_id:int}/quiz.png", guard.page(quiz_chart),
              methods=["GET"]),
    ]
