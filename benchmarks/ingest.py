"""Ingestion: a burst of check-in taps and quiz answers through the sandbox, the real bot and the database.

2,000 members in 200 groups (``--groups``, ``--members``) each check in on ``--lessons`` lessons and answer each
lesson's first quiz question: 20,000 actions by default, half taps, half answers. The bot under test is a separate
process on CPU 1 (``lesson-bot run``, in webhook mode or with ``--polling``); the sandbox runs on CPU 0 with this
driver. Every configuration gets its own lessons, delivered beforehand the product's way (schedules, planner,
dispatcher). Baselines (benchmarks/ingest_naive.py), run the same ways in the same run: a plain
python-telegram-bot application that commits per update and answers each tap with its own request, with PTB's
defaults ("naive_ptb") and with 256 updates at once ("naive_concurrent"). A reference, webhook mode only:
"ptb_ceiling" (benchmarks/ingest_ceiling.py), python-telegram-bot parsing and dispatching each update and answering
taps in the reply, with no database: the fastest any PTB bot can take updates on this rig.

Two measurements per configuration, on different lessons:

* **burst**: every action queued at once (bulk control calls of 500); updates/s = actions / (first queued ->
  last event committed AND last tap answered). Tap-to-answer latency is printed too, but under a saturating burst
  it is mostly the wait in the queue.
* **paced**: ``--paced-lessons`` more lessons' actions arriving open-loop at ``--paced-rate`` actions/s (the goal
  rate, 1,000/s); answer p50/p99 = time from the tap's creation in the sandbox to answerCallbackQuery arriving
  there (as a request or in the webhook's reply).

Every burst is verified: the database must hold exactly one event per action (none lost, none duplicated).

    .venv/bin/python benchmarks/ingest.py [--quick] [--db sqlite,postgres] [--groups 200] [--members 10]

It prints a table and notes on stdout and, as its last line, a JSON object. Progress goes to stderr.
INGEST_PROFILE_DIR=<dir> writes a cProfile of each lesson_bot process; INGEST_BOT_ENTRY=<script> runs a script
instead of ``-m lesson_bot`` (experiments; docs/ingest.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

import ingest_metrics
from ingest_burst import Counter, measure, row_counter
from ingest_model import BASELINE, BASELINES, CEILING, GOAL_RATE, PLAIN_BOTS, STRONG_BASELINE, Config, Result
from ingest_report import print_report, summary
from ingest_rig import (
    SandboxProcess,
    World,
    affinity,
    bot_process,
    cpu_seconds,
    create_world,
    database,
    free_port,
    pin,
    progress,
    sandbox_process,
)
from ingest_setup import Targets, actions_for, deliver_product_lessons, send_plain_lessons
from lesson_bot.db.engine import create_engine
from tgsandbox import ControlClient

SECRET = "ingest-benchmark-secret"
PRODUCT_COUNT = "SELECT count(*) FROM participation_events WHERE kind IN ('lesson_checkin', 'quiz_answer')"
NAIVE_COUNT = "SELECT count(*) FROM naive_events"
PROFILE_DIR = os.environ.get("INGEST_PROFILE_DIR")  # set it to write a cProfile of each lesson_bot process there
ENTRY = os.environ.get("INGEST_BOT_ENTRY")  # a script run instead of `-m lesson_bot` (experiments, see docs/ingest.md)


async def _ready(control: ControlClient, config: Config, counters_before: dict[str, int], port: int | None) -> None:
    """Until the bot takes updates: its webhook set and its web server up, or its first getUpdates."""
    method = "setWebhook" if config.mode == "webhook" else "getUpdates"
    await control.wait_requests(method, counters_before.get(method, 0) + 1, timeout=60)
    if port is None:
        return

    async with httpx.AsyncClient() as http:
        for _ in range(600):
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)  # uvicorn comes up after the bot's startup; nothing to wait on but the port
    raise RuntimeError(f"{config.name}: the web server did not come up")


def _bot_command(config: Config, db_url: str, sandbox: SandboxProcess, port: int) -> tuple[list[str], dict[str, str]]:
    if config.bot == CEILING:
        return [str(Path(__file__).with_name("ingest_ceiling.py")), "--api-root", sandbox.api_root,
                "--token", sandbox.token, "--port", str(port), "--secret", SECRET], {}
    if config.bot in BASELINES:
        command = [str(Path(__file__).with_name("ingest_naive.py")), "--mode", config.mode, "--db", db_url,
                   "--api-root", sandbox.api_root, "--token", sandbox.token, "--port", str(port), "--secret", SECRET,
                   *(["--concurrent"] if config.bot == STRONG_BASELINE else [])]
        return command, {}
    env = {
        "LESSON_BOT_DATABASE_URL": db_url,
        "LESSON_BOT_BOT_TOKEN": sandbox.token,
        "LESSON_BOT_BOT_API_BASE_URL": sandbox.api_root,
        "LESSON_BOT_WEB_PORT": str(port),
        "LESSON_BOT_LOG_LEVEL": "WARNING",
        "LESSON_BOT_CONTENT_DIR": str(Path(__file__).resolve().parent.parent / "content"),
    }
    if config.mode == "webhook":
        env.update(LESSON_BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", LESSON_BOT_WEBHOOK_SECRET=SECRET)
    profile = (["-m", "cProfile", "-o", str(Path(PROFILE_DIR) / f"{config.db}_{config.mode}.prof")]
               if PROFILE_DIR else [])
    entry = [ENTRY] if ENTRY else ["-m", "lesson_bot"]
    return [*profile, *entry, "run", *(["--polling"] if config.mode == "polling" else [])], env


async def run_config(options: argparse.Namespace, config: Config, db_url: str, sandbox: SandboxProcess,
                     world: World, targets: Targets, first_lesson: int, logs: Path) -> Result:
    """One bot process: its burst, then its paced run, on its own lessons."""
    result = Result(config)
    control = ControlClient(sandbox.control_url, timeout=60)
    engine = create_engine(db_url)
    port = free_port()
    command, env = _bot_command(config, db_url, sandbox, port)
    count = (_handled_counter(port) if config.bot == CEILING
             else row_counter(engine, NAIVE_COUNT if config.bot in BASELINES else PRODUCT_COUNT))
    burst = actions_for(world, targets, range(first_lesson, first_lesson + options.lessons), seed=1)
    paced_range = range(first_lesson + options.lessons, first_lesson + options.lessons + options.paced_lessons)
    paced = actions_for(world, targets, paced_range, seed=2)
    try:
        before = (await control.counters())["requests"]
        log = logs / f"{config.name.replace(' ', '_')}.log"
        with bot_process(command, env, wait_line=config.bot in PLAIN_BOTS, log=log) as bot:
            health_port = port if config.mode == "webhook" and config.bot not in PLAIN_BOTS else None
            await _ready(control, config, before, health_port)
            progress(f"{config.name}: bot ready (pid {bot.pid} on CPU {affinity(bot.pid)}, sandbox on CPU "
                     f"{affinity(sandbox.pid)}); burst of {len(burst.items):,} actions")

            def cpu() -> tuple[float | None, float | None]:
                return cpu_seconds(bot.pid), cpu_seconds(sandbox.pid)

            scraped = config.bot not in PLAIN_BOTS  # the product's /metrics, scraped during its burst
            stop, scrapes = asyncio.Event(), ingest_metrics.Scrapes()
            if scraped:
                async with httpx.AsyncClient() as http:
                    before_metrics = await ingest_metrics.read(http, port, control)
                scraper = asyncio.create_task(ingest_metrics.scrape_during(port, stop, scrapes))
            result.burst = await measure(control, count, burst, None, options.timeout, cpu)
            if scraped:
                stop.set()
                await scraper
                agree, note = await ingest_metrics.consistent(port, control, before_metrics, len(burst.items))
                result.burst.notes.append(f"{note}: {'consistent' if agree else 'NOT consistent'}; scraped "
                                          f"{scrapes.count} times during the burst (slowest {scrapes.slowest_ms:.0f} "
                                          f"ms, {scrapes.failed} failed)")
                result.metrics_consistent = agree
            progress(f"{config.name}: burst {result.burst.rate:,.0f} actions/s, p99 {result.burst.p99_ms} ms, "
                     f"{result.burst.committed:,} committed, webhook in flight {result.burst.in_flight}")
            if paced.items:
                result.paced = await measure(control, count, paced, options.paced_rate,
                                             options.timeout, cpu)
                progress(f"{config.name}: paced at {options.paced_rate:g}/s: p50 {result.paced.p50_ms} ms, "
                         f"p99 {result.paced.p99_ms} ms")
    except Exception as exc:  # one configuration failing must not hide the others' figures
        result.crashed = f"{type(exc).__name__}: {exc}"
        progress(f"{config.name}: crashed: {result.crashed}")
    finally:
        await control.aclose()
        await engine.dispose()
    return result


def _handled_counter(port: int) -> Counter:
    """The ceiling bot writes nothing: what it has handled is its own count (GET /count)."""

    async def count() -> int:
        async with httpx.AsyncClient() as http:
            answer = await http.get(f"http://127.0.0.1:{port}/count")
            answer.raise_for_status()
            return int(answer.json()["handled"])

    return count


async def drop_setup_updates(sandbox: SandboxProcess) -> None:
    """Forget the updates the setup caused (the bot joining 200 groups...): the bursts are what is measured."""

    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{sandbox.base_url}{sandbox.token}/deleteWebhook",
                                 json={"drop_pending_updates": True})
        answer.raise_for_status()


async def run_db(options: argparse.Namespace, kind: str, logs: Path) -> list[Result]:
    """Every configuration on one kind of database, sharing one sandbox and one database."""
    configs = [Config(kind, mode, "lesson_bot") for mode in options.modes] if "lesson_bot" in options.bots else []
    if kind in options.naive_db:
        configs += [Config(kind, mode, bot) for bot in BASELINES if bot in options.bots for mode in options.modes]
        if CEILING in options.bots and "webhook" in options.modes:
            configs.append(Config(kind, "webhook", CEILING))
    per_config = options.lessons + options.paced_lessons
    product = [c for c in configs if c.bot not in PLAIN_BOTS]
    naive = [c for c in configs if c.bot in PLAIN_BOTS]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ingest-") as folder, sandbox_process() as sandbox:
        async with database(kind, Path(folder)) as db_url:
            control = ControlClient(sandbox.control_url, timeout=60)
            try:
                world = await create_world(control, options.groups, options.members)
            finally:
                await control.aclose()
            progress(f"{kind}: {len(world.groups)} groups of {options.members} members in the sandboxes")
            product_targets = (await deliver_product_lessons(db_url, sandbox, world, per_config * len(product))
                               if product else {})
            naive_targets = await send_plain_lessons(sandbox, world, per_config * len(naive)) if naive else {}
            await drop_setup_updates(sandbox)
            for index, config in enumerate(product):
                results.append(await run_config(options, config, db_url, sandbox, world, product_targets,
                                                index * per_config, logs))
            for index, config in enumerate(naive):
                results.append(await run_config(options, config, db_url, sandbox, world, naive_targets,
                                                index * per_config, logs))
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small smoke run (6 groups x 5 members, 1 lesson)")
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--modes", default="webhook,polling", help="comma-separated: webhook, polling")
    parser.add_argument("--naive-db", default="sqlite", help="databases the baseline runs on (comma-separated)")
    parser.add_argument("--bots", default=f"lesson_bot,{BASELINE},{STRONG_BASELINE},{CEILING}",
                        help="which bots run (comma-separated)")
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=10, help="members per group")
    parser.add_argument("--lessons", type=int, default=5, help="lessons per member in the burst")
    parser.add_argument("--paced-lessons", type=int, default=1, help="lessons per member in the paced run")
    parser.add_argument("--paced-rate", type=float, default=GOAL_RATE, help="actions/s offered in the paced run")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for one burst, s")
    options = parser.parse_args(argv)
    if options.quick:
        options.groups, options.members, options.lessons, options.timeout = 6, 5, 1, 60.0
        options.paced_rate = min(options.paced_rate, 100.0)
    options.dbs = [d for d in options.db.split(",") if d]
    options.modes = [m for m in options.modes.split(",") if m]
    options.naive_db = [d for d in options.naive_db.split(",") if d]
    options.bots = [b for b in options.bots.split(",") if b]
    if not set(options.dbs) <= {"sqlite", "postgres"} or not set(options.modes) <= {"webhook", "polling"}:
        parser.error("--db takes sqlite,postgres and --modes webhook,polling")
    os.environ["PTB_TIMEDELTA"] = "true"
    pin(os.getpid(), 0)
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ingest-logs-") as logs:
        for kind in options.dbs:
            results += asyncio.run(run_db(options, kind, Path(logs)))
        for result in results:
            if result.crashed or (result.burst and (result.burst.timed_out or result.burst.notes)):
                log = Path(logs) / f"{result.config.name.replace(' ', '_')}.log"
                if log.exists():
                    sys.stderr.write(f"--- {log.name} (tail) ---\n{log.read_text()[-3000:]}\n")
    progress(f"done in {time.perf_counter() - started:.0f} s")
    print_report(options, results)
    print(json.dumps(summary(options, results), ensure_ascii=False))


if __name__ == "__main__":
    main()
