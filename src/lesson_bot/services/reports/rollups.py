"""Every membership's figures per local month, quarter and year, kept fresh from the change log; what the period
reports read.

The figures of a period are exactly what queries.py counts over it (the same statements compute them). A month, a
quarter or a year is read as it is kept. A range of whole months adds its months up; one thing does not add up there:
a lesson version delivered to a branch in two of those months counts once over the range (its first check-in wins)
but once in each month, so `redelivered` finds such branches and the report counts their lessons directly.

Freshness: triggers (migration 0017) append a `figure_changes` row for every write that can move a figure.
`Rollups.refresh` works out which (branch, local month) pairs those rows touch, recomputes them with their quarter
and year, and deletes the rows it read. The reports refresh before they read, so a report always counts everything
committed before it started; the delivery engine refreshes every minute as well, so that little is left to do when
a report is asked for.

Concurrency: a row is deleted only by a refresh that read it before recomputing its pairs, so whatever it logged
is in the new figures. Each pair is recomputed inside a transaction that holds the refresh lock (PostgreSQL: an
advisory lock; SQLite: the write lock, taken by the pair's DELETE before the counting), so two refreshes, in one
process or in several replicas, cannot leave older figures over newer ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Select, and_, any_, bindparam, delete, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    BranchPeriodFigures,
    FigureChange,
    LessonDelivery,
    LessonVersion,
    Meeting,
    MemberPeriodFigures,
    Membership,
)
from lesson_bot.db.uow import Database
from lesson_bot.domain import scoring
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period, parse
from lesson_bot.services.clock import Clock, SystemClock
from lesson_bot.services.reports.branch_facts import branch_figures, fingerprint
from lesson_bot.services.reports.kept import month_key
from lesson_bot.services.reports.queries import Scope, lesson_figures, meeting_figures

log = logging.getLogger(__name__)
C = FigureChange
R = MemberPeriodFigures
B = BranchPeriodFigures
LOCK_KEY = 0x1E550_2011  # the advisory lock of a refresh (PostgreSQL)
CHUNK = 50  # branches recomputed per transaction: the SQLite write lock is held for a fraction of a second
REFRESH_EVERY_S = 60.0  # the engine's periodic refresh
REBUILD_ABOVE = 50_000  # more changes than this: recompute every branch rather than work out the pairs


@dataclass(frozen=True)
class Refreshed:
    changes: int  # change rows read and deleted
    pairs: int  # (branch, period) pairs recomputed
    seconds: float


def _with_quarter_and_year(month_key_: str) -> tuple[str, str, str]:
    year, number = int(month_key_[:4]), int(month_key_[5:])
    return month_key_, f"{year}-Q{(number - 1) // 3 + 1}", f"{year}"


class Rollups:
    """Refreshes `member_period_figures` and `branch_period_figures` for one database."""

    def __init__(self, db: Database, types: MeetingTypes | None = None, clock: Clock | None = None,
                 every_s: float = REFRESH_EVERY_S) -> None:
        self._db = db
        self._types = types or MeetingTypes()
        self._rules = fingerprint(self._types)
        self._clock = clock or SystemClock()
        self._running = asyncio.Lock()  # one refresh at a time in this process; the database guards the rest
        self._every_s = every_s
        self._last = -every_s
        self._background: asyncio.Task[Refreshed] | None = None

    async def tick(self) -> bool:
        """The delivery engine's periodic job (the leader's): a refresh once every `every_s` seconds, so that a
        report finds little left to recompute. It runs beside the planner, not in its tick: the first one after the
        migration builds every period and may take minutes on a large organization. Wakes nothing (False)."""
        running = self._background is not None and not self._background.done()
        if not running and time.monotonic() - self._last >= self._every_s:
            self._last = time.monotonic()
            self._background = asyncio.create_task(self.refresh(), name="refresh report figures")
            self._background.add_done_callback(_log_failure)
        return False

    async def settle(self) -> None:
        """Wait for the engine's refresh under way, if any (tests, one-shot runs)."""
        if self._background is not None:
            with contextlib.suppress(Exception):
                await self._background

    async def aclose(self) -> None:
        """Stop the engine's refresh under way (its transaction rolls back; the change rows stay for the next)."""
        if self._background is not None and not self._background.done():
            self._background.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._background

    async def refresh(self) -> Refreshed:
        """Recompute the (branch, period) pairs the change log names and delete the rows read; then count again the
        branch figures of periods that have ended since they were counted, or that other cadence rules counted."""
        started = time.perf_counter()
        async with self._running:
            changes, pairs = await self._catch_up()
            pairs += await self._settle()
            return Refreshed(changes, pairs, time.perf_counter() - started)

    async def _catch_up(self) -> tuple[int, int]:
        async with self._db.transaction() as s:
            top = await s.scalar(select(func.max(C.id)))
            if top is None:
                return 0, 0
            postgres = s.get_bind().dialect.name == "postgresql"
            # PostgreSQL commits sequence values out of order: delete exactly the rows read. SQLite has one writer at
            # a time, so every row up to `top` was committed when it was read.
            ids = list((await s.scalars(select(C.id).where(C.id <= top))).all()) if postgres else None
            count = len(ids) if ids is not None else int(await s.scalar(
                select(func.count()).select_from(C).where(C.id <= top)) or 0)
            zones = await _zones(s)
            pairs = await self._stale(s, top, count, zones)
        for key, branch_ids in sorted(pairs.items()):
            for at in range(0, len(branch_ids), CHUNK):
                async with self._db.transaction() as s:
                    await self._recompute(s, key, branch_ids[at:at + CHUNK], zones, members=True)
        async with self._db.transaction() as s:
            if ids is None:
                await s.execute(delete(C).where(C.id <= top))
            else:
                read = bindparam("ids", ids, type_=postgresql.ARRAY(BigInteger()))
                await s.execute(delete(C).where(C.id == any_(read)))
        return count, sum(map(len, pairs.values()))

    async def _settle(self) -> int:
        """Branch figures kept while their period was under way, now ended; or counted by other cadence rules."""
        now = self._clock.now()
        async with self._db.transaction() as s:
            zones = await _zones(s)
            rows = (await s.execute(select(B.branch_id, B.period).where(
                or_(B.final.is_(False), B.rules != self._rules)))).all()
        due: dict[str, list[int]] = defaultdict(list)
        for branch_id, key in rows:
            if branch_id in zones:
                due[key].append(branch_id)
        pairs = 0
        for key, branch_ids in sorted(due.items()):
            for at in range(0, len(branch_ids), CHUNK):
                async with self._db.transaction() as s:
                    pairs += await self._recompute(s, key, branch_ids[at:at + CHUNK], zones, members=False,
                                                   only_if=lambda rule, final: rule != self._rules or final, now=now)
        return pairs

    async def _stale(self, s: AsyncSession, top: int, count: int, zones: dict[int, str]) -> dict[str, list[int]]:
        """period key -> the branches whose figures of that month, quarter or year the changes up to `top` can have
        moved."""
        if count > REBUILD_ABOVE:
            whole = set(zones)
        else:
            whole = {b for b in (await s.scalars(select(C.branch_id).distinct().where(
                C.id <= top, C.whole.is_(True), C.branch_id.is_not(None)))).all() if b is not None}
        instants: dict[int, set[datetime]] = defaultdict(set)
        if count <= REBUILD_ABOVE:
            for query in _touched(top):
                for branch_id, at in await s.execute(query):
                    if branch_id not in whole and at is not None:
                        instants[branch_id].add(at)
        if whole:
            # Every month the branch has a lesson or a meeting in, and every period it has figures for.
            for query in _history(sorted(whole)):
                for branch_id, at in await s.execute(query):
                    if at is not None:
                        instants[branch_id].add(at)
        found: dict[str, set[int]] = defaultdict(set)
        for branch_id, ats in instants.items():
            zone = zones.get(branch_id)
            if zone is not None:
                for key in {month_key(at, zone) for at in ats}:
                    for period_key in _with_quarter_and_year(key):
                        found[period_key].add(branch_id)
        if whole:
            for table in (R, B):
                for branch_id, key in await s.execute(
                        select(table.branch_id, table.period).distinct().where(table.branch_id.in_(sorted(whole)))):
                    found[key].add(branch_id)
        return {key: sorted(branch_ids) for key, branch_ids in found.items()}

    async def _recompute(self, s: AsyncSession, key: str, branch_ids: Sequence[int], zones: dict[int, str], *,
                         members: bool, only_if: Callable[[str, bool], bool] | None = None,
                         now: datetime | None = None) -> int:
        """One period (month, quarter or year) of some branches counted again by the period queries, replacing what
        was there: the members' figures (`members`) and the branch's. `only_if(rules, final)` picks the branch rows
        to count again (as they are now, under the lock); the number of branches counted."""
        if s.get_bind().dialect.name == "postgresql":
            await s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        now = now or self._clock.now()
        period = parse(key)
        if only_if is not None:
            branch_ids = [branch_id for branch_id, rule in (await s.execute(select(B.branch_id, B.rules).where(
                B.period == key, B.branch_id.in_(branch_ids)))).all()
                if only_if(rule, now >= period.bounds(zones[branch_id])[1])]
            if not branch_ids:
                return 0
        # On SQLite the first DELETE takes the write lock: the counting below sees no other refresh's writes.
        await s.execute(delete(B).where(B.period == key, B.branch_id.in_(branch_ids)))
        if members:
            await s.execute(delete(R).where(R.period == key, R.branch_id.in_(branch_ids)))
            await _count_members(s, key, period, branch_ids, zones)
        figures = await branch_figures(s, period, [(b, zones[b]) for b in branch_ids], branch_ids, self._types, now)
        await s.execute(insert(B), [
            {"branch_id": branch_id, "period": key, "final": now >= period.bounds(zones[branch_id])[1],
             "rules": self._rules, **asdict(found)} for branch_id, found in figures.items()])
        return len(branch_ids)


