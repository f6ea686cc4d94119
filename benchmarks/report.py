"""Report benchmark (issue #14): the organization's quarter report over a year of participation, on SQLite and on
PostgreSQL, against the same figures computed naively in Python from every row, in the same run.

Data (report_data.py): 1,000 branches x 30 members over 2026 by default, a lesson a week and the 三会一课 meetings,
about 1.06 million participation events (check-ins, quiz answers, 补学), bulk-loaded, then ANALYZE. Timed:

- the rollups' build (services/reports/rollups.py): the load went through the change-log triggers like any write,
  so the first refresh recomputes every (branch, month) the year has; timed once, apart;
- the report: ReportService.org_report for 2026-Q3 (its branches, scorecards, ranks, members, and the trend against
  2026-Q2; its refresh of the rollups finds nothing left to do), then its sheets (services/reports/sheets.org_sheets);
  one warm-up run, then the median of --runs runs; then its XLSX file (reports/xlsx.py, openpyxl), once;
- the naive computation (report_naive.py): every row of the tables the report reads loaded into Python, the figures
  of both quarters computed with plain loops and the same report built from them; run once.

The two reports must be equal (every branch line, scorecard, rank, trend and member line), or the run fails.
Goals: the report within 1 s on each database and at least 20x faster than the naive computation.
`--quick`: 50 branches, the smoke test. The last line is a JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest_rig import database
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.domain.assessment import AssessmentRules, ranks
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period, parse
from lesson_bot.i18n import Translator
from lesson_bot.reports.files import ChartsAndSheets
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.reports.service import ReportService
from lesson_bot.services.reports.sheets import org_sheets
from lesson_bot.services.reports.views import OrgReport, Trend, branch_line, member_line
from report_data import Tables, generate, load_postgres, load_sqlite
from report_naive import load, naive_facts

ADMIN = 1
PERIOD = parse("2026-Q3")
NOW = parse("2027-01").bounds("UTC")[0]
GOAL_SECONDS, GOAL_SPEEDUP = 1.0, 20.0


def naive_report(rows: Any, period: Period, rules: AssessmentRules) -> OrgReport:
    """The organization's report built from the naive figures with the same views the service uses."""
    facts = naive_facts(rows, period, MeetingTypes(), NOW)
    before = naive_facts(rows, period.previous(), MeetingTypes(), NOW)
    order = ranks({f.branch_id: branch_line(f, rules).scorecard.total for f in facts.values()})
    lines = sorted((branch_line(f, rules, order.get(f.branch_id)) for f in facts.values()),
                   key=lambda b: (b.rank is None, b.rank or 0, b.title, b.branch_id))
    previous = {f.branch_id: branch_line(f, rules).scorecard.total for f in before.values()}
    trend = tuple(Trend(b.branch_id, b.scorecard.total, previous.get(b.branch_id)) for b in lines)
    members = tuple(member_line(b.branch_id, m, rules) for b in lines for m in facts[b.branch_id].members)
    return OrgReport(period, period.previous(), tuple(lines), trend, members, rules)


async def measure(kind: str, folder: Path, generated: list[Tables], runs: int) -> dict[str, Any]:
    """Load the generated rows (taken out of `generated`), drop them, then measure: a service process does not
    hold a generator's millions of rows, and they would slow every garbage collection of the naive computation."""
    async with database(kind, folder) as url:
        started = time.perf_counter()
        tables = generated.pop()
        if kind == "sqlite":
            load_sqlite(url.split("///", 1)[1], tables)
        else:
            await load_postgres(url.replace("postgresql+asyncpg://", "postgresql://", 1), tables)
        del tables
        gc.collect()
        loaded = time.perf_counter() - started
        db = Database(create_engine(url))
        try:
            return {"load_seconds": loaded, **await _measure(db, runs)}
        finally:
            await db.dispose()


