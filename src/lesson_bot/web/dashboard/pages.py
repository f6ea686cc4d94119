"""The dashboard's pages: overview, branch, member, lesson and meeting. Each reads through the services with the
viewer's Telegram id, so every id in a URL is checked against the viewer's role in the service layer."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lesson_bot.domain.cadence import State
from lesson_bot.i18n import N_, Lang
from lesson_bot.services.errors import Conflict, InvalidInput
from lesson_bot.web.dashboard import periods
from lesson_bot.web.dashboard.deps import DashboardDeps, PendingRecord
from lesson_bot.web.dashboard.guard import NOTHING_HERE, Guard, signed_in
from lesson_bot.web.dashboard.render import lang_of


def page_routes(deps: DashboardDeps, guard: Guard) -> list[Route]:
    render = guard.renderer

    def common(request: Request) -> dict[str, Any]:
        today = deps.clock.now().astimezone(ZoneInfo(deps.default_timezone))
        period = periods.parse(request.query_params.get("period"), today)
        return {"period": period, "periods": periods.choices(today), "exports": deps.export_xlsx is not None,
                "charts": deps.charts is not None, "docx": deps.record_docx is not None}

    def lang(request: Request) -> Lang:
        return lang_of(request, deps.translator)

    def type_name(request: Request) -> object:
        english = lang(request).locale == "en"
        return lambda key: (lambda d: d.name_en if english else d.name_zh)(deps.meeting_types.get(key))

    async def overview(request: Request, uid: int) -> Response:
        viewer = await deps.reads.viewer(uid)
        values = common(request)
        if not viewer.sees_branches:
            if viewer.member_id is not None:
                return RedirectResponse(f"/members/{viewer.member_id}", status_code=303)
            return render.page(request, "overview.html", viewer=viewer, branches=[], compliance={}, report=None,
                               **values)
        branches = await deps.branches.list_for(uid)
        compliance = {c.branch_id: {state: c.count(state) for state in State} for c in await deps.cadence.overview(uid)}
        # The organization's scorecard and ranking are the committee's (admins); a secretary reads their branches'.
        report = (await deps.reports.org_report(uid, str(values["period"]), lang(request).locale)
                  if deps.reports is not None and viewer.is_admin else None)
        return render.page(request, "overview.html", viewer=viewer, branches=branches, compliance=compliance,
                           report=report, State=State, **values)

    async def branch(request: Request, uid: int) -> Response:
        branch_id = int(request.path_params["branch_id"])
        viewer = await deps.reads.viewer(uid)
        roster = await deps.roster.roster(uid, branch_id)  # the first read refuses (and audits) a foreign id
        values = common(request)
        meetings = await deps.reads.branch_meetings(uid, branch_id)
        pending = await deps.review.pending(uid, branch_id) if deps.review is not None else None
        if pending is None:  # not a reviewer: the records still awaiting their host's and recorder's confirmation
            pending = [PendingRecord(m.id, m.topic, m.starts_at) for m in meetings.awaiting_confirmation]
        report = (await deps.reports.branch_report(uid, branch_id, str(values["period"]), lang(request).locale)
                  if deps.reports is not None else None)
        return render.page(
            request, "branch.html", viewer=viewer, roster=roster, meetings=meetings, pending=pending,
            lesson=await deps.progress.lesson_progress(uid, branch_id),
            ledger=await deps.deliveries.ledger(uid, branch_id), cadence=await deps.cadence.branch(uid, branch_id),
            report=report, type_name=type_name(request), State=State, **values)

    async def member(request: Request, uid: int) -> Response:
        member_id = int(request.path_params["member_id"])
        viewer = await deps.reads.viewer(uid)
        page = await deps.reads.member(uid, member_id)
        values = common(request)
        report = (await deps.reports.member_report(uid, member_id, str(values["period"]), lang(request).locale)
                  if deps.reports is not None else None)
        return render.page(request, "member.html", viewer=viewer, member=page, report=report, **values)

    async def lesson(request: Request, uid: int) -> Response:
        branch_id, delivery_id = int(request.path_params["branch_id"]), int(request.path_params["delivery_id"])
        viewer = await deps.reads.viewer(uid)
        progress = await deps.progress.lesson_progress(uid, branch_id, delivery_id)
        return render.page(request, "lesson.html", viewer=viewer, lesson=progress, **common(request))

    async def meeting(request: Request, uid: int) -> Response:
        meeting_id = int(request.path_params["meeting_id"])
        viewer = await deps.reads.viewer(uid)
        record = await deps.records.view(uid, meeting_id)
        can_review = deps.review is not None and await deps.review.can_review(uid, meeting_id)
        history = await deps.review.history(uid, meeting_id) if deps.review is not None else ()
        return render.page(request, "meeting.html", viewer=viewer, record=record, can_review=can_review,
                           history=history,
                           type_name=type_name(request), **common(request))

    async def review(request: Request) -> Response:
        uid = signed_in(request)
        meeting_id, verb = int(request.path_params["meeting_id"]), request.path_params["verb"]
        if deps.review is None or verb not in ("approve", "return") or uid is None:
            return render.error(request, 404, N_("Not found"), NOTHING_HERE)
        try:
            if verb == "approve":
                await deps.review.approve(uid, meeting_id)
            else:
                reason = (await request.form()).get("reason")
                await deps.review.return_record(uid, meeting_id, reason if isinstance(reason, str) else "")
        except InvalidInput:
            return render.error(request, 400, N_("A reason is needed"),
                                N_("Say in a few words (at most 500 characters) why the record goes back."))
        except Conflict:
            return render.error(request, 409, N_("Already reviewed"),
                                N_("This record was reviewed or changed in the meantime: reload its page."))
        return RedirectResponse(f"/meetings/{meeting_id}", status_code=303)

    return [
        Route("/", guard.page(overview), methods=["GET"]),
        Route("/branches/{branch_id:int}", guard.page(branch), methods=["GET"]),
        Route("/branches/{branch_id:int}/lessons/{delivery_id:int}", guard.page(lesson), methods=["GET"]),
        Route("/members/{member_id:int}", guard.page(member), methods=["GET"]),
        Route("/meetings/{meeting_id:int}", guard.page(meeting), methods=["GET"]),
        Route("/meetings/{meeting_id:int}/{verb:str}", guard.form(review), methods=["POST"]),
    ]
