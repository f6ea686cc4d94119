"""benchmarks/report.py --quick: the data is generated, the report and the naive computation agree, the JSON adds up."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import REPO_ROOT


def test_the_quick_report_benchmark_runs_and_its_figures_agree() -> None:
    """The benchmark asserts the report's figures equal the naive ones; its last line carries the measured keys."""
    done = subprocess.run([sys.executable, "report.py", "--quick", "--no-postgres"], cwd=REPO_ROOT / "benchmarks",
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["equal_figures"] is True and summary["branches"] == 50
    assert summary["events"] > 40_000
    assert {"seconds_sqlite", "seconds_postgres", "speedup_vs_naive"} <= summary.keys()
    # the rollups were built from the load's change log (every month, quarter and year of the branches), and the
    # report's workbook was written
    assert summary["build_pairs"] >= 50 * 17 and summary["xlsx_seconds_sqlite"] > 0
