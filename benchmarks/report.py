"""Report benchmark: the organization's quarter report over a year of participation (issue #14).

Generates branches x 30 members over a year of lessons (10 per branch; check-in and 3 answers each) and meetings
(a 支部党员大会 and a 党课 per quarter, sign-ins, approved leave, 补学) with bulk inserts into a migrated SQLite file
and a PostgreSQL database, then times ReportService.org_report for 2026-Q3 (that quarter and, for the trend, the one
before) against the same figures computed naively in Python from every row, and asserts both are equal.
Goals: the report within 1 s per database, at least 20x the naive computation. `--quick`: 50 branches.
The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from ingest_rig import database
from lesson_bot.db.engine import create_engine
from lesson_bot.db.models import Branch
from lesson_bot.db.uow import Database
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import parse
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.reports.facts import period_facts
from lesson_bot.services.reports.queries import Scope
from lesson_bot.services.reports.service import ReportService
from report_data import generate, naive_facts

ADMIN = 1
PERIOD = parse("2026-Q3")
NOW = parse("2027-01").bounds("UTC")[0]
GOAL_SECONDS, GOAL_SPEEDUP = 1.0, 20.0


async def measure(kind: str, folder: Path, branches: int, members: int) -> dict[str, float | int]:
    async with database(kind, folder) as url:
        return await _measure(url, branches, members)


async def _measure(url: str, branches: int, members: int) -> dict[str, float | int]:
    db = Database(create_engine(url))
    try:
        started = time.perf_counter()
        events = await generate(db, branches, members)
        generated = time.perf_counter() - started
        clock = FixedClock(NOW)
        service = ReportService(db, clock, AccessControl(db, clock, frozenset({ADMIN})))
        await service.org_report(ADMIN, PERIOD)  # warm the caches once, as a running service has them
        started = time.perf_counter()
        report = await service.org_report(ADMIN, PERIOD)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        async with db.transaction() as s:
            naive = {**await naive_facts(s, PERIOD, MeetingTypes(), NOW),
                     **{-k: v for k, v in (await naive_facts(s, PERIOD.previous(), MeetingTypes(), NOW)).items()}}
        naive_seconds = time.perf_counter() - started
        async with db.transaction() as s:
            rows = list((await s.execute(select(Branch).order_by(Branch.title))).scalars().all())
            fast = await period_facts(s, PERIOD, rows, Scope(), MeetingTypes(), NOW)
        assert fast == {k: v for k, v in naive.items() if k > 0}, "the report and the naive figures differ"
        assert len(report.branches) == branches
        return {"events": events, "seconds": seconds, "naive_seconds": naive_seconds, "generate_seconds": generated}
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="50 branches (the smoke test)")
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    options = parser.parse_args()
    branches = 50 if options.quick else options.branches
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite",) if options.no_postgres else ("sqlite", "postgres"):
            results[kind] = asyncio.run(measure(kind, Path(folder), branches, options.members))
    print(f"report benchmark: {branches} branches x {options.members} members, {results['sqlite']['events']:,} "
          f"participation events, org report for {PERIOD.label} (and {PERIOD.previous().label} for the trend)")
    for kind, r in results.items():
        print(f"{kind:<10} generate {r['generate_seconds']:8.1f} s  report {r['seconds']:7.3f} s  "
              f"naive {r['naive_seconds']:7.3f} s  speedup {r['naive_seconds'] / r['seconds']:6.1f}x")
    speedup = min(r["naive_seconds"] / r["seconds"] for r in results.values())
    summary = {"events": results["sqlite"]["events"], "branches": branches, "members": options.members,
               "seconds_sqlite": round(results["sqlite"]["seconds"], 4),
               "seconds_postgres": round(results["postgres"]["seconds"], 4) if "postgres" in results else None,
               "naive_seconds_sqlite": round(results["sqlite"]["naive_seconds"], 4),
               "speedup_vs_naive": round(speedup, 2), "goal_seconds": GOAL_SECONDS, "goal_speedup": GOAL_SPEEDUP,
               "equal_figures": True}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