async def _measure(db: Database, runs: int) -> dict[str, Any]:
    clock = FixedClock(NOW)
    service = ReportService(db, clock, AccessControl(db, clock, frozenset({ADMIN})))
    # The load went through the triggers like any write: the rollups are built from its change log first.
    built = await service.rollups.refresh()
    org_sheets(await service.org_report(ADMIN, PERIOD))  # warm-up: the connection pool, statement caches
    report_times, sheet_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        report = await service.org_report(ADMIN, PERIOD)
        middle = time.perf_counter()
        sheets = org_sheets(report)
        report_times.append(middle - started)
        sheet_times.append(time.perf_counter() - middle)
    started = time.perf_counter()
    workbook = ChartsAndSheets(Translator()).xlsx(sheets, "zh-Hans")
    xlsx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with db.transaction() as s:
        rows = await load(s)
    loaded = time.perf_counter() - started
    naive = naive_report(rows, PERIOD, service.rules)
    naive_seconds = time.perf_counter() - started
    assert report == naive, "the report and the naive figures differ"
    return {"seconds": statistics.median(report_times), "sheets_seconds": statistics.median(sheet_times),
            "xlsx_seconds": xlsx_seconds, "xlsx_bytes": len(workbook), "build_seconds": built.seconds,
            "build_changes": built.changes, "build_pairs": built.pairs,
            "runs": report_times, "naive_seconds": naive_seconds, "naive_load_seconds": loaded,
            "branches": len(report.branches), "member_lines": len(report.members),
            "sheet_rows": sum(len(sheet.rows) for sheet in sheets)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="50 branches (the smoke test)")
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="timed report runs after the warm-up (the median)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    options = parser.parse_args()
    branches = 50 if options.quick else options.branches
    started = time.perf_counter()
    first = generate(branches, options.members)
    generated = time.perf_counter() - started
    events = first.count("participation_events")
    print(f"report benchmark: {branches:,} branches x {options.members} members over 2026: {events:,} participation "
          f"events, {first.count('sign_ins'):,} sign-ins, {first.count('meetings'):,} meetings, "
          f"{first.count('lesson_deliveries'):,} lesson deliveries (generated in {generated:.1f} s, again for each "
          f"database: the same seed gives the same rows)")
    box = [first]
    del first
    print(f"org report for {PERIOD.label} with the trend against {PERIOD.previous().label}; median of {options.runs} "
          f"runs after a warm-up (rollups built first, timed apart); 'sheets': the report's tables; "
          f"xlsx: its workbook; naive: all rows loaded, computed in Python, one run")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("sqlite",) if options.no_postgres else ("sqlite", "postgres"):
            print(f"  {kind}: loading and measuring...", file=sys.stderr, flush=True)
            if not box:
                box.append(generate(branches, options.members))
            results[kind] = asyncio.run(measure(kind, Path(folder), box, options.runs))
    print(f"{'database':<10} {'load':>8} {'build':>8} {'report':>8} {'sheets':>8} {'xlsx':>8} {'naive':>8} "
          f"{'(rows)':>8} {'speedup':>8}  runs")
    for kind, r in results.items():
        print(f"{kind:<10} {r['load_seconds']:7.1f}s {r['build_seconds']:7.1f}s {r['seconds']:7.3f}s "
              f"{r['sheets_seconds']:7.3f}s {r['xlsx_seconds']:7.2f}s "
              f"{r['naive_seconds']:7.2f}s {r['naive_load_seconds']:7.2f}s {r['naive_seconds'] / r['seconds']:7.1f}x  "
              + " ".join(f"{t:.3f}" for t in r["runs"]))
    ratios = {kind: r["naive_seconds"] / r["seconds"] for kind, r in results.items()}
    worst = max(r["seconds"] for r in results.values())
    print(f"figures equal on every database; goals: report <= {GOAL_SECONDS} s "
          f"({'met' if worst <= GOAL_SECONDS else 'NOT met'}), >= {GOAL_SPEEDUP:.0f}x the naive computation "
          f"({'met' if min(ratios.values()) >= GOAL_SPEEDUP else 'NOT met'})")
    pg = results.get("postgres")
    summary = {"events": events, "branches": branches, "members": options.members,
               "seconds_sqlite": round(results["sqlite"]["seconds"], 4),
               "seconds_postgres": round(pg["seconds"], 4) if pg else None,
               "sheets_seconds_sqlite": round(results["sqlite"]["sheets_seconds"], 4),
               "sheets_seconds_postgres": round(pg["sheets_seconds"], 4) if pg else None,
               "xlsx_seconds_sqlite": round(results["sqlite"]["xlsx_seconds"], 3),
               "xlsx_seconds_postgres": round(pg["xlsx_seconds"], 3) if pg else None,
               "build_seconds_sqlite": round(results["sqlite"]["build_seconds"], 2),
               "build_seconds_postgres": round(pg["build_seconds"], 2) if pg else None,
               "build_pairs": results["sqlite"]["build_pairs"],
               "naive_seconds_sqlite": round(results["sqlite"]["naive_seconds"], 3),
               "naive_seconds_postgres": round(pg["naive_seconds"], 3) if pg else None,
               "speedup_vs_naive": round(min(ratios.values()), 2),
               "speedup_sqlite": round(ratios["sqlite"], 2),
               "speedup_postgres": round(ratios["postgres"], 2) if pg else None,
               "runs": options.runs, "goal_seconds": GOAL_SECONDS, "goal_speedup": GOAL_SPEEDUP,
               "equal_figures": True}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
