"""The report benchmark's data: branches x 30 members over a year of lessons and meetings, bulk-inserted into a
migrated database; and the naive computation (every row loaded into Python, the domain rules applied)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    Lesson,
    LessonDelivery,
    LessonVersion,
    Meeting,
    Member,
    Membership,
    ParticipationEvent,
    Rsvp,
    SignIn,
)
from lesson_bot.db.uow import Database
from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import BranchFacts, MemberFacts
from lesson_bot.domain.attendance import Status
from lesson_bot.domain.cadence import MeetingFact
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports.facts import cadence_counts

YEAR = 2026
LESSONS = 10  # group lessons per branch in the year
QUESTIONS = 3
ZONE = "Asia/Shanghai"
T0 = datetime(YEAR - 1, 12, 1, tzinfo=UTC)


def _chunks(rows: list[dict[str, Any]], size: int = 5000) -> list[list[dict[str, Any]]]:
    return [rows[i:i + size] for i in range(0, len(rows), size)]


async def _bulk(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        async with db.transaction() as s:
            await s.execute(insert(model), chunk)


async def generate(db: Database, branches: int, members: int, seed: int = 14) -> int:
    """Insert the data; returns the number of participation events."""
    rnd = random.Random(seed)
    await _bulk(db, Lesson, [dict(id=i + 1, slug=f"b{i}", series="bench", position=i, title=f"课{i}",
                                  language="zh-Hans") for i in range(LESSONS)])
    quiz = [{"question": "?", "options": ["a", "b", "c"], "correct": 0}] * QUESTIONS
    await _bulk(db, LessonVersion, [dict(id=i + 1, lesson_id=i + 1, content_hash="x", title=f"课{i}", series="bench",
                                         position=i, language="zh-Hans", minutes=5, summary="", tags=[], source="",
                                         body_md="", media=[], quiz=quiz, source_path="x")
                                    for i in range(LESSONS)])
    await _bulk(db, Branch, [dict(id=b + 1, chat_id=-1000 - b, title=f"支部{b:04d}", timezone=ZONE, locale="zh-Hans",
                                  status="active", invite_code=f"inv{b}") for b in range(branches)])
    people, roster = [], []
    for b in range(branches):
        for m in range(members):
            mid = b * members + m + 1
            people.append(dict(id=mid, telegram_user_id=10_000_000 + mid, full_name=f"党员{mid}"))
            joined = T0 if m < members - 2 else datetime(YEAR, 5, 15, tzinfo=UTC)  # two join mid-year
            roster.append(dict(id=mid, branch_id=b + 1, member_id=mid, role="member", status="active",
                               source="import", joined_at=joined, is_committee=m < 3))
    await _bulk(db, Member, people)
    await _bulk(db, Membership, roster)
    Rows = list[dict[str, Any]]
    deliveries: Rows = []
    events: Rows = []
    meetings: Rows = []
    sign_ins: Rows = []
    rsvps: Rows = []
    did = eid = mtid = 0

    def event(kind: str, mode: str, at: datetime, branch: int, member: int, **more: Any) -> None:
        nonlocal eid
        eid += 1
        events.append(dict(id=eid, dedupe_key=f"e{eid}", kind=kind, mode=mode, occurred_at=at, recorded_at=at,
                           branch_id=branch, member_id=member, detail={}, **more))

    for b in range(1, branches + 1):
        for lesson in range(LESSONS):
            did += 1
            at = datetime(YEAR, 1, 8, 2, tzinfo=UTC) + timedelta(days=36 * lesson + b % 5)
            deliveries.append(dict(id=did, branch_id=b, lesson_version_id=lesson + 1, mode="on_time", chat_id=-b,
                                   delivered_at=at))
            for m in range(members):
                mid = (b - 1) * members + m + 1
                roll = rnd.random()
                if roll > 0.85:
                    continue
                mode = "on_time" if roll < 0.75 else "makeup"
                when = at + timedelta(hours=rnd.randint(1, 30) if mode == "on_time" else rnd.randint(40, 300))
                event("lesson_checkin", mode, when, b, mid, lesson_version_id=lesson + 1, delivery_id=did)
                for q in range(QUESTIONS):
                    event("quiz_answer", mode, when + timedelta(minutes=q + 1), b, mid, lesson_version_id=lesson + 1,
                          delivery_id=did, question_index=q, option_index=0, correct=rnd.random() < 0.7)
        for quarter in range(4):
            for kind in ("party_congress", "party_lecture"):
                mtid += 1
                start = datetime(YEAR, 3 * quarter + 2, 10 + (kind == "party_lecture") * 5, 11, tzinfo=UTC)
                meetings.append(dict(id=mtid, branch_id=b, type=kind, topic="会", starts_at=start,
                                     ends_at=start + timedelta(hours=2), status="held", settings={},
                                     attendance_closed_at=start + timedelta(minutes=20),
                                     recorded_at=start + timedelta(days=1) if rnd.random() < 0.9 else None,
                                     recorded_late=rnd.random() < 0.2, created_at=start))
                for m in range(members):
                    mid = (b - 1) * members + m + 1
                    roll = rnd.random()
                    if roll < 0.85:
                        sign_ins.append(dict(meeting_id=mtid, member_id=mid, signed_at=start, method="button",
                                             late=roll > 0.78))
                    elif roll < 0.92:
                        rsvps.append(dict(meeting_id=mtid, member_id=mid, answer="leave", reason="事",
                                          leave_status="approved", answered_at=start - timedelta(days=1)))
                    if roll >= 0.85 and rnd.random() < 0.5:
                        event("makeup_done", "makeup", start + timedelta(days=3), b, mid, meeting_id=mtid)
    await _bulk(db, LessonDelivery, deliveries)
    await _bulk(db, Meeting, meetings)
    await _bulk(db, SignIn, sign_ins)
    await _bulk(db, Rsvp, rsvps)
    await _bulk(db, ParticipationEvent, events)
    return len(events)


async def naive_facts(s: AsyncSession, period: Period, types: MeetingTypes, now: datetime) -> dict[int, BranchFacts]:
    """The same figures as services/reports/facts.period_facts, from every row loaded into Python.

    Enough of the rules for this data (no absences, no 党小组, every meeting for all, no 党课 lessons)."""
    branches = (await s.execute(select(Branch.id, Branch.title, Branch.timezone).order_by(Branch.title))).all()
    roster = (await s.execute(select(Membership.id, Membership.branch_id, Membership.member_id, Membership.joined_at,
                                     Member.full_name).join(Member, Member.id == Membership.member_id)
                              .order_by(Membership.branch_id, Membership.id))).all()
    deliveries = (await s.execute(select(LessonDelivery.branch_id, LessonDelivery.lesson_version_id,
                                         LessonDelivery.delivered_at))).all()
    events = (await s.execute(select(ParticipationEvent.id, ParticipationEvent.member_id, ParticipationEvent.kind,
                                     ParticipationEvent.mode, ParticipationEvent.occurred_at,
                                     ParticipationEvent.lesson_version_id, ParticipationEvent.question_index,
                                     ParticipationEvent.correct, ParticipationEvent.meeting_id))).all()
    meetings = (await s.execute(select(Meeting.id, Meeting.branch_id, Meeting.type, Meeting.starts_at,
                                       Meeting.recorded_at, Meeting.recorded_late))).all()
    signed = {(m, p): late for m, p, late in (await s.execute(select(SignIn.meeting_id, SignIn.member_id,
                                                                      SignIn.late))).all()}
    leave = {(m, p) for m, p in (await s.execute(select(Rsvp.meeting_id, Rsvp.member_id))).all()}
    by_member: dict[int, list[Any]] = defaultdict(list)
    for e in events:
        by_member[e.member_id].append(e)
    bounds = {b.id: period.bounds(b.timezone) for b in branches}
    by_branch_deliveries: dict[int, list[Any]] = defaultdict(list)
    for d in deliveries:
        by_branch_deliveries[d.branch_id].append(d)
    by_branch_meetings: dict[int, list[Any]] = defaultdict(list)
    for m in meetings:
        by_branch_meetings[m.branch_id].append(m)
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    first_join: dict[int, datetime] = {}
    for r in roster:
        first_join[r.branch_id] = min(r.joined_at, first_join.get(r.branch_id, r.joined_at))
        start, end = bounds[r.branch_id]
        delivered = {d.lesson_version_id for d in by_branch_deliveries[r.branch_id]
                     if start <= d.delivered_at < end and r.joined_at <= d.delivered_at}
        evs = by_member[r.member_id]
        checkins = [scoring.CheckIn(e.lesson_version_id, e.mode, e.occurred_at, e.id) for e in evs
                    if e.kind == "lesson_checkin"]
        answers = [scoring.Answer(e.lesson_version_id, e.question_index, e.mode, bool(e.correct), e.occurred_at, e.id)
                   for e in evs if e.kind == "quiz_answer" and e.lesson_version_id in delivered]
        done = {e.meeting_id for e in evs if e.kind == "makeup_done"}
        standings = []
        for m in by_branch_meetings[r.branch_id]:
            if start <= m.starts_at < end and r.joined_at <= m.starts_at:
                key = (m.id, r.member_id)
                status = ((Status.LATE if signed[key] else Status.PRESENT) if key in signed
                          else Status.EXCUSED if key in leave else Status.ABSENT)
                standings.append(scoring.Standing(status, key not in signed and m.id in done))
        members[r.branch_id].append(MemberFacts(
            r.member_id, r.full_name, scoring.lesson_tally(scoring.lesson_modes(delivered, checkins)),
            scoring.quiz_tally(answers), scoring.meeting_tally(standings)))
    result = {}
    for b in branches:
        start, end = bounds[b.id]
        rows = [m for m in by_branch_meetings[b.id] if start <= m.starts_at < end]
        held = [MeetingFact(m.type, m.starts_at, True) for m in rows]
        since = min([*([first_join[b.id]] if b.id in first_join else []), *(f.starts_at for f in held)],
                    default=None)
        due, met = cadence_counts(types, period, b.timezone, held, [], since, now)
        result[b.id] = BranchFacts(b.id, b.title, b.timezone, tuple(members[b.id]), meetings_held=len(rows),
                                   records_on_time=sum(m.recorded_at is not None and not m.recorded_late for m in rows),
                                   records_late=sum(m.recorded_at is not None and m.recorded_late for m in rows),
                                   cadence_due=due, cadence_met=met)
    return result
