"""The report benchmark's baseline: every row of the tables the report reads loaded into Python (no WHERE, no
GROUP BY), the same figures computed with plain loops and dictionaries: each member's lessons, answers and meetings,
each branch's meetings, records and cadence, for the period and the one before (the trend). A straightforward,
correct implementation of the rules in services/reports/ (queries.py, facts.py), neither slowed down nor tuned."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import (
    Branch,
    LessonDelivery,
    LessonVersion,
    ManualScore,
    Meeting,
    Member,
    Membership,
    MembershipAbsence,
    ParticipationEvent,
    Rsvp,
    SignIn,
)
from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import BranchFacts, MemberFacts
from lesson_bot.domain.attendance import Status
from lesson_bot.domain.cadence import MeetingFact
from lesson_bot.domain.enums import (
    BranchStatus,
    LeaveStatus,
    MeetingStatus,
    MembershipStatus,
    ParticipationKind,
    ParticipationMode,
    RsvpAnswer,
)
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports.branch_facts import cadence_counts

Rows = dict[str, list[Any]]


async def load(s: AsyncSession) -> Rows:
    """Every row of every table the report reads."""
    tables = {"branches": Branch, "members": Member, "memberships": Membership, "absences": MembershipAbsence,
              "deliveries": LessonDelivery, "versions": LessonVersion, "events": ParticipationEvent,
              "meetings": Meeting, "sign_ins": SignIn, "rsvps": Rsvp, "manual": ManualScore}
    return {name: list((await s.execute(select(model.__table__))).all()) for name, model in tables.items()}


def _present(membership: Any, absences: list[Any], at: datetime) -> bool:
    return (membership.joined_at <= at and (membership.left_at is None or membership.left_at > at)
            and not any(a.left_at <= at < a.returned_at for a in absences))


def _expected(meeting: Any, membership: Any) -> bool:
    rule = (meeting.settings or {}).get("expected", "all")
    return (rule == "all" or (rule == "committee" and membership.is_committee)
            or (rule == "party_group" and meeting.party_group is not None
                and membership.party_group == meeting.party_group))


def naive_facts(rows: Rows, period: Period, types: MeetingTypes, now: datetime) -> dict[int, BranchFacts]:
    """Every active branch's facts for the period, by branch id, from the rows alone."""
    names = {m.id: m.full_name for m in rows["members"]}
    lesson_of = {v.id: v.lesson_id for v in rows["versions"]}
    away: dict[int, list[Any]] = defaultdict(list)
    for a in rows["absences"]:
        away[a.membership_id].append(a)
    events: dict[int, list[Any]] = defaultdict(list)
    for e in rows["events"]:
        events[e.member_id].append(e)
    deliveries: dict[int, list[Any]] = defaultdict(list)
    for d in rows["deliveries"]:
        if d.member_id is None and d.mode == ParticipationMode.ON_TIME and d.delivered_at is not None:
            deliveries[d.branch_id].append(d)
    meetings: dict[int, list[Any]] = defaultdict(list)
    for m in rows["meetings"]:
        if m.status != MeetingStatus.CANCELLED:
            meetings[m.branch_id].append(m)
    signed = {(x.meeting_id, x.member_id): x.late for x in rows["sign_ins"]}
    has_sign_ins = {x.meeting_id for x in rows["sign_ins"]}
    leave = {(r.meeting_id, r.member_id) for r in rows["rsvps"]
             if r.answer == RsvpAnswer.LEAVE and r.leave_status == LeaveStatus.APPROVED}
    roster: dict[int, list[Any]] = defaultdict(list)
    for ms in sorted(rows["memberships"], key=lambda x: x.id):
        roster[ms.branch_id].append(ms)
    manual: dict[int, dict[str, float]] = defaultdict(dict)
    for score in rows["manual"]:
        if score.period == period.label:
            manual[score.branch_id][score.dimension] = float(score.score)
    result = {}
    for b in sorted(rows["branches"], key=lambda x: (x.title, x.id)):
        if b.status != BranchStatus.ACTIVE:
            continue
        start, end = period.bounds(b.timezone)
        in_period = [m for m in meetings[b.id] if start <= m.starts_at < end]
        members = []
        for ms in roster[b.id]:
            if ms.status != MembershipStatus.ACTIVE:
                continue
            gaps = away[ms.id]
            delivered = {d.lesson_version_id for d in deliveries[b.id]
                         if start <= d.delivered_at < end and _present(ms, gaps, d.delivered_at)}
            mine = events[ms.member_id]
            checkins = [scoring.CheckIn(e.lesson_version_id, e.mode, e.occurred_at, e.id) for e in mine
                        if e.kind == ParticipationKind.LESSON_CHECKIN]
            answers = [scoring.Answer(e.lesson_version_id, e.question_index, e.mode, bool(e.correct), e.occurred_at,
                                      e.id)
                       for e in mine if e.kind == ParticipationKind.QUIZ_ANSWER and e.lesson_version_id in delivered]
            standings = []
            for m in in_period:
                if m.attendance_closed_at is None or not _expected(m, ms) or not _present(ms, gaps, m.starts_at):
                    continue
                key = (m.id, ms.member_id)
                if key in signed:
                    standings.append(scoring.Standing(Status.LATE if signed[key] else Status.PRESENT))
                    continue
                made_up = any(
                    (e.kind == ParticipationKind.MAKEUP_DONE and e.meeting_id == m.id)
                    or (m.lesson_id is not None and e.kind == ParticipationKind.LESSON_CHECKIN
                        and e.occurred_at >= m.starts_at and lesson_of.get(e.lesson_version_id) == m.lesson_id)
                    for e in mine)
                standings.append(scoring.Standing(Status.EXCUSED if key in leave else Status.ABSENT, made_up))
            members.append(MemberFacts(
                ms.member_id, ms.roster_name or names[ms.member_id],
                scoring.lesson_tally(scoring.lesson_modes(delivered, checkins)), scoring.quiz_tally(answers),
                scoring.meeting_tally(standings)))
        facts = [MeetingFact(str(m.type), m.starts_at, m.status == MeetingStatus.HELD or m.recorded_at is not None
                             or (m.attendance_closed_at is not None and m.id in has_sign_ins), m.party_group)
                 for m in in_period]
        joins = [ms.joined_at for ms in roster[b.id]]
        since = min([*joins, *(f.starts_at for f in facts)], default=None)
        groups = [ms.party_group for ms in roster[b.id] if ms.status == MembershipStatus.ACTIVE and ms.party_group]
        due, met = cadence_counts(types, period, b.timezone, facts, groups, since, now)
        records = [(m.recorded_at is not None, m.recorded_late) for m, f in zip(in_period, facts, strict=True)
                   if f.held]
        result[b.id] = BranchFacts(
            b.id, b.title, b.timezone, tuple(members), meetings_held=sum(f.held for f in facts),
            records_on_time=sum(done and not late for done, late in records),
            records_late=sum(done and bool(late) for done, late in records),
            cadence_due=due, cadence_met=met, manual=manual.get(b.id, {}))
    return result
