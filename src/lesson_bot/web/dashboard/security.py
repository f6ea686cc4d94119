"""Security headers on every dashboard response, and the CSRF check every form's POST goes through.

The CSP allows nothing inline and nothing from elsewhere: the pages load one CSS file and (the Mini App page only)
one script from the dashboard itself. Framing is refused (`frame-ancestors 'none'`): Telegram's mobile and desktop
apps open a Mini App as a top-level web view, and in web.telegram.org's iframe a SameSite=Lax session cookie would
not be sent anyway, so allowing Telegram's web clients to frame the pages would buy nothing (docs/dashboard.md).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
CSRF_FIELD = "csrf_token"

Endpoint = Callable[[Request], Awaitable[Response]]


class SecurityHeaders:
    """Adds the headers to every response of the app it wraps (HSTS when the public URL is https)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            # A login link carries its token in the path: never let it leak to another site in a Referer.
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if https:
            self.headers["Strict-Transport-Security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (a signed-out visitor gets one too, for the login forms)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    """Whether the form posted carries the session's token (compared in constant time)."""
    expected = request.session.get("csrf")
    given = (await request.form()).get(CSRF_FIELD)
    return isinstance(expected, str) and isinstance(given, str) and hmac.compare_digest(expected, given)
