"""Every membership's figures per local month, kept fresh from the change log; what the period reports read.

The figures of a month are exactly what queries.py counts over that month (the same statements compute them), so
a period made of whole months adds its months up. One thing does not add up: a lesson version delivered to a
branch in two months of the period counts once over the period (its first check-in wins) but once in each month;
`redelivered` finds such branches and the report counts their lessons over the period directly.

Freshness: triggers (migration 0017) append a `figure_changes` row for every write that can move a figure.
`Rollups.refresh` works out which (branch, local month) pairs those rows touch, recomputes them, and deletes the rows
it read. The reports refresh before they read, so a report always counts everything committed before it started;
the scheduler refreshes every minute as well, so that there is little left to do when one is asked for.

Concurrency: a row is deleted only by a refresh that read it before recomputing its pairs, so whatever it logged
is in the new figures. Each pair is recomputed inside a transaction that holds the refresh lock (PostgreSQL: an
advisory lock; SQLite: the write lock, taken by the pair's DELETE before the counting), so two refreshes, in one
process or in several replicas, cannot leave older figures over newer ones.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Select, and_, any_, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    FigureChange,
    LessonDelivery,
    LessonVersion,
    Meeting,
    MemberMonthFigures,
    Membership,
)
from lesson_bot.db.uow import Database
from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import Totals
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.domain.periods import Period, month
from lesson_bot.services.reports.queries import LessonRow, Scope, in_period, lesson_figures, meeting_figures

C = FigureChange
R = MemberMonthFigures
LOCK_KEY = 0x1E550_2011  # the advisory lock of a refresh (PostgreSQL)
CHUNK = 250  # branches recomputed per transaction: the SQLite write lock is held for a fraction of a second
REFRESH_EVERY_S = 60.0  # the engine's periodic refresh
REBUILD_ABOVE = 50_000  # more changes than this: recompute every branch rather than work out the pairs


@dataclass(frozen=True)
class Refreshed:
    changes: int  # change rows read and deleted
    pairs: int  # (branch, month) pairs recomputed
    seconds: float


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def month_key(at: datetime, zone: str) -> str:
    """The local month (YYYY-MM) that holds the instant `at` in `zone`."""
    local = at.astimezone(_zone(zone))
    return f"{local.year:04d}-{local.month:02d}"


def months_of(period: Period) -> list[str] | None:
    """The months a period is made of, or None when it does not start and end on a month's edge."""
    if period.first.day != 1 or period.end.day != 1:
        return None
    found, day = [], period.first
    while day < period.end:
        found.append(f"{day.year:04d}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _month_period(key: str) -> Period:
    return month(int(key[:4]), int(key[5:]))


class Rollups:
    """Refreshes and reads `member_month_figures` for one database."""

    def __init__(self, db: Database, every_s: float = REFRESH_EVERY_S) -> None:
        self._db = db
        self._running = asyncio.Lock()  # one refresh at a time in this process; the database guards the rest
        self._every_s = every_s
        self._last = -every_s

    async def tick(self) -> bool:
        """The delivery engine's periodic job (the leader's): a refresh once every `every_s` seconds, so that a
        report finds little left to recompute. Wakes nothing (False)."""
        if time.monotonic() - self._last >= self._every_s:
            self._last = time.monotonic()
            await self.refresh()
        return False

    async def refresh(self) -> Refreshed:
        """Recompute the (branch, month) pairs the change log names; delete the rows read."""
        started = time.perf_counter()
        async with self._running:
            async with self._db.transaction() as s:
                top = await s.scalar(select(func.max(C.id)))
                if top is None:
                    return Refreshed(0, 0, time.perf_counter() - started)
                postgres = s.get_bind().dialect.name == "postgresql"
                # PostgreSQL commits sequence values out of order: delete exactly the rows read. SQLite has one
                # writer at a time, so every row up to `top` was committed when it was read.
                ids = list((await s.scalars(select(C.id).where(C.id <= top))).all()) if postgres else None
                count = len(ids) if ids is not None else int(await s.scalar(
                    select(func.count()).select_from(C).where(C.id <= top)) or 0)
                zones = {branch_id: zone for branch_id, zone in await s.execute(select(Branch.id, Branch.timezone))}
                pairs = await self._stale(s, top, count, zones)
            for key, branch_ids in sorted(pairs.items()):
                for at in range(0, len(branch_ids), CHUNK):
                    chunk = branch_ids[at:at + CHUNK]
                    async with self._db.transaction() as s:
                        await self._recompute(s, key, chunk, zones)
            async with self._db.transaction() as s:
                if ids is None:
                    await s.execute(delete(C).where(C.id <= top))
                else:
                    read = bindparam("ids", ids, type_=postgresql.ARRAY(BigInteger()))
                    await s.execute(delete(C).where(C.id == any_(read)))
            return Refreshed(count, sum(map(len, pairs.values())), time.perf_counter() - started)

    async def _stale(self, s: AsyncSession, top: int, count: int, zones: dict[int, str]) -> dict[str, list[int]]:
        """month -> the branches whose figures of that month the changes up to `top` can have moved."""
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
            # Every month the branch has a lesson or a meeting in, and every month it has figures for.
            for query in _history(sorted(whole)):
                for branch_id, at in await s.execute(query):
                    if at is not None:
                        instants[branch_id].add(at)
        found: dict[str, set[int]] = defaultdict(set)
        for branch_id, ats in instants.items():
            zone = zones.get(branch_id)
            if zone is not None:
                for at in ats:
                    found[month_key(at, zone)].add(branch_id)
        if whole:
            for branch_id, key in await s.execute(
                    select(R.branch_id, R.month).distinct().where(R.branch_id.in_(sorted(whole)))):
                found[key].add(branch_id)
        return {key: sorted(branch_ids) for key, branch_ids in found.items()}

    @staticmethod
    async def _recompute(s: AsyncSession, key: str, branch_ids: Sequence[int], zones: dict[int, str]) -> None:
        """One month of some branches, counted again by the period queries, replacing what was there."""
        if s.get_bind().dialect.name == "postgresql":
            await s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        # On SQLite this DELETE takes the write lock: the counting below sees no other refresh's writes in between.
        await s.execute(delete(R).where(R.month == key, R.branch_id.in_(branch_ids)))
        period, scope = _month_period(key), Scope(tuple(branch_ids))
        used = sorted({zones[b] for b in branch_ids if b in zones})
        lessons = await lesson_figures(s, period, used, scope)
        meetings = await meeting_figures(s, period, used, scope)
        owners = dict((await s.execute(select(Membership.id, Membership.branch_id).where(
            Membership.id.in_(sorted(lessons.keys() | meetings.keys()))))).all()) if (
            lessons or meetings) else {}
        rows = []
        for membership_id in sorted(lessons.keys() | meetings.keys()):
            row = lessons.get(membership_id)
            taught = row.lessons if row else scoring.LessonTally(0, 0, 0)
            quiz = row.quiz if row else scoring.QuizTally(0, 0, 0, 0)
            met = meetings.get(membership_id, scoring.MeetingTally())
            rows.append({"membership_id": membership_id, "month": key, "branch_id": owners[membership_id],
                         "delivered": taught.delivered, "on_time": taught.on_time, "makeup": taught.makeup,
                         "answered": quiz.answered, "answered_right": quiz.right, "reviews": quiz.review_answered,
                         "reviews_right": quiz.review_right, "attended": met.attended, "late": met.late,
                         "excused": met.excused, "absent": met.absent, "made_up": met.made_up})
        if rows:
            await s.execute(insert(R), rows)


def _touched(top: int) -> list[Select[Any, Any]]:
    """(branch, instant) pairs the change rows up to `top` name: the instant's local month is stale."""
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


async def read(s: AsyncSession, months: Iterable[str], scope: Scope
               ) -> tuple[dict[int, LessonRow], dict[int, scoring.MeetingTally]]:
    """Per membership in scope: the months' figures added up (lessons as queries.lesson_figures gives them, meetings
    as queries.meeting_figures)."""
    sums = [func.sum(column) for column in (
        R.delivered, R.on_time, R.makeup, R.answered, R.answered_right, R.reviews, R.reviews_right, R.attended, R.late,
        R.excused, R.absent, R.made_up)]
    query = (select(R.membership_id, *sums).join(Membership, Membership.id == R.membership_id)
             .join(Branch, Branch.id == Membership.branch_id)
             .where(R.month.in_(list(months)), *scope.where()).group_by(R.membership_id))
    lessons: dict[int, LessonRow] = {}
    meetings: dict[int, scoring.MeetingTally] = {}
    for membership_id, *n in await s.execute(query):
        d, on_time, makeup, answered, right, reviews, reviews_right, attended, late, excused, absent, made_up = map(
            int, n)
        if d:
            lessons[membership_id] = LessonRow(scoring.LessonTally(d, on_time, makeup),
                                               scoring.QuizTally(answered, right, reviews, reviews_right))
        if attended or late or excused or absent:
            meetings[membership_id] = scoring.MeetingTally(attended, late, excused, absent, made_up)
    return lessons, meetings


async def read_branches(s: AsyncSession, months: Iterable[str], scope: Scope) -> dict[int, Totals]:
    """Per branch: its current members' figures over the months, added up (assessment.totals of `read`)."""
    sums = [func.sum(column) for column in (
        R.delivered, R.on_time, R.makeup, R.answered, R.answered_right, R.reviews, R.reviews_right, R.attended, R.late,
        R.excused, R.absent, R.made_up)]
    query = (select(Membership.branch_id, *sums).join(Membership, Membership.id == R.membership_id)
             .join(Branch, Branch.id == Membership.branch_id)
             .where(R.month.in_(list(months)), *scope.where()).group_by(Membership.branch_id))
    found = {}
    for branch_id, *n in await s.execute(query):
        d, on_time, makeup, answered, right, reviews, reviews_right, attended, late, excused, absent, made_up = map(
            int, n)
        found[branch_id] = Totals(scoring.LessonTally(d, on_time, makeup),
                                  scoring.QuizTally(answered, right, reviews, reviews_right),
                                  scoring.MeetingTally(attended, late, excused, absent, made_up))
    return found


async def redelivered(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope) -> set[int]:
    """Branches in scope that were sent one lesson version in two or more months of the period."""
    group = and_(LessonDelivery.member_id.is_(None), LessonDelivery.mode == ParticipationMode.ON_TIME,
                 LessonDelivery.delivered_at.is_not(None), in_period(LessonDelivery.delivered_at, period, zones))
    branches = [LessonDelivery.branch_id.in_(scope.branch_ids)] if scope.branch_ids is not None else []
    twice = (select(LessonDelivery.branch_id, LessonDelivery.lesson_version_id)
             .join(Branch, Branch.id == LessonDelivery.branch_id).where(group, *branches)
             .group_by(LessonDelivery.branch_id, LessonDelivery.lesson_version_id).having(func.count() > 1)
             .subquery())
    rows = await s.execute(
        select(LessonDelivery.branch_id, LessonDelivery.lesson_version_id, LessonDelivery.delivered_at,
               Branch.timezone)
        .join(Branch, Branch.id == LessonDelivery.branch_id)
        .join(twice, and_(twice.c.branch_id == LessonDelivery.branch_id,
                          twice.c.lesson_version_id == LessonDelivery.lesson_version_id))
        .where(group))
    months: dict[tuple[int, int], set[str]] = defaultdict(set)
    for branch_id, version_id, at, zone in rows:
        if at is not None:
            months[(branch_id, version_id)].add(month_key(at, zone))
    return {branch_id for (branch_id, _), found in months.items() if len(found) > 1}
