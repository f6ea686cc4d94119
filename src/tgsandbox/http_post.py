"""A small keep-alive HTTP/1.1 POST client for webhook delivery to plain-http URLs.

Telegram pushes thousands of updates a second to a busy bot; httpx costs the sandbox about a millisecond of CPU per
request, which would make the sandbox, not the bot, the bottleneck of a load test. This client does only what a
webhook push needs: POST a body, read the status and a Content-Length or chunked answer, reuse the connection.
HTTPS webhooks still go through httpx (see webhook.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from urllib.parse import urlsplit

_MAX_HEAD = 64 * 1024


class PostError(Exception):
    """The request failed before an answer arrived; `refused` when nothing listened."""

    def __init__(self, message: str, *, refused: bool = False, timed_out: bool = False) -> None:
        super().__init__(message)
        self.refused = refused
        self.timed_out = timed_out


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: bytes


_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class PostPool:
    """Idle connections per host and port, reused for the next POST."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._idle: dict[tuple[str, int], list[_Connection]] = {}

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Answer:
        """POST `body`; the answer, or PostError (connection refused, reset, timed out, malformed answer)."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        idle = self._idle.setdefault((host, port), [])
        # A kept connection may have been closed by the server meanwhile: then try once more on a fresh one.
        for reused in (True, False):
            connection = idle.pop() if reused and idle else None
            if reused and connection is None:
                continue
            try:
                if connection is None:
                    connection = await asyncio.wait_for(asyncio.open_connection(host, port), self.timeout_s)
                answer, keep = await asyncio.wait_for(self._exchange(connection, request), self.timeout_s)
            except TimeoutError:
                _close(connection)
                raise PostError("Read timeout expired", timed_out=True) from None
            except ConnectionRefusedError:
                raise PostError("Connection refused", refused=True) from None
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                _close(connection)
                if reused:
                    continue
                raise PostError(f"Connection error: {exc or type(exc).__name__}") from None
            if keep:
                idle.append(connection)
            else:
                _close(connection)
            return answer
        raise PostError("Connection error")  # not reached: the fresh attempt returns or raises

    async def _exchange(self, connection: _Connection, request: bytes) -> tuple[Answer, bool]:
        reader, writer = connection
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > _MAX_HEAD:
            raise ValueError("answer head too large")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        version, status, *reason = status_line.split(" ", 2)
        fields: dict[str, str] = {}
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        if "chunked" in fields.get("transfer-encoding", "").lower():
            body = await _read_chunked(reader)
        else:
            body = await reader.readexactly(int(fields.get("content-length", "0")))
        keep = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
        return Answer(int(status), reason[0] if reason else "", body), keep

    async def aclose(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            for connection in idle:
                _close(connection)
        self._idle.clear()


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


def _close(connection: _Connection | None) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):
            connection[1].close()
