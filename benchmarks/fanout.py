"""Fan-out of one lesson to many groups: lesson_bot's delivery engine against python-telegram-bot's AIORateLimiter.

One lesson (a text and three quiz polls) goes to every one of ``--groups`` groups, against the sandbox running
in its own process with Telegram's flood limits on and time-scaled (``--time-scale X`` shrinks every window by
X, so the 30 messages/s budget becomes 30·X/s). Two phases, each on a fresh sandbox process:

* **engine**: the rows in a real, migrated SQLite outbox, sent by the real Dispatcher (TelegramSender on a
  plain telegram.Bot, DeliveryLimiter(Limits(time_scale=X)), SystemClock) until ``settle()`` returns;
* **baseline** ("ptb_aiorate_limiter"): the same sends through ExtBot with AIORateLimiter(30 per 1/X s,
  20 per group per 60/X s, max_retries=5), every group at once with asyncio.gather, as a PTB user would.

Figures: achieved send rate / configured global limit, 429s (the sandbox's counters) per send, parts lost and
duplicated (every group's transcript), groups whose parts arrived out of order, lateness (sent - due) as measured
and unscaled, raw and beyond the earliest slot the limit itself allows (see fanout_figures.py), and this process's
CPU per send (the engine's includes its SQLite outbox; its sent rows per recording transaction are shown too).

    .venv/bin/python benchmarks/fanout.py [--groups 1000] [--time-scale 1] [--timeout S]

It prints a table and notes on stdout and, as its last line, a JSON object. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
from collections.abc import Callable, Sequence
from typing import Any

from fanout_figures import GLOBAL_BURST, Figures, figures
from fanout_phases import Phase, run_baseline, run_engine
from fanout_rig import progress, sandbox_process
from lesson_bot.delivery.ratelimit import Limits
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND
from tgsandbox import ControlClient

GOAL_RATE_RATIO = 0.95
GOAL_SHARE_429 = 0.001
GOAL_LATENESS_P99_UNSCALED_S = 2.0
BASELINE = "ptb_aiorate_limiter"


async def run_reduced(options: argparse.Namespace) -> Phase:
    """The engine again, against a sandbox whose overall budget is `--budget` x the configured one (Telegram's real
    budget below what the bot is configured for): the adaptive pace must keep the 429s rare."""
    with sandbox_process(options.time_scale) as sandbox:
        control = ControlClient(sandbox.control_url)
        try:
            await control.set_flood(time_scale=options.time_scale,
                                    global_per_second=GLOBAL_MESSAGES_PER_SECOND * options.budget)
        finally:
            await control.aclose()
        progress(f"sandbox at {options.budget:g} x the budget ready (pid {sandbox.pid})")
        engine = await run_engine(sandbox, options.groups, options.time_scale, options.timeout, options.lead)
        progress(f"engine at the reduced budget: {len(engine.sent)} parts sent, {engine.not_sent} not")
    return engine


async def run(options: argparse.Namespace) -> tuple[Phase, Phase]:
    """Both phases, each against its own fresh sandbox process (stopped when its phase ends)."""
    with sandbox_process(options.time_scale) as sandbox:
        progress(f"sandbox for the engine ready (pid {sandbox.pid})")
        engine = await run_engine(sandbox, options.groups, options.time_scale, options.timeout, options.lead)
        progress(f"engine: {len(engine.sent)} parts sent, {engine.not_sent} not")
    with sandbox_process(options.time_scale) as sandbox:
        progress(f"sandbox for the baseline ready (pid {sandbox.pid})")
        baseline = await run_baseline(sandbox, options.groups, options.time_scale, options.timeout)
        progress(f"baseline: {len(baseline.sent)} parts sent, {baseline.not_sent} not")
    return engine, baseline


def _num(value: float | None, spec: str) -> str:
    return "n/a" if value is None or math.isnan(value) else format(value, spec)


def _rows(ours: Figures) -> list[tuple[str, Callable[[Figures], str], str]]:
    x = ours.time_scale
    return [
        ("parts sent / planned", lambda f: f"{f.sends:,}", ""),
        ("send requests (incl. 429s)", lambda f: f"{f.requests:,}", ""),
        ("first to last send, s", lambda f: _num(f.span_s, ".2f"), ""),
        (f"achieved rate /s (limit {ours.limit:,.0f})", lambda f: _num(f.rate, ",.1f"), ""),
        ("rate ratio (rate / limit)", lambda f: _num(f.rate_ratio, ".3f"), f">= {GOAL_RATE_RATIO}"),
        ("429s received", lambda f: f"{f.refused:,}", ""),
        ("429s per send", lambda f: _num(f.share_429 * 100, ".2f") + " %", f"<= {GOAL_SHARE_429 * 100:g} %"),
        ("lost (parts missing in chats)", lambda f: f"{f.lost:,}", "0"),
        ("not recorded as sent", lambda f: f"{f.not_sent:,}", "0"),
        ("duplicated (extra copies)", lambda f: f"{f.duplicated:,}", "0"),
        ("groups out of order", lambda f: f"{f.out_of_order:,}", "0"),
        ("raw lateness (due->sent) p50 / p99, s measured",
         lambda f: f"{_num(f.lateness_p50_s, '.3f')} / {_num(f.lateness_p99_s, '.3f')}", ""),
        (f"raw lateness p50 / p99, s unscaled (x{x:g})",
         lambda f: f"{_num(f.unscaled(f.lateness_p50_s), '.1f')} / {_num(f.unscaled(f.lateness_p99_s), '.1f')}",
         ""),
        ("beyond earliest slot p50 / p99, s measured",
         lambda f: f"{_num(f.excess_p50_s, '.3f')} / {_num(f.excess_p99_s, '.3f')}", ""),
        ("beyond earliest slot p50 / p99, s unscaled",
         lambda f: f"{_num(f.unscaled(f.excess_p50_s), '.2f')} / {_num(f.unscaled(f.excess_p99_s), '.2f')}",
         f"p99 <= {GOAL_LATENESS_P99_UNSCALED_S:g}"),
        ("this process CPU (share of one core)", lambda f: _num(f.client_cpu_share * 100, ".0f") + " %", ""),
        ("this process CPU per send, ms", lambda f: _num(f.cpu_ms_per_send, ".2f"), ""),
        ("sent rows per recording transaction", lambda f: _num(f.rows_per_record, ".2f"), ""),
        ("sandbox process CPU (share of one core)",
         lambda f: _num(None if f.sandbox_cpu_share is None else f.sandbox_cpu_share * 100, ".0f") + " %", ""),
    ]


def print_report(options: argparse.Namespace, engine: Phase, baseline: Phase, ours: Figures, base: Figures) -> None:
    print(f"fan-out benchmark: {options.groups:,} groups x 4 parts, sandbox time_scale {options.time_scale:g} "
          f"(global limit {ours.limit:,.0f}/s), {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"{'':<44}{'lesson_bot engine':>20}{'PTB AIORateLimiter':>20}{'goal':>12}")
    for label, value, goal in _rows(ours):
        print(f"{label:<44}{value(ours):>20}{value(base):>20}{goal:>12}")
    limits = Limits(time_scale=ours.time_scale)
    expected_tail = (ours.sends - GLOBAL_BURST) / ours.limit
    reserve = min(limits.jitter_s, (GLOBAL_BURST - 1) / ours.limit)
    notes = [
        f"The last of {ours.sends:,} messages is necessarily ~{expected_tail * ours.time_scale:,.0f} s late unscaled "
        "even at the limit, so raw lateness cannot meet a 2 s goal; the goal is judged on the delay the sender adds "
        "beyond the earliest slot the limit allows each message (its burst of "
        f"{GLOBAL_BURST}, then {ours.limit:g}/s in send order: the 'beyond earliest slot' row, unscaled p99). "
        "Both are printed.",
        f"The engine paces at the full limit (Limits.safety {limits.safety:g}) and uses the burst less a "
        f"{reserve:.3f} s reserve for requests bunching up on the way (Limits.jitter_s {limits.jitter_s:g}, wall "
        f"clock): {reserve * ours.time_scale:.2f} s unscaled of its lateness, constant, by design. With the burst, "
        "the rate over first-to-last send can exceed 1.",
        f"Unscaled figures multiply wall-clock overheads (HTTP, SQLite, event loop) by {ours.time_scale:g}; "
        "AIORateLimiter's fixed +0.1 s after a 429 is likewise x time_scale.",
        f"Load average when done (1/5/15 min): {' / '.join(f'{v:.2f}' for v in os.getloadavg())} on "
        f"{os.cpu_count()} CPUs; CPU figures and lateness are disturbed when other work shares the machine.",
    ]
    for name, phase in (("engine", engine), ("baseline", baseline)):
        if phase.timed_out:
            notes.append(f"the {name} phase hit its {options.timeout:g} s timeout")
        if phase.crashed:
            notes.append(f"the {name} phase crashed: {phase.crashed}")
        if phase.failures:
            notes.append(f"{name} failures: {phase.failures}")
        if phase.counters.refused:
            notes.append(f"{name} 429s by scope: {phase.counters.refused_by_scope}")
        if phase.arrivals.unexpected:
            notes.append(f"{name}: {phase.arrivals.unexpected} unexpected bot messages in the groups")
    for note in notes:
        print(f"note: {note}")


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def summary(options: argparse.Namespace, ours: Figures, base: Figures, engine_crash: str | None) -> dict[str, Any]:
    """The JSON object printed as the last line."""
    x = options.time_scale
    result: dict[str, Any] = {
        "benchmark": "fanout",
        "groups": options.groups,
        "sends": ours.sends,
        "time_scale": x,
        "limit_per_s": ours.limit,
        "baseline": BASELINE,
        "rate_ratio": _round(ours.rate_ratio, 4),
        "rate_ratio_baseline": _round(base.rate_ratio, 4),
        "share_429": _round(ours.share_429, 6),
        "lost": max(ours.lost, ours.not_sent),
        "duplicated": ours.duplicated,
        "out_of_order_groups": ours.out_of_order,
        "lateness_p50_s": _round(ours.unscaled(ours.lateness_p50_s), 3),
        "lateness_p99_s": _round(ours.unscaled(ours.lateness_p99_s), 3),
        "lateness_beyond_limit_p50_s": _round(ours.unscaled(ours.excess_p50_s), 3),
        "lateness_beyond_limit_p99_s": _round(ours.unscaled(ours.excess_p99_s), 3),
        "lateness_goal_applies_to": "lateness_beyond_limit_p99_s",
        "lateness_unit": "unscaled seconds (measured x time_scale)",
        "lateness_p50_measured_s": _round(ours.lateness_p50_s, 4),
        "lateness_p99_measured_s": _round(ours.lateness_p99_s, 4),
        "sends_baseline": base.sends,
        "share_429_baseline": _round(base.share_429, 6),
        "lost_baseline": max(base.lost, base.not_sent),
        "duplicated_baseline": base.duplicated,
        "out_of_order_groups_baseline": base.out_of_order,
        "lateness_p50_s_baseline": _round(base.unscaled(base.lateness_p50_s), 3),
        "lateness_p99_s_baseline": _round(base.unscaled(base.lateness_p99_s), 3),
        "lateness_beyond_limit_p99_s_baseline": _round(base.unscaled(base.excess_p99_s), 3),
        "crashed": engine_crash,
        "client_cpu_share": _round(ours.client_cpu_share, 3),
        "cpu_ms_per_send": _round(ours.cpu_ms_per_send, 3),
        "cpu_ms_per_send_baseline": _round(base.cpu_ms_per_send, 3),
        "sent_rows_per_record_transaction": _round(ours.rows_per_record, 2),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "sandbox_cpu_share": _round(ours.sandbox_cpu_share, 3),
        "sandbox_cpu_share_baseline": _round(base.sandbox_cpu_share, 3),
    }
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=1000, help="groups the lesson goes to")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="the sandbox's and the limiters' time scale (on 2 cores, >2 saturates this process)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="hard limit on each phase's sending, in s (default: 3 x the ideal duration + 30 s)")
    parser.add_argument("--lead", type=float, default=1.0,
                        help="the engine's rows are enqueued this many (wall) seconds before they are due")
    parser.add_argument("--budget", type=float, default=0.9,
                        help="a last run against a sandbox allowing this fraction of the configured overall rate "
                             "(1: skip it)")
    options = parser.parse_args(argv)
    if options.timeout is None and options.time_scale > 0:
        ideal_s = 4 * options.groups / (GLOBAL_MESSAGES_PER_SECOND * options.time_scale)
        options.timeout = 3 * ideal_s + 30
    if options.groups < 1 or options.time_scale <= 0 or options.timeout <= 0 or options.lead < 0:
        parser.error("--groups, --time-scale and --timeout must be positive, --lead not negative")
    # python-telegram-bot 22.8 warns when RetryAfter.retry_after is read as a number; opt into timedeltas.
    os.environ["PTB_TIMEDELTA"] = "true"
    engine, baseline = asyncio.run(run(options))
    ours, base = figures(engine, options.time_scale), figures(baseline, options.time_scale)
    print_report(options, engine, baseline, ours, base)
    result = summary(options, ours, base, engine.crashed)
    if options.budget < 1:
        reduced = figures(asyncio.run(run_reduced(options)), options.time_scale)
        real_limit = reduced.limit * options.budget
        print(f"\nat {options.budget:g} x the budget ({real_limit:,.1f}/s real, {reduced.limit:,.0f}/s configured): "
              f"429s per send {_num(reduced.share_429 * 100, '.2f')} % ({reduced.refused:,}), achieved rate "
              f"{_num(reduced.rate, ',.1f')}/s = {_num(reduced.rate / real_limit, '.3f')} of the real budget; "
              f"at the configured budget: 429s {_num(ours.share_429 * 100, '.2f')} %, rate ratio "
              f"{_num(ours.rate_ratio, '.3f')}; lost {max(reduced.lost, reduced.not_sent)}, duplicated "
              f"{reduced.duplicated}, out of order {reduced.out_of_order}")
        result.update(budget_reduced=options.budget, share_429_reduced=_round(reduced.share_429, 6),
                      refused_429_reduced=reduced.refused, rate_reduced_per_s=_round(reduced.rate, 2),
                      rate_ratio_reduced_real=_round(reduced.rate / real_limit, 4),
                      rate_per_s=_round(ours.rate, 2), lost_reduced=max(reduced.lost, reduced.not_sent),
                      duplicated_reduced=reduced.duplicated, out_of_order_groups_reduced=reduced.out_of_order)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
