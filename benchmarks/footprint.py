"""Footprint: resident memory at idle and after bursts of check-in taps, and the time from start to ready.

For each database (``--db sqlite,postgres``) and each mode (``--modes polling,webhook``), a fresh `lesson-bot run`
process (the ingest rig's: bot on CPU 1, sandbox and driver on CPU 0, benchmarks/ingest_rig.py) is started
against an already migrated database, as a deployment's replicas are (the migrations run once before them):

* **ready_s**: from starting the process to /readyz answering 200 (database reachable, schema at head, bot
  initialised; docs/operations.md).
* **idle_rss_mb**: its resident memory (VmRSS) after ``--idle-s`` seconds of idling once ready.
* **rss_mb_after_burst_N**: after each of ``--bursts`` bursts of ``--lessons`` lessons' check-in taps by every
  member (50 groups x 40 members x 5 lessons: 10,000 taps a burst by default), each burst waited out (every tap
  recorded and answered) and followed by ``--idle-s`` seconds of calm. **growth_mb** is burst 3's figure less
  burst 2's (the first burst warms caches and pools; after that the footprint should stay flat).

Goals (issue 17): idle <= 150 MB, ready <= 3 s, no growth after repeated bursts. Figures depend on the machine and
its load: run it on a quiet one (`uptime`). The last line is a JSON object; its `idle_rss_mb_polling`,
`ready_s_polling`, `idle_rss_mb_webhook`, `ready_s_webhook` and `rss_mb_after_burst` are those of the first
database, `runs` has every run.

    .venv/bin/python benchmarks/footprint.py [--quick] [--db sqlite,postgres] [--modes polling,webhook]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from ingest_burst import measure, row_counter
from ingest_rig import (
    SandboxProcess,
    World,
    bot_process,
    cpu_seconds,
    create_world,
    database,
    free_port,
    pin,
    progress,
    sandbox_process,
)
from ingest_setup import Actions, Targets, actions_for, deliver_product_lessons
from lesson_bot.db.engine import create_engine
from tgsandbox import ControlClient

SECRET = "footprint-benchmark-secret"
CHECKINS = "SELECT count(*) FROM participation_events WHERE kind = 'lesson_checkin'"
READY_TIMEOUT_S = 300.0
POLL_S = 0.02
GOAL_IDLE_MB, GOAL_READY_S = 150.0, 3.0
# Another readiness path (FOOTPRINT_READY_PATH=/healthz) measures a lesson_bot without /readyz, for a before/after
# comparison: run this script with that version's interpreter.
READY_PATH = os.environ.get("FOOTPRINT_READY_PATH", "/readyz")


def compile_bytecode() -> None:
    """Compile this tree's packages to bytecode first, as `pip install` does for a deployment (the image's wheel).
    An editable install under PYTHONDONTWRITEBYTECODE=1 (this machine's environment, the Dockerfile's) never
    writes any, and every start then compiled lesson_bot's ~290 modules from source: about 1 s of CPU
    (docs/operations.md)."""
    for package in ("lesson_bot", "tgrules", "tgsandbox"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


def rss_mb(pid: int) -> float:
    """The process's resident set (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _env(db_url: str, sandbox: SandboxProcess, port: int, mode: str) -> dict[str, str]:
    env = {
        "LESSON_BOT_DATABASE_URL": db_url,
        "LESSON_BOT_BOT_TOKEN": sandbox.token,
        "LESSON_BOT_BOT_API_BASE_URL": sandbox.api_root,
        "LESSON_BOT_WEB_PORT": str(port),
        "LESSON_BOT_LOG_LEVEL": "WARNING",
        "LESSON_BOT_CONTENT_DIR": str(Path(__file__).resolve().parent.parent / "content"),
    }
    if mode == "webhook":
        env.update(LESSON_BOT_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", LESSON_BOT_WEBHOOK_SECRET=SECRET)
    return env


async def _until_ready(port: int, pid: int) -> None:
    """Poll /readyz until it answers 200 (the process is in another address space: nothing to await but HTTP)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    async with httpx.AsyncClient(timeout=5) as http:
        while time.monotonic() < deadline:
            if not Path(f"/proc/{pid}").exists():
                raise RuntimeError("the bot exited before it was ready")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(f"http://127.0.0.1:{port}{READY_PATH}")).status_code == 200:
                    return
            await asyncio.sleep(POLL_S)
    raise RuntimeError(f"{READY_PATH} did not answer 200 within {READY_TIMEOUT_S:.0f} s")


def _taps(actions: Actions) -> Actions:
    return Actions([item for item in actions.items if item[0] == "tap"])


async def run_mode(options: argparse.Namespace, kind: str, mode: str, db_url: str, sandbox: SandboxProcess,
                   world: World, targets: Targets, first_lesson: int, logs: Path) -> dict[str, Any]:
    """One bot process: ready time, idle memory, then the bursts."""
    figures: dict[str, Any] = {"db": kind, "mode": mode}
    port = free_port()
    control = ControlClient(sandbox.control_url, timeout=60)
    engine = create_engine(db_url)
    command = ["-m", "lesson_bot", "run", *(["--polling"] if mode == "polling" else [])]
    try:
        started = time.monotonic()
        with bot_process(command, _env(db_url, sandbox, port, mode), wait_line=False,
                         log=logs / f"{kind}_{mode}.log") as bot:
            await _until_ready(port, bot.pid)
            figures["ready_s"] = round(time.monotonic() - started, 2)
            await asyncio.sleep(options.idle_s)  # idling is what is measured
            figures["idle_rss_mb"] = round(rss_mb(bot.pid), 1)
            progress(f"{kind} {mode}: ready in {figures['ready_s']} s, idle {figures['idle_rss_mb']} MB")

            def cpu() -> tuple[float | None, float | None]:
                return cpu_seconds(bot.pid), cpu_seconds(sandbox.pid)

            for burst in range(options.bursts):
                lessons = range(first_lesson + burst * options.lessons, first_lesson + (burst + 1) * options.lessons)
                taps = _taps(actions_for(world, targets, lessons, seed=burst))
                outcome = await measure(control, row_counter(engine, CHECKINS), taps, None, options.timeout, cpu)
                if outcome.timed_out or outcome.notes:
                    figures.setdefault("notes", []).extend(outcome.notes)
                await asyncio.sleep(options.idle_s)
                figures[f"rss_mb_after_burst_{burst + 1}"] = round(rss_mb(bot.pid), 1)
                progress(f"{kind} {mode}: burst {burst + 1} of {len(taps.items):,} taps at {outcome.rate:,.0f}/s, "
                         f"then {figures[f'rss_mb_after_burst_{burst + 1}']} MB")
    finally:
        await control.aclose()
        await engine.dispose()
    if options.bursts >= 3:
        figures["growth_mb"] = round(figures["rss_mb_after_burst_3"] - figures["rss_mb_after_burst_2"], 1)
    return figures


async def run_db(options: argparse.Namespace, kind: str, logs: Path) -> list[dict[str, Any]]:
    """Every mode on one kind of database, sharing one sandbox, one world and one database."""
    per_mode = options.bursts * options.lessons
    runs = []
    with tempfile.TemporaryDirectory(prefix="footprint-") as folder, sandbox_process() as sandbox:
        async with database(kind, Path(folder)) as db_url:
            control = ControlClient(sandbox.control_url, timeout=60)
            try:
                world = await create_world(control, options.groups, options.members)
            finally:
                await control.aclose()
            targets = (await deliver_product_lessons(db_url, sandbox, world, per_mode * len(options.modes))
                       if per_mode else {})
            for index, mode in enumerate(options.modes):
                runs.append(await run_mode(options, kind, mode, db_url, sandbox, world, targets, index * per_mode,
                                           logs))
    return runs


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON line: the first database's figures under the names issue 17 asks for, and every run."""
    first = [r for r in runs if r["db"] == runs[0]["db"]] if runs else []
    result: dict[str, Any] = {}
    for run in first:
        result[f"idle_rss_mb_{run['mode']}"] = run["idle_rss_mb"]
        result[f"ready_s_{run['mode']}"] = run["ready_s"]
    after = [v for r in first for k, v in r.items() if k.startswith("rss_mb_after_burst_")]
    result["rss_mb_after_burst"] = max(after) if after else None
    growth = [r["growth_mb"] for r in runs if "growth_mb" in r]
    result["growth_mb_burst_2_to_3"] = max(growth) if growth else None
    result["runs"] = runs
    return result


def print_report(runs: list[dict[str, Any]]) -> None:
    print(f"{'db':<9}{'mode':<9}{'ready s':>9}{'idle MB':>9}  after each burst MB      growth 2->3 MB")
    for r in runs:
        bursts = " ".join(f"{v:7.1f}" for k, v in r.items() if k.startswith("rss_mb_after_burst_"))
        growth = r.get("growth_mb")
        print(f"{r['db']:<9}{r['mode']:<9}{r['ready_s']:>9.2f}{r['idle_rss_mb']:>9.1f}  {bursts:<24} "
              f"{'' if growth is None else f'{growth:+.1f}'}")
        for note in r.get("notes", []):
            print(f"  note: {note}")
    print(f"goals: idle <= {GOAL_IDLE_MB:.0f} MB, ready <= {GOAL_READY_S:.0f} s, no growth after repeated bursts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small smoke run (6 groups x 5 members, 1 lesson)")
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--modes", default="polling,webhook", help="comma-separated: polling, webhook")
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--members", type=int, default=40, help="members per group")
    parser.add_argument("--lessons", type=int, default=5, help="lessons whose check-ins make one burst")
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--idle-s", type=float, default=5.0, help="calm before each memory reading, s")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for one burst, s")
    options = parser.parse_args()
    if options.quick:
        options.groups, options.members, options.lessons, options.timeout = 6, 5, 1, 60.0
    options.dbs = [d for d in options.db.split(",") if d]
    options.modes = [m for m in options.modes.split(",") if m]
    if not set(options.dbs) <= {"sqlite", "postgres"} or not set(options.modes) <= {"webhook", "polling"}:
        parser.error("--db takes sqlite,postgres and --modes polling,webhook")
    os.environ["PTB_TIMEDELTA"] = "true"
    compile_bytecode()
    pin(os.getpid(), 0)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="footprint-logs-") as logs:
        for kind in options.dbs:
            try:
                runs += asyncio.run(run_db(options, kind, Path(logs)))
            except Exception:
                for log in sorted(Path(logs).glob("*.log")):
                    sys.stderr.write(f"--- {log.name} (tail) ---\n{log.read_text()[-3000:]}\n")
                raise
    print_report(runs)
    print(json.dumps(summary(runs), ensure_ascii=False))


if __name__ == "__main__":
    main()
