"""Wrappers every dashboard endpoint goes through: a signed-in viewer for pages, the CSRF token for forms, and the
service layer's refusals turned into 403 / 404 pages in the viewer's language."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from lesson_bot.i18n import N_
from lesson_bot.services.errors import NotFound, Refused
from lesson_bot.web.dashboard.render import Renderer
from lesson_bot.web.dashboard.security import Endpoint, csrf_ok, csrf_token

log = logging.getLogger(__name__)
SESSION_USER = "uid"
NOTHING_HERE = N_("There is nothing at this address.")
SIGN_IN = N_("Send /dashboard to the bot in a private chat and open the link it sends you, or open the dashboard "
             "from the bot's menu button.")

Page = Callable[[Request, int], Awaitable[Response]]


def signed_in(request: Request) -> int | None:
    """The Telegram user id of the session, if someone is signed in."""
    uid = request.session.get(SESSION_USER)
    return uid if isinstance(uid, int) else None


def start_session(request: Request, telegram_user_id: int, locale: str | None) -> None:
    """A new session for this user: whatever the old one held (and its CSRF token) is dropped."""
    request.session.clear()
    request.session[SESSION_USER] = telegram_user_id
    if locale:
        request.session["lang"] = locale
    csrf_token(request)


class Guard:
    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    def refusal(self, request: Request, exc: Refused | NotFound) -> Response:
        if isinstance(exc, Refused):
            log.info("dashboard: %s refused to %s", request.url.path, signed_in(request))
            return self.renderer.error(request, 403, N_("Not allowed"),
                                       N_("Your role does not include this page. The refusal was recorded."))
        return self.renderer.error(request, 404, N_("Not found"), NOTHING_HERE)

    def page(self, endpoint: Page) -> Endpoint:
        """A page for signed-in viewers: 401 with how to sign in otherwise; refusals as 403 / 404."""

        @functools.wraps(endpoint)
        async def wrapped(request: Request) -> Response:
            csrf_token(request)
            viewer = signed_in(request)
            if viewer is None:
                return self.renderer.error(request, 401, N_("Please sign in"), SIGN_IN)
            try:
                return await endpoint(request, viewer)
            except (Refused, NotFound) as exc:
                return self.refusal(request, exc)

        return wrapped

    def form(self, endpoint: Endpoint) -> Endpoint:
        """A form's POST: 403 unless it carries the session's CSRF token."""

        @functools.wraps(endpoint)
        async def wrapped(request: Request) -> Response:
            if not await csrf_ok(request):
                return self.renderer.error(request, 403, N_("This form has expired"),
                                           N_("Go back, reload the page and try again."))
            try:
                return await endpoint(request)
            except (Refused, NotFound) as exc:
                return self.refusal(request, exc)

        return wrapped
