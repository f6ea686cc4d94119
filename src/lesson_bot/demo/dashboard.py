"""The demo's dashboard: the web app served on a local port (its public URL is that local address, and a session
secret is made for the run), and the last step of the scene, where the admin asks the bot for a sign-in link."""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass

from lesson_bot.demo.scene import Scene

HOST = "127.0.0.1"


@dataclass(frozen=True)
class LocalWeb:
    """A listening socket for the web server, and the settings the dashboard needs to go with it."""

    socket: socket.socket
    url: str
    session_secret: str


def local_web(port: int) -> LocalWeb:
    """Bind the dashboard's port on the loopback address (0: any free port) with a fresh session secret."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(64)
    return LocalWeb(sock, f"http://{HOST}:{sock.getsockname()[1]}", secrets.token_urlsafe(32))


async def open_dashboard(scene: Scene, admin: int) -> str | None:
    """The admin sends /dashboard in private; the link of the bot's answer (None if it sent none)."""
    scene.step(scene.t._("14. The admin opens the web dashboard: /dashboard in private"))
    [answer] = await scene.say(admin, "[私聊 管理员]", admin, "/dashboard")
    links = [e.get("url") for e in answer.get("entities") or [] if e.get("type") == "text_link"]
    return next((str(link) for link in links if link), None)
