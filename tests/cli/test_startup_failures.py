"""Start-up failures an operator can fix are one line on stderr saying what is wrong and what to do: a non-zero exit,
no traceback, and never the bot token or the database password (the CLI is run as the operator runs it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support.db import PG_SERVER_URL, pg_database_url
from tests.support.procs import SandboxInfo, processes, start_sandbox

TIMEOUT = 180  # a guard against a hang only: on a loaded machine one start of the CLI takes tens of seconds
OTHER_TOKEN = "7000000002:" + "Q" * 35  # shaped like a token, but not the sandbox's
PASSWORD = "hunter2-not-to-be-printed"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxInfo]:
    with processes(tmp_path) as procs:
        yield start_sandbox(procs)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


def _cli(tmp_path: Path, args: list[str], **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSON_BOT_")}
    env.update({f"LESSON_BOT_{k.upper()}": v for k, v in settings.items()})
    env.setdefault("LESSON_BOT_WEB_PORT", str(_closed_port()))
    return subprocess.run([sys.executable, "-m", "lesson_bot", *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=TIMEOUT)


def _one_line(result: subprocess.CompletedProcess[str], *secrets: str) -> str:
    """The one line the command printed on stderr; checks the exit status, the lack of traceback and of secrets."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    for secret in secrets:
        assert secret not in output
    return lines[0]


