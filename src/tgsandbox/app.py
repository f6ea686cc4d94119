"""Starting a sandbox: in the caller's event loop (tests) or as a blocking server (CLI, other processes)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from tgsandbox.client import ControlClient
from tgsandbox.control import build_control_app
from tgsandbox.limits import FloodConfig
from tgsandbox.server import SandboxServer
from tgsandbox.state import SandboxState, Tunables, build_state
from tgsandbox.webhook import WebhookPusher

HOST = "127.0.0.1"
# Longer than any client keeps an idle connection (httpx 5 s, aiohttp 15 s). With uvicorn's default of 5 s, equal to
# httpx's, a client could send on a connection the same instant the server closed it: the call failed with
# httpx.ReadError (seen once in benchmarks/ingest.py: a baseline's answerCallbackQuery). The side that keeps a
# connection for less time must be the one that closes it.
KEEP_ALIVE_S = 75


@dataclass
class Sandbox:
    """A running sandbox: where to point python-telegram-bot, and the control client."""

    base_url: str
    base_file_url: str
    control_url: str
    token: str
    control: ControlClient
    state: SandboxState

    def announcement(self) -> dict[str, Any]:
        """The JSON line printed when a standalone sandbox is ready."""
        return {
            "base_url": self.base_url,
            "base_file_url": self.base_file_url,
            "control_url": self.control_url,
            "token": self.token,
            "bot_username": self.state.bot.username,
        }


def _bind(port: int) -> socket.socket:
    # Binding ourselves gives port=0 a real port before uvicorn starts, with no race.
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say so, and without it every
    # answer (headers and body written separately) waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.set_inheritable(True)
    return sock


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside someone else's event loop: the host program owns the signal handlers."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def run_sandbox(
    port: int = 0,
    token: str | None = None,
    flood: FloodConfig | None = None,
    tunables: Tunables | None = None,
    bot_username: str = "sandbox_bot",
    log_level: str = "warning",
) -> AsyncIterator[Sandbox]:
    """Serve a fresh sandbox on 127.0.0.1 in this event loop for the duration of the block."""
    state = build_state(token=token, flood=flood, bot_username=bot_username)
    if tunables is not None:
        state.tunables = tunables
    sock = _bind(port)
    actual_port = sock.getsockname()[1]
    root = f"http://{HOST}:{actual_port}"
    info = {
        "base_url": f"{root}/bot",
        "base_file_url": f"{root}/file/bot",
        "control_url": f"{root}/control",
        "token": state.token,
    }
    pusher = WebhookPusher(state)
    app = SandboxServer(state, build_control_app(state, pusher, info))
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", access_log=False,
                            timeout_keep_alive=KEEP_ALIVE_S)
    server = _EmbeddedServer(config)
    serve_task = asyncio.create_task(server.serve(sockets=[sock]))
    pusher_task = asyncio.create_task(pusher.run())
    control = ControlClient(info["control_url"])
    try:
        while not server.started:
            if serve_task.done():
                serve_task.result()
                raise RuntimeError("the sandbox server stopped before it started")
            await asyncio.sleep(0.01)  # uvicorn offers no event for "started"; this is its startup wait
        yield Sandbox(
            info["base_url"], info["base_file_url"], info["control_url"], state.token, control, state
        )
    finally:
        await control.aclose()
        pusher_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pusher_task
        server.should_exit = True
        await serve_task
        sock.close()


async def serve_forever(
    port: int,
    token: str | None = None,
    flood: FloodConfig | None = None,
    announce: bool = True,
) -> None:
    """Run until cancelled (Ctrl-C), printing one JSON line with the URLs and the token when ready."""
    async with run_sandbox(port=port, token=token, flood=flood) as sandbox:
        if announce:
            sys.stdout.write(json.dumps(sandbox.announcement()) + "\n")
            sys.stdout.flush()
        await asyncio.Event().wait()
