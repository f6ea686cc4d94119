"""benchmarks/ingest.py --quick: the whole rig (sandbox, bot processes, databases) runs and its report adds up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support import REPO_ROOT

TIMEOUT_S = 600


@pytest.mark.slow
def test_quick_ingest_run_records_every_tap_and_answer(pg_available: bool) -> None:
    """Every tap and quiz answer of the smoke burst is committed once and every tap answered, for lesson_bot in
    webhook and polling mode and for the baseline, and handled by the PTB-only ceiling; the last line is the JSON
    summary with each figure."""
    dbs = "sqlite,postgres" if pg_available else "sqlite"
    done = subprocess.run([sys.executable, "ingest.py", "--quick", "--db", dbs], cwd=REPO_ROOT / "benchmarks",
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["benchmark"] == "ingest"
    assert (summary["lost"], summary["duplicated"], summary["crashed"]) == (0, 0, None), done.stdout
    measured = ["updates_per_s_sqlite_webhook", "updates_per_s_sqlite_polling", "naive_updates_per_s_sqlite_webhook",
                "naive_updates_per_s_sqlite_polling", "ceiling_updates_per_s_webhook"]
    if pg_available:
        measured += ["updates_per_s_postgres_webhook", "updates_per_s_postgres_polling"]
    for key in measured:
        assert summary[key] > 0, key
    assert summary["answer_p99_ms"] >= summary["answer_p50_ms"] >= 0
    assert summary["speedup_vs_naive"] > 0
    assert summary["ceiling_speedup_vs_naive"] > 0
    assert summary["ceiling_share_webhook"] > 0
    # the product's /metrics, scraped during each burst, agree with the burst and the sandbox's counters
    assert summary["metrics_consistent"] and all(summary["metrics_consistent"].values()), done.stdout
    for row in ("lesson_bot sqlite webhook", "naive_ptb sqlite webhook", "ptb_ceiling no-db webhook"):
        assert any(line.startswith(row) for line in lines), (row, done.stdout)
