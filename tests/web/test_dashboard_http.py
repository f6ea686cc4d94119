"""The dashboard over plain HTTP: security headers on every response, the session cookie's flags, CSRF."""

from __future__ import annotations

import httpx

from tests.support.web import ADMIN, Site


def test_security_headers_are_on_every_response(site: Site) -> None:
    """A page, an error page and a static file all carry the CSP (nothing inline, no framing) and the others."""
    with httpx.Client(base_url=site.url) as client:
        for path in ("/", "/app", "/nowhere", "/static/dashboard.css"):
            headers = client.get(path).headers
            csp = headers["content-security-policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-frame-options"] == "DENY"


def test_the_session_cookie_is_http_only_and_lax(site: Site) -> None:
    """Signing in sets a signed cookie that scripts cannot read, not sent on cross-site posts, with a max age."""
    with httpx.Client(base_url=site.url) as client:
        link = site.login_link(ADMIN).removeprefix(site.url)
        page = client.get(link)
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed_in = client.post(link, data={"csrf_token": token})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=28800" in cookie
        assert "secure" not in cookie  # the test's public URL is http; an https one adds Secure
        assert client.get("/").status_code == 200


def test_a_form_without_its_csrf_token_is_refused(site: Site) -> None:
    """A signed-in admin's logout posted without the token (or with another) is refused and keeps the session."""
    with httpx.Client(base_url=site.url) as client:
        link = site.login_link(ADMIN).removeprefix(site.url)
        token = client.get(link).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert client.post(link, data={}).status_code == 403  # the login form itself needs it too
        client.post(link, data={"csrf_token": token})
        assert client.post("/logout", data={}).status_code == 403
        assert client.post("/logout", data={"csrf_token": "x" * 43}).status_code == 403
        assert "表单已失效" in client.post("/logout").text
        assert client.get("/").status_code == 200  # still signed in