def test_the_sandboxs_printed_bot_url_is_refused_with_the_url_to_use(sandbox: SandboxInfo, tmp_path: Path) -> None:
    """The sandbox prints base_url ending in /bot (for python-telegram-bot); given as the API root, start-up says to
    drop the /bot and names the URL to use, instead of blaming (and printing) the token."""
    result = _cli(tmp_path, ["run"], bot_token=sandbox.token, bot_api_base_url=sandbox.base_url,
                  database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    line = _one_line(result, sandbox.token)
    assert result.returncode == 2
    root = sandbox.base_url.removesuffix("/bot")
    assert line.startswith("configuration error: LESSON_BOT_BOT_API_BASE_URL: ends in /bot")
    assert f"drop it and use {root};" in line


def test_an_unreachable_bot_api_is_one_line(tmp_path: Path) -> None:
    """Nothing listens at the Bot API URL: one line names the URL and what to check."""
    root = f"http://127.0.0.1:{_closed_port()}"
    result = _cli(tmp_path, ["run"], bot_token=OTHER_TOKEN, bot_api_base_url=root,
                  database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    line = _one_line(result, OTHER_TOKEN, OTHER_TOKEN.split(":")[1])
    assert line.startswith(f"error: cannot reach the Bot API server at {root} (")
    assert line.endswith("check LESSON_BOT_BOT_API_BASE_URL and the network, then start again")


class _WebPage(BaseHTTPRequestHandler):
    """A web server that is no Bot API server: every request gets a page of HTML."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b"<html><body><h1>Welcome to nginx!</h1></body></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def web_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_web_server_that_is_no_bot_api_is_one_line(web_page: str, tmp_path: Path) -> None:
    """The URL points at a web page (200, HTML): one line says it is no Bot API server and what to set, without
    python-telegram-bot's logged traceback of the page."""
    result = _cli(tmp_path, ["run"], bot_token=OTHER_TOKEN, bot_api_base_url=web_page,
                  database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    line = _one_line(result, OTHER_TOKEN, "nginx")
    assert line == (f"error: the server at {web_page} did not answer as a Bot API server: set "
                    "LESSON_BOT_BOT_API_BASE_URL to its root (https://api.telegram.org, or your own server's), "
                    "without /bot")


@pytest.mark.parametrize("path", ["/control", "/bot{token}"], ids=["another path", "the token in the path"])
def test_a_wrong_path_on_the_bot_api_server_is_one_line_without_the_token(
        path: str, sandbox: SandboxInfo, tmp_path: Path) -> None:
    """The sandbox's control path, or the API root with /bot<token> appended: one line, and the token is not in it
    even where the URL itself carried it."""
    root = sandbox.base_url.removesuffix("/bot")
    result = _cli(tmp_path, ["run"], bot_token=sandbox.token, bot_api_base_url=root + path.format(token=sandbox.token),
                  database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    line = _one_line(result, sandbox.token, sandbox.token.split(":")[1])
    assert "LESSON_BOT_BOT_API_BASE_URL" in line


def test_a_rejected_token_is_named_but_never_printed(sandbox: SandboxInfo, tmp_path: Path) -> None:
    """The Bot API server refuses the token: one line says so, and neither that token nor any other is printed."""
    root = sandbox.base_url.removesuffix("/bot")
    result = _cli(tmp_path, ["run"], bot_token=OTHER_TOKEN, bot_api_base_url=root,
                  database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    line = _one_line(result, OTHER_TOKEN, OTHER_TOKEN.split(":")[1], sandbox.token)
    assert line == (f"error: the Bot API server at {root} rejected LESSON_BOT_BOT_TOKEN: check the token with "
                    "@BotFather (and that LESSON_BOT_BOT_API_BASE_URL is the server's root, without /bot)")
    assert not (tmp_path / "bot.db").exists()  # the Bot API is checked before the database is touched


def test_db_upgrade_on_a_missing_postgresql_database_says_createdb(pg_available: bool, tmp_path: Path) -> None:
    """`db upgrade` against a PostgreSQL database that does not exist names the `createdb` call to make, without
    the password of the URL."""
    if not pg_available:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} is unreachable (outside CI only)")
    url = pg_database_url("lb_never_created").replace("://postgres@", f"://postgres:{PASSWORD}@", 1)
    result = _cli(tmp_path, ["db", "upgrade"], database_url=url)
    line = _one_line(result, PASSWORD)
    assert line == ('error: PostgreSQL database "lb_never_created" does not exist on 127.0.0.1:5432: create it with '
                    "`createdb -h 127.0.0.1 -p 5432 -U postgres lb_never_created`, then run `lesson-bot db upgrade`")


def test_an_unreachable_postgresql_server_is_one_line(tmp_path: Path) -> None:
    """Nothing listens at the PostgreSQL URL's port: one line names host and port and what to check."""
    port = _closed_port()
    result = _cli(tmp_path, ["db", "current"],
                  database_url=f"postgresql+asyncpg://lesson_bot:{PASSWORD}@127.0.0.1:{port}/lesson_bot")
    line = _one_line(result, PASSWORD)
    assert line.startswith(f"error: cannot connect to PostgreSQL at 127.0.0.1:{port} (")
    assert line.endswith("is the server running, and are host and port in LESSON_BOT_DATABASE_URL right?")


@pytest.mark.parametrize("command", [["db", "upgrade"], ["run"]])
def test_an_sqlite_path_in_a_missing_folder_names_the_folder(command: list[str], tmp_path: Path) -> None:
    """An SQLite database in a folder that does not exist: one line names the folder to create (it is not created
    behind the operator's back: a mistyped path would start an empty database)."""
    folder = tmp_path / "data" / "lesson-bot"
    result = _cli(tmp_path, command, bot_token=OTHER_TOKEN, bot_api_base_url=f"http://127.0.0.1:{_closed_port()}",
                  database_url=f"sqlite+aiosqlite:///{folder / 'lesson_bot.db'}")
    line = _one_line(result, OTHER_TOKEN)
    assert line == (f"error: the folder {folder} of the SQLite database in LESSON_BOT_DATABASE_URL does not exist: "
                    f"create it (`mkdir -p {folder}`) or correct the path")
    assert not folder.exists()


def test_run_on_a_missing_postgresql_database_says_createdb(
    pg_available: bool, sandbox: SandboxInfo, tmp_path: Path
) -> None:
    """`run` reaches the Bot API, then finds the database missing: the same one line as `db upgrade`, no token."""
    if not pg_available:
        pytest.skip(f"PostgreSQL at {PG_SERVER_URL} is unreachable (outside CI only)")
    url = pg_database_url("lb_never_created").replace("://postgres@", f"://postgres:{PASSWORD}@", 1)
    result = _cli(tmp_path, ["run"], bot_token=sandbox.token, bot_api_base_url=sandbox.base_url.removesuffix("/bot"),
                  database_url=url)
    line = _one_line(result, PASSWORD, sandbox.token)
    assert line.startswith('error: PostgreSQL database "lb_never_created" does not exist on 127.0.0.1:5432')
