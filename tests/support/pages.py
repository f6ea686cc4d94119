"""A local web server for the article importer's tests: saved pages and the ways a fetch goes wrong.

A route is a status, headers and a body; `stall` routes hold the request until the server stops (a timeout
without sleeping), and bodies are sent without Content-Length unless a route gives one, so a size limit is
met while streaming.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

FIXTURES = Path(__file__).resolve().parents[1] / "content" / "fixtures" / "import"


@dataclass(frozen=True)
class Route:
    """What the server answers at one path."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    stall: bool = False


@dataclass
class PageServer:
    """An HTTP server on 127.0.0.1 at a free port, in a thread, answering `routes` (404 elsewhere)."""

    routes: dict[str, Route] = field(default_factory=dict)
    released: threading.Event = field(default_factory=threading.Event)
    requested: list[str] = field(default_factory=list)  # the paths asked for, in order

    def __enter__(self) -> PageServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requested.append(self.path)
                route = server.routes.get(self.path, Route(404, (("Content-Type", "text/html"),), b"not found"))
                if route.stall:
                    server.released.wait()
                    return
                self.send_response(route.status)
                for name, value in route.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def html(body: bytes, content_type: str | None = "text/html; charset=utf-8") -> Route:
    """A page served with `content_type` (None: no Content-Type header at all)."""
    return Route(200, (("Content-Type", content_type),) if content_type else (), body)


def fixture(name: str) -> bytes:
    """The bytes of a saved page under tests/content/fixtures/import/."""
    return (FIXTURES / name).read_bytes()


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._open is not None:
            self.found.append("".join(self._open).strip())
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


def paragraphs(page: bytes, encoding: str = "utf-8") -> list[str]:
    """The text of each <p> of a saved page, as written."""
    parser = _Paragraphs()
    parser.feed(page.decode(encoding))
    return parser.found
