"""The sandbox's webhook client: keep-alive reuse, chunked and closed answers, refused connections."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tgsandbox.http_post import PostError, PostPool


async def _server(answers: list[bytes]) -> tuple[asyncio.Server, int, list[int]]:
    """A raw HTTP server giving the answers in turn; counts the connections it accepted."""
    connections: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while answers:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length"))
            await reader.readexactly(length)
            answer = answers.pop(0)
            writer.write(answer)
            await writer.drain()
            if b"Connection: close" in answer:
                break
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], connections


async def test_posts_reuse_the_connection_and_read_chunked_and_closing_answers() -> None:
    """Two answers on one kept connection, the second chunked; an answer that closes forces a new connection."""
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n3\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n",
        b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    ]
    server, port, connections = await _server(answers)
    pool = PostPool(timeout_s=5)
    url = f"http://127.0.0.1:{port}/hook"
    try:
        first = await pool.post(url, b"{}", {"Content-Type": "application/json"})
        second = await pool.post(url, b"{}", {})
        third = await pool.post(url, b"{}", {})
        fourth = await pool.post(url, b"{}", {})
    finally:
        await pool.aclose()
        server.close()
    assert (first.status, first.body) == (200, b"ok")
    assert (second.status, second.body) == (200, b'{"a":1}')
    assert (third.status, third.reason) == (403, "Forbidden")
    assert fourth.status == 200
    assert len(connections) == 2


async def test_nothing_listening_is_connection_refused() -> None:
    """A webhook whose server is down fails as "Connection refused", as getWebhookInfo reports it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pool = PostPool(timeout_s=5)
    with pytest.raises(PostError) as failed:
        await pool.post(f"http://127.0.0.1:{port}/hook", b"{}", {})
    assert (str(failed.value), failed.value.refused) == ("Connection refused", True)
