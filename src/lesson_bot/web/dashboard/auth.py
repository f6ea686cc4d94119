"""Signing in through Telegram: the one-time link /dashboard sends, the Mini App's initData, signing out, and the
language switch.

A link is consumed by a POST from the page it opens (one tap on "Sign in"), not by the GET itself: link previews
and prefetchers that fetch the URL must not use up the link.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lesson_bot.domain.webapp_auth import InitDataRejected
from lesson_bot.i18n import N_, SUPPORTED
from lesson_bot.services.web_sessions import LoginRefused
from lesson_bot.web.dashboard.deps import DashboardDeps
from lesson_bot.web.dashboard.guard import Guard, start_session
from lesson_bot.web.dashboard.security import csrf_token

_REFUSED = {
    LoginRefused.USED: N_("This sign-in link was already used"),
    LoginRefused.EXPIRED: N_("This sign-in link has expired"),
    LoginRefused.UNKNOWN: N_("This sign-in link is not valid"),
    LoginRefused.NO_BOT: N_("Signing in is not available"),
}
_AGAIN = N_("Send /dashboard to the bot in a private chat for a new link: each link works once, for 10 minutes.")


def _home() -> Response:
    return RedirectResponse("/", status_code=303)


def _safe_next(value: object) -> str:
    """Only a path on this site (no scheme, no //host): the language switch must not redirect elsewhere."""
    return value if isinstance(value, str) and value.startswith("/") and not value.startswith("//") else "/"


def auth_routes(deps: DashboardDeps, guard: Guard) -> list[Route]:
    render = guard.renderer

    async def link_page(request: Request) -> Response:
        csrf_token(request)
        return render.page(request, "login.html", token=request.path_params["token"])

    async def link_login(request: Request) -> Response:
        try:
            user = await deps.sessions.consume(request.path_params["token"])
        except LoginRefused as exc:
            return render.error(request, 403, _REFUSED[exc.reason], _AGAIN)
        start_session(request, user.telegram_user_id, user.locale)
        return _home()

    async def app_page(request: Request) -> Response:
        csrf_token(request)
        return render.page(request, "app.html")

    async def webapp_login(request: Request) -> Response:
        init_data = (await request.form()).get("init_data")
        try:
            user = await deps.sessions.login_webapp(init_data if isinstance(init_data, str) else "")
        except (InitDataRejected, LoginRefused):
            return render.error(request, 403, N_("Telegram could not confirm who you are"),
                                N_("Close the dashboard and open it again from the bot's menu button, or send "
                                   "/dashboard to the bot for a sign-in link."))
        start_session(request, user.telegram_user_id, user.locale)
        return _home()

    async def logout(request: Request) -> Response:
        lang = request.session.get("lang")
        request.session.clear()
        if lang:
            request.session["lang"] = lang
        csrf_token(request)
        return render.error(request, 200, N_("Signed out"), _AGAIN)

    async def language(request: Request) -> Response:
        form = await request.form()
        chosen = form.get("lang")
        if chosen in SUPPORTED:
            request.session["lang"] = chosen
        return RedirectResponse(_safe_next(form.get("next")), status_code=303)

    return [
        Route("/login/webapp", guard.form(webapp_login), methods=["POST"]),
        Route("/login/{token:str}", link_page, methods=["GET"]),
        Route("/login/{token:str}", guard.form(link_login), methods=["POST"]),
        Route("/app", app_page, methods=["GET"]),
        Route("/logout", guard.form(logout), methods=["POST"]),
        Route("/lang", guard.form(language), methods=["POST"]),
    ]
