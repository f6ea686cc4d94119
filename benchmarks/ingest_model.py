"""Names shared by the ingestion benchmark's modules: the bots, the goals, a configuration and its result."""

from __future__ import annotations

from dataclasses import dataclass

from ingest_burst import Outcome

BASELINE = "naive_ptb"  # PTB's and SQLAlchemy's defaults: one update at a time
STRONG_BASELINE = "naive_concurrent"  # the same handlers, 256 updates at once, one SQLite connection
BASELINES = (BASELINE, STRONG_BASELINE)
CEILING = "ptb_ceiling"  # PTB parsing and dispatching each update, nothing else: a reference, webhook mode only
PLAIN_BOTS = (*BASELINES, CEILING)  # the bots that take the plain lessons' taps (not the product's)
GOAL_RATE = 1000.0
GOAL_P99_MS = 250.0
GOAL_CEILING_SHARE = 0.35  # of the PTB-only ceiling's rate in the same run (the old 5x-over-naive goal is retired)


@dataclass(frozen=True)
class Config:
    db: str
    mode: str
    bot: str  # "lesson_bot" or one of PLAIN_BOTS

    @property
    def name(self) -> str:
        return f"{self.bot} {'no-db' if self.bot == CEILING else self.db} {self.mode}"


@dataclass
class Result:
    config: Config
    burst: Outcome | None = None
    paced: Outcome | None = None
    crashed: str | None = None
    metrics_consistent: bool | None = None  # the bot's /metrics against the burst and the sandbox (lesson_bot only)
