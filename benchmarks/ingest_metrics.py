"""The bot's own /metrics, scraped while a burst runs, held against what the sandbox saw (issue 17: "figures
consistent with the sandbox's own counters").

A scraper asks for /metrics every 0.5 s during the burst (as Prometheus would, more often). Afterwards, once the
figures settle, the bot must have counted every tap and answer of the burst as a handled update, and as many
engine sends (every result: sent, retried, 429...) as the sandbox received requests from the engine (the live
count's editMessageReplyMarkup), give or take the sends in flight at the moment of reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tgsandbox import ControlClient

SCRAPE_EVERY_S = 0.5
IN_FLIGHT = 8  # the dispatcher's max_sending: sends the sandbox has seen and the bot has not yet counted
ENGINE_METHODS = ("editMessageReplyMarkup",)
SETTLE_S = 10.0


@dataclass
class Reading:
    updates: float  # lesson_bot_updates_total over every kind and outcome
    sends: float  # lesson_bot_sends_total over every result
    engine_requests: int  # the sandbox's requests of ENGINE_METHODS


@dataclass
class Scrapes:
    """What the scraper saw: how many scrapes, the slowest, any that failed."""

    count: int = 0
    failed: int = 0
    slowest_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


async def read(http: httpx.AsyncClient, port: int, control: ControlClient) -> Reading:
    answer = await http.get(f"http://127.0.0.1:{port}/metrics")
    answer.raise_for_status()
    totals = {"lesson_bot_updates": 0.0, "lesson_bot_sends": 0.0}
    for family in text_string_to_metric_families(answer.text):
        if family.name in totals:
            totals[family.name] += sum(s.value for s in family.samples if s.name.endswith("_total"))
    requests = (await control.counters())["requests"]
    return Reading(totals["lesson_bot_updates"], totals["lesson_bot_sends"],
                   sum(int(requests.get(m, 0)) for m in ENGINE_METHODS))


async def scrape_during(port: int, stop: asyncio.Event, scrapes: Scrapes) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                (await http.get(f"http://127.0.0.1:{port}/metrics")).raise_for_status()
                scrapes.count += 1
                scrapes.slowest_ms = max(scrapes.slowest_ms, (time.perf_counter() - started) * 1000)
            except httpx.HTTPError:
                scrapes.failed += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SCRAPE_EVERY_S)


async def consistent(port: int, control: ControlClient, before: Reading, actions: int) -> tuple[bool, str]:
    """Whether the bot's counters agree with the burst and the sandbox (polled until they do, or SETTLE_S)."""
    async with httpx.AsyncClient(timeout=10) as http:
        deadline = time.monotonic() + SETTLE_S
        while True:
            now = await read(http, port, control)
            updates = now.updates - before.updates
            sends, requests = now.sends - before.sends, now.engine_requests - before.engine_requests
            ok = updates == actions and abs(sends - requests) <= IN_FLIGHT
            if ok or time.monotonic() > deadline:
                return ok, (f"/metrics counted {updates:,.0f} updates for {actions:,} actions and {sends:,.0f} engine "
                            f"sends for the sandbox's {requests:,} engine requests")
            await asyncio.sleep(0.2)  # counters still moving: read again
