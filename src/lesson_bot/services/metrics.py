"""The service's Prometheus metrics: one `Metrics` per process, built by bootstrap and handed to the layers.

The counters and histograms are plain prometheus-client objects that the bot (updates), the delivery engine
(sends) and the participation recorder (batches) bump as things happen: an increment or an observation, never a
query, so a burst of taps pays nothing but a few lock-protected additions. What has to be read from the database
(the outbox's depth, the open dialogs) is read only when /metrics is scraped (`refresh`), with two small
counting queries. Each process has its own registry, so tests and benchmarks that build several apps in one
process never share figures. docs/operations.md lists every metric and what to watch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Dialog, OutboxMessage
from lesson_bot.domain.enums import OutboxStatus

# Handler latency: a tap is answered in a few ms, a report takes seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# How long after its due time a message went out: 0 when the engine keeps up, minutes when Telegram throttles.
LATENESS_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500)  # the recorder writes at most 500 rows per transaction
OPEN_STATES = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)

# The results a send is counted under (lesson_bot_sends_total's `result`).
SENT, RETRIED, THROTTLED, FAILED, MISSED, DEFERRED, MIGRATED = (
    "sent", "retried", "429", "failed", "missed", "deferred", "migrated")


def not_counted(_result: str) -> None:
    """Where no metrics were given (a part built alone by a test or a benchmark): count nothing."""


class Metrics:
    """Every lesson_bot_* metric of one process, on a registry of its own."""

    def __init__(self) -> None:
        # No *_created series (a start-up timestamp per label set): noise on a dashboard.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("lesson_bot_updates", "Telegram updates handled, by kind and outcome (ok, refused: "
                               "a service refused it politely, error: a bug, logged)", ["kind", "outcome"],
                               registry=r)
        self.handler_seconds = Histogram("lesson_bot_handler_seconds", "Time from taking an update to finishing "
                                         "its handlers, by kind", ["kind"], buckets=LATENCY_BUCKETS, registry=r)
        self.sends = Counter("lesson_bot_sends", "Outbox messages by what became of a send attempt: sent, retried "
                             "(network or 5xx), 429, deferred (held back by an earlier 429), failed, missed "
                             "(past its grace window), migrated", ["result"], registry=r)
        self.lateness = Histogram("lesson_bot_send_lateness_seconds", "How long after its due time a message was "
                                  "sent", buckets=LATENESS_BUCKETS, registry=r)
        self.recorder_batch = Histogram("lesson_bot_recorder_batch_size", "Check-ins and quiz answers written per "
                                        "transaction by the participation recorder", buckets=BATCH_BUCKETS,
                                        registry=r)
        self.leader = Gauge("lesson_bot_leader", "1 while this replica is the delivery leader", registry=r)
        self.database_up = Gauge("lesson_bot_database_up", "1 when the last scrape could read the database",
                                 registry=r)
        self.outbox = Gauge("lesson_bot_outbox_messages", "Outbox rows not yet settled, by state (read at scrape "
                            "time)", ["state"], registry=r)
        self.dialogs = Gauge("lesson_bot_open_dialogs", "Wizard dialogs open and not expired (read at scrape time)",
                             registry=r)
        self._sends = {result: self.sends.labels(result)
                       for result in (SENT, RETRIED, THROTTLED, FAILED, MISSED, DEFERRED, MIGRATED)}
        self._updates: dict[tuple[str, str], Callable[[], None]] = {}
        self._latency: dict[str, Callable[[float], None]] = {}

    def update_handled(self, kind: str, outcome: str, seconds: float) -> None:
        """One update went through its handlers (the hot path: two dict lookups, two additions)."""
        inc = self._updates.get((kind, outcome))
        if inc is None:
            inc = self._updates[kind, outcome] = self.updates.labels(kind, outcome).inc
        inc()
        observe = self._latency.get(kind)
        if observe is None:
            observe = self._latency[kind] = self.handler_seconds.labels(kind).observe
        observe(seconds)

    def send(self, result: str) -> None:
        """A send attempt ended this way (see the results above)."""
        self._sends[result].inc()

    def sent(self, due_at: datetime, sent_at: datetime) -> None:
        """A message was sent: counted, and its lateness observed."""
        self._sends[SENT].inc()
        self.lateness.observe(max(0.0, (sent_at - due_at).total_seconds()))

    async def refresh(self, s: AsyncSession, now: datetime) -> None:
        """Read the gauges that live in the database (on a scrape only): outbox depth by state, open dialogs."""
        depth = dict.fromkeys(OPEN_STATES, 0)
        rows = await s.execute(select(OutboxMessage.status, func.count())
                               .where(OutboxMessage.status.in_(OPEN_STATES)).group_by(OutboxMessage.status))
        for state, count in rows.all():
            depth[state] = int(count)
        for state, count in depth.items():
            self.outbox.labels(str(state)).set(count)
        dialogs = (await s.execute(select(func.count()).where(Dialog.expires_at > now))).scalar_one()
        self.dialogs.set(int(dialogs))

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)
