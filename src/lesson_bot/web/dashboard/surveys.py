"""The survey results pages (民主测评): the list of surveys and one survey's figures, from the survey services.

An admin sees every survey, per branch and for the organization; a secretary the surveys sent to their branches,
with those branches' figures only (the service narrows it, and refuses, with an audit, anyone else).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lesson_bot.i18n import N_
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.guard import NOTHING_HERE, Guard


def survey_routes(deps: DashboardDeps, guard: Guard) -> list[Route]:
    render = guard.renderer

    async def listing(request: Request, uid: int) -> Response:
        if deps.surveys is None:
            return render.error(request, 404, N_("Not found"), NOTHING_HERE)
        viewer = await deps.reads.viewer(uid)
        return render.page(request, "surveys.html", viewer=viewer, surveys=await deps.surveys.surveys(uid))

    async def results(request: Request, uid: int) -> Response:
        if deps.survey_results is None:
            return render.error(request, 404, N_("Not found"), NOTHING_HERE)
        viewer = await deps.reads.viewer(uid)
        found = await deps.survey_results.results(uid, int(request.path_params["survey_id"]))
        areas = ((found.organization,) if found.organization is not None else ()) + found.branches
        return render.page(request, "survey.html", viewer=viewer, results=found, areas=areas)

    return [
        Route("/surveys", guard.page(listing), methods=["GET"]),
        Route("/surveys/{survey_id:int}", guard.page(results), methods=["GET"]),
    ]
