"""The ingestion benchmark's report: the table and the last-line JSON (for benchmarks/ingest.py)."""

from __future__ import annotations

import argparse
import math
import os
import platform
from typing import Any

from ingest_model import (
    BASELINE,
    CEILING,
    GOAL_CEILING_SHARE,
    GOAL_P99_MS,
    GOAL_RATE,
    STRONG_BASELINE,
    Config,
    Result,
)


def _num(value: float | None, spec: str) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def print_report(options: argparse.Namespace, results: list[Result]) -> None:
    actions = options.groups * options.members * options.lessons * 2
    print(f"ingestion benchmark: {options.groups:,} groups x {options.members} members x {options.lessons} lessons "
          f"(check-in + 1 answer each) = {actions:,} actions per burst; paced: {options.paced_lessons} lesson(s) "
          f"at {options.paced_rate:g} actions/s; {os.cpu_count()} CPUs (sandbox+driver on CPU 0, bot on CPU 1), "
          f"Python {platform.python_version()}, load before {os.getloadavg()[0]:.2f}")
    head = (f"{'configuration':<32}{'actions/s':>10}{'burst p50/p99 ms':>20}{'paced p50/p99 ms':>20}"
            f"{'lost':>6}{'dup':>5}{'bot CPU %':>10}{'sandbox CPU %':>14}{'bot ms/act':>12}")
    print(head)
    for result in results:
        burst, paced = result.burst, result.paced
        if burst is None:
            print(f"{result.config.name:<32}  crashed: {result.crashed}")
            continue
        lost = max(0, burst.actions - burst.refused - burst.committed) + burst.unanswered
        dup = max(0, burst.committed - (burst.actions - burst.refused))
        elapsed = burst.elapsed_s

        def share(cpu: float | None, elapsed: float = elapsed) -> str:
            return _num(None if cpu is None else cpu / elapsed * 100, ".0f")

        print(f"{result.config.name:<32}{_num(burst.rate, ',.0f'):>10}"
              f"{_num(burst.p50_ms, ',.0f') + ' / ' + _num(burst.p99_ms, ',.0f'):>20}"
              f"{(_num(paced.p50_ms, ',.0f') + ' / ' + _num(paced.p99_ms, ',.0f')) if paced else 'n/a':>20}"
              f"{lost:>6}{dup:>5}{share(burst.bot_cpu_s):>10}{share(burst.sandbox_cpu_s):>14}"
              f"{_num(None if burst.bot_cpu_s is None else burst.bot_cpu_s / burst.actions * 1000, '.2f'):>12}")
    ours, ceiling = _find(results, "sqlite", "webhook", "lesson_bot"), next(
        (r for r in results if r.config.bot == CEILING), None)
    if ours is not None and ours.burst is not None and ceiling is not None and ceiling.burst is not None:
        print(f"share of the PTB-only ceiling (sqlite webhook): {ours.burst.rate / ceiling.burst.rate:.3f} "
              f"(goal >= {GOAL_CEILING_SHARE})")
    for result in results:
        for phase, outcome in (("burst", result.burst), ("paced", result.paced)):
            for note in outcome.notes if outcome else []:
                print(f"note: {result.config.name} {phase}: {note}")
        if result.crashed:
            print(f"note: {result.config.name} crashed: {result.crashed}")


def _find(results: list[Result], db: str, mode: str, bot: str) -> Result | None:
    return next((r for r in results if r.config == Config(db, mode, bot)), None)


def _rate(result: Result | None) -> float | None:
    if result is None or result.burst is None:
        return None
    return round(result.burst.rate, 1)


def summary(options: argparse.Namespace, results: list[Result]) -> dict[str, Any]:
    """The JSON object printed as the last line."""
    out: dict[str, Any] = {"benchmark": "ingest", "baseline": BASELINE, "strong_baseline": STRONG_BASELINE,
                           "groups": options.groups,
                           "members": options.groups * options.members,
                           "actions_per_burst": options.groups * options.members * options.lessons * 2,
                           "paced_rate": options.paced_rate}
    for db in ("sqlite", "postgres"):
        for mode in ("webhook", "polling"):
            out[f"updates_per_s_{db}_{mode}"] = _rate(_find(results, db, mode, "lesson_bot"))
            out[f"naive_updates_per_s_{db}_{mode}"] = _rate(_find(results, db, mode, BASELINE))
            out[f"naive_concurrent_updates_per_s_{db}_{mode}"] = _rate(_find(results, db, mode, STRONG_BASELINE))
    main = _find(results, "sqlite", "webhook", "lesson_bot")
    out["answer_p50_ms"] = main.paced.p50_ms if main and main.paced else None
    out["answer_p99_ms"] = main.paced.p99_ms if main and main.paced else None
    for mode in ("webhook", "polling"):
        ours, naive = out[f"updates_per_s_sqlite_{mode}"], out[f"naive_updates_per_s_sqlite_{mode}"]
        out[f"speedup_vs_naive_{mode}"] = round(ours / naive, 2) if ours and naive else None
        strong = out[f"naive_concurrent_updates_per_s_sqlite_{mode}"]
        out[f"speedup_vs_naive_concurrent_{mode}"] = round(ours / strong, 2) if ours and strong else None
        ours_result = _find(results, "sqlite", mode, "lesson_bot")
        out[f"answer_p99_ms_sqlite_{mode}"] = (ours_result.paced.p99_ms
                                               if ours_result and ours_result.paced else None)
        naive_result = _find(results, "sqlite", mode, BASELINE)
        out[f"naive_answer_p99_ms_sqlite_{mode}"] = (naive_result.paced.p99_ms
                                                     if naive_result and naive_result.paced else None)
    out["speedup_vs_naive"] = out["speedup_vs_naive_webhook"]
    # The reference: PTB alone (parse, dispatch, answer in the reply; no database) on the same rig. Its ratio to the
    # plain handler is the largest speed-up any python-telegram-bot bot could show here.
    ceiling = next((r for r in results if r.config.bot == CEILING), None)
    out["ceiling_updates_per_s_webhook"] = _rate(ceiling)
    naive = out["naive_updates_per_s_sqlite_webhook"]
    out["ceiling_speedup_vs_naive"] = (round(out["ceiling_updates_per_s_webhook"] / naive, 2)
                                       if out["ceiling_updates_per_s_webhook"] and naive else None)
    ours = out["updates_per_s_sqlite_webhook"]
    out["ceiling_share_webhook"] = (round(ours / out["ceiling_updates_per_s_webhook"], 3)
                                    if ours and out["ceiling_updates_per_s_webhook"] else None)
    out["bot_cpu_ms_per_action"] = {
        r.config.name: round(r.burst.bot_cpu_s / r.burst.actions * 1000, 3)
        for r in results if r.burst is not None and r.burst.bot_cpu_s is not None}
    lost = dup = 0
    for result in results:
        if result.burst is not None:
            b = result.burst
            lost += max(0, b.actions - b.refused - b.committed) + b.unanswered
            dup += max(0, b.committed - (b.actions - b.refused))
    out["lost"], out["duplicated"] = lost, dup
    out["crashed"] = [r.config.name for r in results if r.crashed] or None
    out["metrics_consistent"] = {r.config.name: r.metrics_consistent for r in results
                                 if r.metrics_consistent is not None}
    out["goals"] = {"updates_per_s_sqlite_webhook": GOAL_RATE, "answer_p99_ms": GOAL_P99_MS,
                    "ceiling_share_webhook": GOAL_CEILING_SHARE}
    return out
