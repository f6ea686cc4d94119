"""The sandbox keeps an idle client connection open past the clients' own keep-alive (httpx: 5 s).

With uvicorn's default of 5 s the server closed idle connections just as httpx (python-telegram-bot's default
backend) considered them still usable: a call sent at that instant failed with httpx.ReadError (seen once in
benchmarks/ingest.py). The client must always be the one to close.
"""

from __future__ import annotations

import asyncio

import httpx

from tgsandbox import Sandbox


async def test_an_idle_connection_is_still_served_after_the_clients_keep_alive(sb: Sandbox) -> None:
    # One connection, kept idle for up to 30 s by the client, so whether it survives 6 s is the server's doing.
    transport = httpx.AsyncHTTPTransport(retries=0, limits=httpx.Limits(max_connections=1, keepalive_expiry=30))
    async with httpx.AsyncClient(transport=transport) as client:
        assert (await client.post(f"{sb.base_url}{sb.token}/getMe")).json()["ok"] is True
        await asyncio.sleep(6)  # idle longer than uvicorn's default keep-alive (5 s): the behaviour under test
        assert (await client.post(f"{sb.base_url}{sb.token}/getMe")).json()["ok"] is True
        connections = transport._pool.connections  # httpcore's pool, to see whether the first connection served both
        assert [c.info().split(", ", 1)[1] for c in connections] == ["HTTP/1.1, IDLE, Request Count: 2"]