def _log_failure(task: asyncio.Task[Refreshed]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("refreshing the report figures failed; the next refresh tries again", exc_info=error)


async def _zones(s: AsyncSession) -> dict[int, str]:
    return {branch_id: zone for branch_id, zone in await s.execute(select(Branch.id, Branch.timezone))}


async def _count_members(s: AsyncSession, key: str, period: Period, branch_ids: Sequence[int],
                         zones: dict[int, str]) -> None:
    scope = Scope(tuple(branch_ids))
    used = sorted({zones[b] for b in branch_ids})
    lessons = await lesson_figures(s, period, used, scope)
    meetings = await meeting_figures(s, period, used, scope)
    owners = dict((await s.execute(select(Membership.id, Membership.branch_id).where(
        Membership.id.in_(sorted(lessons.keys() | meetings.keys()))))).all()) if (lessons or meetings) else {}
    rows = []
    for membership_id in sorted(lessons.keys() | meetings.keys()):
        row = lessons.get(membership_id)
        taught = row.lessons if row else scoring.LessonTally(0, 0, 0)
        quiz = row.quiz if row else scoring.QuizTally(0, 0, 0, 0)
        met = meetings.get(membership_id, scoring.MeetingTally())
        rows.append({"membership_id": membership_id, "period": key, "branch_id": owners[membership_id],
                     "delivered": taught.delivered, "on_time": taught.on_time, "makeup": taught.makeup,
                     "answered": quiz.answered, "answered_right": quiz.right, "reviews": quiz.review_answered,
                     "reviews_right": quiz.review_right, "attended": met.attended, "late": met.late,
                     "excused": met.excused, "absent": met.absent, "made_up": met.made_up})
    if rows:
        await s.execute(insert(R), rows)


def _touched(top: int) -> list[Select[Any, Any]]:
    """(branch, instant) pairs the change rows up to `top` name: the instant's local month (and its quarter and year)
    is stale."""
    logged = C.id <= top
    return [
        # a delivery sent or moved, a meeting changed: the row names its branch and instant
        select(C.branch_id, C.at).distinct().where(logged, C.at.is_not(None), C.branch_id.is_not(None)),
        # a sign-in, a leave, a meeting's 补学: that meeting's month
        select(Meeting.branch_id, Meeting.starts_at).distinct().join(C, C.meeting_id == Meeting.id).where(logged),
        # a check-in or an answer: the months the version was delivered in the member's branches
        select(LessonDelivery.branch_id, LessonDelivery.delivered_at).distinct().select_from(C)
        .join(Membership, Membership.member_id == C.member_id)
        .join(LessonDelivery, and_(LessonDelivery.branch_id == Membership.branch_id,
                                   LessonDelivery.lesson_version_id == C.lesson_version_id))
        .where(logged, LessonDelivery.member_id.is_(None), LessonDelivery.delivered_at.is_not(None)),
        # a check-in can make up a 党课 of its lesson (queries.meeting_figures' `studied`)
        select(Meeting.branch_id, Meeting.starts_at).distinct().select_from(C)
        .join(LessonVersion, LessonVersion.id == C.lesson_version_id)
        .join(Membership, Membership.member_id == C.member_id)
        .join(Meeting, and_(Meeting.branch_id == Membership.branch_id, Meeting.lesson_id == LessonVersion.lesson_id))
        .where(logged),
    ]


def _history(branch_ids: list[int]) -> list[Select[Any, Any]]:
    """(branch, instant) of every group delivery sent and every meeting of these branches."""
    return [
        select(LessonDelivery.branch_id, LessonDelivery.delivered_at).where(
            LessonDelivery.branch_id.in_(branch_ids), LessonDelivery.member_id.is_(None),
            LessonDelivery.delivered_at.is_not(None)),
        select(Meeting.branch_id, Meeting.starts_at).where(Meeting.branch_id.in_(branch_ids)),
    ]
