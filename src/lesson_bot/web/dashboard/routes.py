"""The dashboard as routes for the web app: `routes(deps)` is the one call web/app.py makes.

Everything is mounted as one sub-application so that its middleware (the signed session cookie, the security
headers) wraps the dashboard only, never the webhook's hot path.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lesson_bot.i18n import N_
from lesson_bot.web.dashboard.auth import auth_routes
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.files import file_routes
from lesson_bot.web.dashboard.guard import NOTHING_HERE, Guard
from lesson_bot.web.dashboard.pages import page_routes
from lesson_bot.web.dashboard.render import HERE, Renderer
from lesson_bot.web.dashboard.security import SecurityHeaders
from lesson_bot.web.dashboard.surveys import survey_routes

SESSION_COOKIE = "lesson_bot_session"
SESSION_MAX_AGE = 8 * 3600  # a working day; then /dashboard again


def routes(deps: DashboardDeps) -> list[Route | Mount]:
    """The dashboard's routes, to add to the web app's (after its own: the dashboard takes every other path)."""
    guard = Guard(Renderer(deps.translator, deps.default_timezone))

    async def not_found(request: Request, _exc: Exception) -> Response:
        return guard.renderer.error(request, 404, N_("Not found"), NOTHING_HERE)

    app = Starlette(
        routes=[*auth_routes(deps, guard), *page_routes(deps, guard), *file_routes(deps, guard),
                *survey_routes(deps, guard),
                Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[
            Middleware(SecurityHeaders, https=deps.secure_cookies),
            Middleware(SessionMiddleware, secret_key=deps.session_secret, session_cookie=SESSION_COOKIE,
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=deps.secure_cookies),
        ],
        exception_handlers={404: not_found},
    )
    return [Mount("", app=app)]
