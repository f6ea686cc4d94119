"""A period's facts per branch: its current members' figures (queries.py, or the rollups: kept.py), its meetings,
records and 三会一课 cadence (branch_facts.py) and the scores admins entered; what domain/assessment.py turns into
points and a scorecard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, Member, Membership
from lesson_bot.domain.assessment import BranchFacts, MemberFacts, Totals, totals
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.services.reports import kept
from lesson_bot.services.reports.branch_facts import BranchFigures, branch_figures, fingerprint, manual_scores
from lesson_bot.services.reports.queries import (
    NO_LESSONS,
    NO_MEETINGS,
    NO_QUIZ,
    Scope,
    lesson_figures,
    meeting_figures,
)

Person = Row[int, int, int, str | None, str]


async def roster(s: AsyncSession, scope: Scope) -> Sequence[Person]:
    """(membership, branch, member, roster name, name) of the current members in scope, by branch and joining."""
    # Core execution on the session's connection: column rows need none of the ORM's result processing.
    return (await (await s.connection()).execute(
        select(Membership.id, Membership.branch_id, Membership.member_id, Membership.roster_name, Member.full_name)
        .join(Member, Member.id == Membership.member_id).join(Branch, Branch.id == Membership.branch_id)
        .where(*scope.where()).order_by(Membership.branch_id, Membership.id)
    )).all()


async def _counted(s: AsyncSession, period: Period, zones: Sequence[str], scope: Scope, months: list[str] | None
                   ) -> dict[int, list[MemberFacts]]:
    """Per branch: its members' facts for a period that is not one rollup key. A range of whole months (`months`)
    adds up its months, except for a branch sent one lesson in two of them; any other range is counted directly."""
    if months is None:
        lessons = await lesson_figures(s, period, zones, scope)
        meetings = await meeting_figures(s, period, zones, scope)
        again: set[int] = set()
    else:
        lessons, meetings = await kept.read(s, months, scope)
        again = await kept.redelivered(s, period, zones, scope)
    people = await roster(s, scope)
    if again:
        for membership_id, branch_id, *_ in people:
            if branch_id in again:
                lessons.pop(membership_id, None)
        lessons.update(await lesson_figures(s, period, zones, replace(scope, branch_ids=tuple(sorted(again)))))
    members: dict[int, list[MemberFacts]] = defaultdict(list)
    for membership_id, branch_id, member_id, roster_name, full_name in people:
        row = lessons.get(membership_id)
        members[branch_id].append(MemberFacts(
            member_id, roster_name or full_name, row.lessons if row else NO_LESSONS, row.quiz if row else NO_QUIZ,
            meetings.get(membership_id, NO_MEETINGS)))
    return members


async def period_facts(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                       types: MeetingTypes, now: datetime) -> dict[int, BranchFacts]:
    """Every branch's facts for the period (members limited by `scope`), by branch id, in the order given. A month,
    quarter or year reads its rollups (refreshed by the caller before its transaction)."""
    found = kept.rollup_keys(period)
    if found is not None and found[1]:
        members = await kept.read_members(s, found[0][0], scope)
    else:
        members = await _counted(s, period, sorted({b.timezone for b in branches}), scope,
                                 None if found is None else found[0])
    return await _branch_facts(s, period, branches, scope, types, now, members)


async def _branch_facts(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                        types: MeetingTypes, now: datetime, members: dict[int, list[MemberFacts]]
                        ) -> dict[int, BranchFacts]:
    """Each branch's meetings, records, cadence and manual scores for the period, with the member facts given. A
    month, quarter or year that has ended reads what the rollups keep; the rest is counted from the meetings."""
    found = kept.rollup_keys(period)
    stored: dict[int, BranchFigures] = {}
    if found is not None and found[1]:
        ends = {zone: period.bounds(zone)[1] for zone in {b.timezone for b in branches}}
        ended = {b.id for b in branches if now >= ends[b.timezone]}  # as of this report's clock too
        if ended:
            stored = {branch_id: figures for branch_id, figures in (await kept.read_branch_figures(
                s, period.label, fingerprint(types), scope.branch_ids)).items() if branch_id in ended}
    rest = [(b.id, b.timezone) for b in branches if b.id not in stored]
    if rest:
        ids = scope.branch_ids if not stored else [branch_id for branch_id, _ in rest]
        stored.update(await branch_figures(s, period, rest, ids, types, now))
    manual = await manual_scores(s, scope.branch_ids, period.label)
    result = {}
    for b in branches:
        f = stored[b.id]
        result[b.id] = BranchFacts(b.id, b.title, b.timezone, tuple(members.get(b.id, [])), f.meetings_held,
                                   f.records_on_time, f.records_late, f.cadence_due, f.cadence_met,
                                   manual.get(b.id, {}))
    return result


async def period_totals(s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope,
                        types: MeetingTypes, now: datetime) -> dict[int, tuple[BranchFacts, Totals]]:
    """Every branch's facts without member lines, and its members' figures added up: what a branch's scorecard
    needs (the trend's earlier period). From the rollups, the members are added up per branch in the database."""
    found = kept.rollup_keys(period)
    if found is None or not found[1]:  # counted directly, or months added up with a check for lessons sent twice
        facts = await period_facts(s, period, branches, scope, types, now)
        return {branch_id: (replace(f, members=()), totals(f.members)) for branch_id, f in facts.items()}
    sums = await kept.read_branches(s, found[0], scope)
    facts = await _branch_facts(s, period, branches, scope, types, now, {})
    empty = Totals(NO_LESSONS, NO_QUIZ, NO_MEETINGS)
    return {branch_id: (f, sums.get(branch_id, empty)) for branch_id, f in facts.items()}
