"""What operators and orchestrators read: readiness (/readyz) and the Prometheus metrics (/metrics).

/healthz (web/app.py) says the process lives and reaches its database. /readyz says it should be sent traffic: the
database answers, its schema is at the head migration, the bot is initialised and taking updates; the body also
says whether this replica leads delivery (a follower is ready all the same). /metrics serves services/metrics.py's
registry, reading the database-backed gauges at scrape time; it may require a bearer token
(LESSON_BOT_METRICS_TOKEN) and may be served on a port of its own (LESSON_BOT_METRICS_PORT, bootstrap/app.py).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lesson_bot.db import migrate
from lesson_bot.services.container import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Probes:
    """What readiness needs of the parts web may not import; bootstrap supplies them."""

    bot_ready: Callable[[], bool]  # the bot is initialised and taking updates (polling or webhook)
    leading: Callable[[], bool]  # this replica is the delivery leader now
    stopping: Callable[[], bool]  # a stop was requested (SIGTERM): take no new traffic


class Ops:
    """The /readyz and /metrics endpoints of one process."""

    def __init__(self, services: Services, probes: Probes) -> None:
        self._services = services
        self._probes = probes
        self._head: str | None = None  # read from the shipped migrations at the first check, not at start-up
        token = services.settings.metrics_token
        self._token = f"Bearer {token.get_secret_value()}".encode() if token is not None else None

    async def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether this replica is ready, and the findings (the JSON body of /readyz)."""
        body: dict[str, Any] = {"database": "ok", "migrations": "head", "bot": self._probes.bot_ready(),
                                "leader": self._probes.leading(), "stopping": self._probes.stopping()}
        ready = bool(body["bot"]) and not body["stopping"]
        try:
            engine = self._services.db.engine
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                # Read plainly (alembic's own reader logs two lines per call, and orchestrators poll this).
                current = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            if self._head is None:
                self._head = migrate.head_revision()
            if current != self._head:
                body["migrations"] = f"at {current or 'none'}, head is {self._head}: run `lesson-bot db upgrade`"
                ready = False
        except Exception as exc:  # any database failure means not ready
            body["database"] = type(exc).__name__
            body["migrations"] = "unknown"
            ready = False
        return ready, {"ready": ready, **body}

    async def readyz(self, _request: Request) -> Response:
        ready, body = await self.readiness()
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(self, request: Request) -> Response:
        if self._token is not None and not hmac.compare_digest(
                request.headers.get("authorization", "").encode(), self._token):
            return Response("a bearer token is required\n", status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        services, metrics = self._services, self._services.metrics
        metrics.leader.set(1 if self._probes.leading() else 0)
        try:
            async with services.db.transaction() as s:
                await metrics.refresh(s, services.clock.now())
            metrics.database_up.set(1)
        except Exception:  # the counters are still worth scraping; the database gauges keep their last value
            log.warning("reading the outbox and dialog gauges failed", exc_info=True)
            metrics.database_up.set(0)
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    def routes(self, *, with_metrics: bool) -> list[Route]:
        """/readyz, and /metrics unless it has a port of its own."""
        routes = [Route("/readyz", self.readyz, methods=["GET"])]
        if with_metrics:
            routes.append(Route("/metrics", self.metrics, methods=["GET"]))
        return routes

    def metrics_app(self) -> Starlette:
        """/metrics alone, for LESSON_BOT_METRICS_PORT."""
        return Starlette(routes=[Route("/metrics", self.metrics, methods=["GET"])])
