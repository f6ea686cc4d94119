"""Pages rendered from Jinja2 templates (autoescape on: every value a page shows is escaped) in the viewer's
language, and the error pages (401, 403, 404, and the login refusals) that say what to do next."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from lesson_bot.i18n import Lang, Translator, normalize_locale

HERE = Path(__file__).parent


def build_templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["local"] = _local
    env.filters["percent"] = _percent
    return Jinja2Templates(env=env)


def _local(value: datetime | None, timezone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if value is None else value.astimezone(ZoneInfo(timezone)).strftime(fmt)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def lang_of(request: Request, translator: Translator) -> Lang:
    """The session's language (the login's, or the one chosen in the header), else the default."""
    chosen = request.session.get("lang") if "session" in request.scope else None
    return translator.lang(normalize_locale(chosen, translator.default_locale) if chosen else None)


def punctuation(locale: str) -> dict[str, str]:
    """The colon and brackets the templates put between words: full-width in Chinese text, as everywhere else."""
    if locale == "zh-Hans":
        return {"colon": "：", "lp": "（", "rp": "）"}
    return {"colon": ": ", "lp": " (", "rp": ")"}


class Renderer:
    """Renders a page with the layout's common values: language, CSRF token, viewer, period."""

    def __init__(self, translator: Translator, default_timezone: str) -> None:
        self.templates = build_templates()
        self.translator = translator
        self.default_timezone = default_timezone

    def page(self, request: Request, name: str, status_code: int = 200, **values: Any) -> Response:
        t = lang_of(request, self.translator)
        context = {"_": t._, "ngettext": t.ngettext, "locale": t.locale, **punctuation(t.locale),
                   "viewer": None, "period": None,
                   "periods": (), "tz": self.default_timezone, "csrf_token": request.session.get("csrf", ""),
                   "path": request.url.path, **values}
        response = self.templates.TemplateResponse(request, name, context, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"  # every page is someone's own data
        return response

    def error(self, request: Request, status_code: int, title: str, detail: str, **values: Any) -> Response:
        """An error page: `title` and `detail` are message ids, translated here."""
        t = lang_of(request, self.translator)
        return self.page(request, "error.html", status_code, title=t._(title), detail=t._(detail), **values)
