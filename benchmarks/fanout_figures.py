"""The fan-out benchmark's figures: achieved rate against the limit, 429 share, losses and lateness.

Lateness is measured per part as (answer received - due) on the wall clock, i.e. in scaled seconds; it is
reported unscaled as well (x time_scale), which is what a real broadcast would see, and which also multiplies
any fixed per-send overhead of this machine by time_scale (a pessimistic reading).

A fan-out's k-th message cannot be sent before the global limit lets it: the sandbox (like Telegram) allows a
bucket of one second's worth of messages, then ``limit`` per second, so the earliest possible moment of the
k-th send (in send order) is ``due + max(0, k - (burst - 1)) / limit``. "Excess" lateness is the delay beyond
that slot: what the sender adds on top of the queue the limit itself imposes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fanout_phases import Phase
from tgrules.limits import GLOBAL_MESSAGES_PER_SECOND

# The sandbox's global bucket holds one second's worth of messages (tgsandbox.limits).
GLOBAL_BURST = max(1, math.floor(GLOBAL_MESSAGES_PER_SECOND))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Figures:
    """One phase's results, in the units the report prints (seconds as measured unless named unscaled)."""

    sends: int
    requests: int
    refused: int
    span_s: float
    rate: float
    limit: float
    lost: int
    duplicated: int
    out_of_order: int
    unexpected: int
    not_sent: int
    lateness_p50_s: float
    lateness_p99_s: float
    excess_p50_s: float
    excess_p99_s: float
    time_scale: float
    wall_s: float
    client_cpu_share: float
    client_cpu_s: float
    sandbox_cpu_share: float | None
    record_transactions: int | None

    @property
    def rate_ratio(self) -> float:
        return self.rate / self.limit

    @property
    def share_429(self) -> float:
        return self.refused / self.sends if self.sends else math.nan

    @property
    def cpu_ms_per_send(self) -> float:
        """This process's CPU per part sent (HTTP client, python-telegram-bot, database, dispatcher), in ms."""
        return self.client_cpu_s / self.sends * 1000 if self.sends else math.nan

    @property
    def rows_per_record(self) -> float | None:
        """Sent rows per transaction that recorded them (the engine only)."""
        if not self.record_transactions:
            return None
        return self.sends / self.record_transactions

    def unscaled(self, seconds: float) -> float:
        return seconds * self.time_scale


def figures(phase: Phase, time_scale: float) -> Figures:
    """Compute the figures of one phase."""
    limit = GLOBAL_MESSAGES_PER_SECOND * time_scale
    pairs = sorted(zip(phase.sent, phase.due, strict=True))
    sends = len(pairs)
    span = pairs[-1][0] - pairs[0][0] if sends > 1 else math.nan
    lateness = [sent - due for sent, due in pairs]
    start = min((due for _, due in pairs), default=0.0)
    excess = [
        sent - max(due, start + max(0, k - (GLOBAL_BURST - 1)) / limit) for k, (sent, due) in enumerate(pairs)
    ]
    wall = phase.wall_s if phase.wall_s > 0 else math.nan
    return Figures(
        sends=sends,
        requests=phase.counters.requests,
        refused=phase.counters.refused,
        span_s=span,
        rate=sends / span if span and not math.isnan(span) else math.nan,
        limit=limit,
        lost=phase.arrivals.lost,
        duplicated=phase.arrivals.duplicated,
        out_of_order=phase.arrivals.out_of_order,
        unexpected=phase.arrivals.unexpected,
        not_sent=phase.not_sent,
        lateness_p50_s=percentile(lateness, 50),
        lateness_p99_s=percentile(lateness, 99),
        excess_p50_s=percentile(excess, 50),
        excess_p99_s=percentile(excess, 99),
        time_scale=time_scale,
        wall_s=phase.wall_s,
        client_cpu_share=phase.client_cpu_s / wall,
        client_cpu_s=phase.client_cpu_s,
        sandbox_cpu_share=None if phase.sandbox_cpu_s is None else phase.sandbox_cpu_s / wall,
        record_transactions=phase.record_transactions,
    )
