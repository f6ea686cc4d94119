"""How many requests per second the sandbox serves, against a bare Starlette endpoint on the same stack.

Other benchmarks drive the bot against the sandbox; this one tells them where the sandbox's own ceiling is,
so they know when they are measuring the sandbox rather than the bot.

The sandbox runs in its own process (``python -m tgsandbox --no-flood``), the baseline (a bare
Starlette route answering a constant Bot API JSON, served by the same uvicorn) in another, and the load
comes from separate client processes, each running concurrent httpx.AsyncClient workers over keep-alive
connections. Everything is on 127.0.0.1, and every phase is bounded both in requests and in seconds.

    .venv/bin/python benchmarks/sandbox.py [--seconds 3] [--concurrency 32] [--clients 1]

It prints a table and, as its last line, a JSON object with requests/s per method and the ratios
"sandbox_vs_bare_starlette" (sandbox requests/s divided by the baseline's, per method).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from sandbox_load import Phase, RawConnection, measure

TOKEN = "123456:benchmark-token"
READY_TIMEOUT_S = 30.0
CONSTANT_RESULT = b'{"ok":true,"result":true}'


# --- the baseline server ------------------------------------------------------------------------------


def serve_bare_starlette(port: int) -> None:
    """Serve POST /bot<token>/<method> answering a constant Bot API JSON (the baseline)."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Request) -> Response:
        await request.body()  # read the body like any real endpoint must
        return Response(CONSTANT_RESULT, media_type="application/json")

    app = Starlette(routes=[Route("/bot{token}/{method}", endpoint, methods=["GET", "POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --- processes ----------------------------------------------------------------------------------------


_STARTED = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, so that stdout holds only the results."""
    print(f"[{time.perf_counter() - _STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)  # polling a port that is not open yet; there is nothing to wait on instead
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {READY_TIMEOUT_S} s")


@contextlib.contextmanager
def server_process(args: Sequence[str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def read_ready_line(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The sandbox prints one JSON line when it is ready."""
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT_S)
    if not readable:
        raise RuntimeError(f"the sandbox did not announce itself within {READY_TIMEOUT_S} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the sandbox exited ({process.poll()}) without announcing itself")
    return dict(json.loads(line))


# --- the two servers ----------------------------------------------------------------------------------


def callback_ids(control_url: str, base_url: str, chat_id: int, user_id: int, count: int) -> list[str]:
    """`count` fresh button taps on one bot message, made through the control API."""
    keyboard = {"inline_keyboard": [[{"text": "已学习", "callback_data": "lesson:done:1"}]]}
    sent = httpx.post(
        f"{base_url}sendMessage", json={"chat_id": chat_id, "text": "lesson", "reply_markup": keyboard}
    ).json()["result"]
    tap = {"chat_id": chat_id, "message_id": sent["message_id"], "user_id": user_id, "data": "lesson:done:1"}

    async def press_all() -> list[str]:
        ids: list[str] = []

        async def presser() -> None:
            connection = RawConnection(f"{control_url}/press")
            try:
                while len(ids) < count:
                    status, answer = await connection.post(tap)
                    if status != 200:
                        raise RuntimeError(f"the control API refused a button tap: {answer!r}")
                    ids.append(str(json.loads(answer)["result"]["callback_query_id"]))
            finally:
                await connection.close()

        await asyncio.gather(*(presser() for _ in range(8)))
        return ids[:count]

    return asyncio.run(press_all())


@dataclass
class Targets:
    """Both servers, running side by side so that each method is measured on both in the same minute."""

    sandbox_base: str
    control_url: str
    user_id: int
    baseline_base: str


def prepare_sandbox(ready: dict[str, Any]) -> Targets:
    """A member who started the bot and a full page of pending updates for getUpdates."""
    from tgsandbox import SyncControlClient

    control = SyncControlClient(ready["control_url"])
    try:
        user = int(control.create_user("Bench")["id"])
        control.start(user)
        # A poller that has not confirmed anything yet gets the same full page of updates every time.
        for number in range(max(0, UPDATES_PAGE - control.counters()["pending_updates"])):
            control.send(user, user, f"message {number}")
    finally:
        control.close()
    return Targets(f"{ready['base_url']}{ready['token']}/", ready["control_url"], user, "")


def phases(targets: Targets, method: str, options: argparse.Namespace) -> tuple[Phase, Phase]:
    """The (baseline, sandbox) load for one method; button taps are made fresh for each round."""
    bodies: dict[str, dict[str, Any]] = {
        "sendMessage": {
            "chat_id": targets.user_id,
            "text": "<b>第1课</b> 三会一课 &amp; more",
            "parse_mode": "HTML",
        },
        "getUpdates": {"timeout": 0, "limit": UPDATES_PAGE},
        "answerCallbackQuery": {"text": "已记录"},
    }
    body = bodies[method]
    if method != "answerCallbackQuery":
        return Phase(method, targets.baseline_base + method, body), Phase(method, targets.sandbox_base + method, body)
    ids = callback_ids(targets.control_url, targets.sandbox_base, targets.user_id, targets.user_id, options.callbacks)
    progress(f"{len(ids)} button taps made for answerCallbackQuery")
    return (
        Phase(method, targets.baseline_base + method, {**body, "callback_query_id": "1"}),
        Phase(method, targets.sandbox_base + method, body, "callback_query_id", ids),
    )


def run(options: argparse.Namespace) -> dict[str, dict[str, tuple[float, int]]]:
    """Best requests/s (and failures) per server and method over the rounds."""
    sandbox_port, baseline_port = free_port(), free_port()
    sandbox_command = [
        "-m",
        "tgsandbox",
        "--port",
        str(sandbox_port),
        "--token",
        TOKEN,
        "--no-flood",
    ]
    baseline_command = [os.path.abspath(__file__), "--serve-baseline", str(baseline_port)]
    best: dict[str, dict[str, tuple[float, int]]] = {"sandbox": {}, "baseline": {}}
    with (
        server_process(sandbox_command) as sandbox,
        server_process(baseline_command) as baseline,
        multiprocessing.get_context("spawn").Pool(options.clients) as pool,
    ):
        targets = prepare_sandbox(read_ready_line(sandbox))
        wait_for_port(baseline_port, baseline)
        targets.baseline_base = f"http://127.0.0.1:{baseline_port}/bot{TOKEN}/"
        progress("servers ready")
        for _ in range(options.rounds):
            for method in METHODS:
                for server, phase in zip(("baseline", "sandbox"), phases(targets, method, options), strict=True):
                    rate, failed = measure(phase, options, pool)
                    progress(f"{server} {method}: {rate:,.0f} req/s, {failed} failed")
                    previous = best[server].get(method, (0.0, 0))
                    best[server][method] = (max(rate, previous[0]), failed + previous[1])
    return best


UPDATES_PAGE = 100
METHODS = ("sendMessage", "getUpdates", "answerCallbackQuery")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="measured time per method and server")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured load before each measurement")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections per client process")
    parser.add_argument("--clients", type=int, default=1, help="load-generating processes")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="raw: minimal keep-alive HTTP/1.1 on asyncio streams (default); httpx: httpx.AsyncClient",
    )
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound per method and server")
    parser.add_argument("--rounds", type=int, default=2, help="measure each method this often; keep the best")
    parser.add_argument("--callbacks", type=int, default=6_000, help="button taps prepared per round")
    parser.add_argument("--serve-baseline", type=int, metavar="PORT", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.serve_baseline:
        serve_bare_starlette(options.serve_baseline)
        return

    best = run(options)
    sandbox, baseline = best["sandbox"], best["baseline"]

    print(
        f"sandbox benchmark: {options.clients} {options.client} client process(es)"
        f" x {options.concurrency} keep-alive connections,"
        f" best of {options.rounds} x {options.seconds:g} s per method,"
        f" {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{'method':<22}{'sandbox req/s':>15}{'bare Starlette req/s':>22}{'ratio':>8}{'failed':>8}")
    for method in METHODS:
        (rate, failed), (base_rate, base_failed) = sandbox[method], baseline[method]
        ratio = rate / base_rate if base_rate else float("nan")
        print(f"{method:<22}{rate:>15,.0f}{base_rate:>22,.0f}{ratio:>8.2f}{failed + base_failed:>8}")
    summary = {
        "benchmark": "sandbox",
        "requests_per_second": {method: round(sandbox[method][0], 1) for method in METHODS},
        "failed_requests": {method: sandbox[method][1] for method in METHODS},
        "baseline": "bare_starlette",
        "baseline_requests_per_second": {method: round(baseline[method][0], 1) for method in METHODS},
        "sandbox_vs_bare_starlette": {
            method: round(sandbox[method][0] / baseline[method][0], 3) if baseline[method][0] else None
            for method in METHODS
        },
        "client": options.client,
        "clients": options.clients,
        "concurrency": options.concurrency,
        "seconds": options.seconds,
        "rounds": options.rounds,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
