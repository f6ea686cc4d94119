"""Load generation for benchmarks/sandbox.py: client processes posting Bot API calls over keep-alive HTTP.

httpx.AsyncClient is the obvious client, but on a small machine it costs the load generator several times
what a request costs the server (measured: ~150 req/s from one httpx process against a bare Starlette
endpoint that a minimal client drives at ~1,000+ req/s), so the default client here is a minimal
HTTP/1.1 keep-alive connection on asyncio streams; ``client="httpx"`` is kept for comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Phase:
    """One method's load: where to send it and with which bodies."""

    method: str
    url: str
    payload: dict[str, Any] | None = None  # the same body every time ...
    unique_field: str | None = None  # ... or this field taken once from `unique_values`
    unique_values: Sequence[str] = ()


@dataclass
class ClientResult:
    ok: int
    failed: int
    elapsed_s: float


class RawConnection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a load generator far lighter than httpx."""

    def __init__(self, url: str) -> None:
        parsed = httpx.URL(url)
        self.host, self.port, self.path = parsed.host, parsed.port or 80, parsed.raw_path.decode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: dict[str, Any]) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        content = json.dumps(body, ensure_ascii=False).encode()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
        )
        self.writer.write(head.encode() + content)
        status_line, _, headers = (await self.reader.readuntil(b"\r\n\r\n")).partition(b"\r\n")
        length = None
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ConnectionError("the benchmark client needs Content-Length answers")
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def drive(
    phase: Phase, seconds: float, warmup_s: float, concurrency: int, max_requests: int, client: str
) -> ClientResult:
    values = list(reversed(phase.unique_values))
    counts = {"ok": 0, "failed": 0}
    measuring = False
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    def next_body() -> dict[str, Any] | None:
        if phase.unique_field is None:
            return phase.payload
        if not values:
            return None
        return {**(phase.payload or {}), phase.unique_field: values.pop()}

    async def post(http: httpx.AsyncClient, raw: RawConnection, body: dict[str, Any]) -> bool:
        try:
            if client == "raw":
                return (await raw.post(body))[0] == 200
            return (await http.post(phase.url, json=body)).status_code == 200
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError):
            raw.writer = None
            return False

    async def worker(http: httpx.AsyncClient, raw: RawConnection, deadline: float) -> None:
        while time.perf_counter() < deadline and counts["ok"] + counts["failed"] < max_requests:
            body = next_body()
            if body is None:
                return
            good = await post(http, raw, body)
            if measuring:
                counts["ok" if good else "failed"] += 1

    connections = [RawConnection(phase.url) for _ in range(concurrency)]
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as http:
        warmup_end = time.perf_counter() + warmup_s
        await asyncio.gather(*(worker(http, raw, warmup_end) for raw in connections))
        measuring = True
        started = time.perf_counter()
        await asyncio.gather(*(worker(http, raw, started + seconds) for raw in connections))
        elapsed = time.perf_counter() - started
    for raw in connections:
        await raw.close()
    return ClientResult(counts["ok"], counts["failed"], elapsed)


def client_main(args: tuple[Phase, float, float, int, int, str]) -> ClientResult:
    return asyncio.run(drive(*args))


def measure(phase: Phase, options: Any, pool: Any) -> tuple[float, int]:
    """Requests/s served (sum over client processes) and the number of failed requests.

    ``options`` carries clients, seconds, warmup, concurrency, max_requests and client (the CLI's namespace).
    """
    clients = options.clients
    shares = [phase.unique_values[index::clients] for index in range(clients)]
    jobs = [
        (
            Phase(phase.method, phase.url, phase.payload, phase.unique_field, shares[index]),
            options.seconds,
            options.warmup,
            options.concurrency,
            options.max_requests // clients,
            options.client,
        )
        for index in range(clients)
    ]
    results: list[ClientResult] = pool.map(client_main, jobs)
    rate = sum(result.ok / result.elapsed_s for result in results if result.elapsed_s > 0)
    return rate, sum(result.failed for result in results)
