"""Period reports: a member's, a branch's, the organization's; what a changed rule file would make of a period;
manual scorecard scores. One transaction per use case, with the permission check inside it.

Who sees what: a member their own report (no grant needed); a secretary the reports of their branches and of
those branches' members; an admin everything (the organization, rules-diff, manual scores, member rankings when the
rules turn them on). Refusals are audited by AccessControl.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, ManualScore, Member, Membership
from lesson_bot.db.uow import Database
from lesson_bot.domain.assessment import AssessmentRules, BranchFacts, member_points, ranks, scorecard
from lesson_bot.domain.enums import BranchStatus, MembershipStatus
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.domain.periods import Period
from lesson_bot.domain.permissions import Action, Actor, decide
from lesson_bot.services import lookup
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import InvalidInput, NotFound
from lesson_bot.services.reports.collector import collector_paused
from lesson_bot.services.reports.facts import period_facts, period_totals
from lesson_bot.services.reports.menu import ReportMenu, report_menu
from lesson_bot.services.reports.queries import Scope
from lesson_bot.services.reports.rollups import Rollups
from lesson_bot.services.reports.views import (
    BranchLine,
    BranchReport,
    Delta,
    MemberLine,
    MemberReport,
    OrgReport,
    RulesDiff,
    Trend,
    branch_line,
    member_line,
)


class ReportService:
    """Reports over the participation log, counted as /me counts, assessed by the organization's rules."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, rules: AssessmentRules | None = None,
                 types: MeetingTypes | None = None, default_zone: str = "Asia/Shanghai") -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self.rules = rules or AssessmentRules()
        self._types = types or MeetingTypes()
        self._default_zone = default_zone
        self.rollups = Rollups(db, self._types, clock)

    async def _branches(self, s: AsyncSession) -> list[Branch]:
        query = select(Branch).where(Branch.status == BranchStatus.ACTIVE).order_by(Branch.title, Branch.id)
        return list((await s.execute(query)).scalars().all())

    async def _facts(self, s: AsyncSession, period: Period, branches: Sequence[Branch], scope: Scope
                     ) -> dict[int, BranchFacts]:
        return await period_facts(s, period, branches, scope, self._types, self._clock.now())

    def _ranked(self, facts: dict[int, BranchFacts], rules: AssessmentRules,
                members: dict[int, list[MemberLine]] | None = None) -> list[BranchLine]:
        """Branch lines ranked; `members`: their member lines already made (their points are not counted again)."""
        lines = [branch_line(f, rules, points=None if members is None else sum(
            m.points.total for m in members.get(f.branch_id, []))) for f in facts.values()]
        order = ranks({line.branch_id: line.scorecard.total for line in lines})
        ranked = [replace(line, rank=order.get(line.branch_id)) for line in lines]
        return sorted(ranked, key=lambda b: (b.rank is None, b.rank or 0, b.title, b.branch_id))

    async def menu(self, telegram_user_id: int) -> ReportMenu:
        """What /report offers the caller: their local day, and the reports they may read."""
        async with self._db.transaction() as s:
            actor = await self._access.actor(s, telegram_user_id)
            return await report_menu(s, actor, self._clock.now(), self._default_zone)

    async def member_report(self, telegram_user_id: int, member_id: int | None, period: Period) -> MemberReport:
        """A member's figures in each of their branches (None: the caller's own)."""
        await self.rollups.refresh()
        async with self._db.transaction() as s:
            me = await lookup.by_telegram_id(s, telegram_user_id)
            target = member_id if member_id is not None else (me.id if me is not None else None)
            member = await s.get(Member, target) if target is not None else None
            if member is None:
                raise NotFound("member", member_id if member_id is not None else telegram_user_id)
            branch_ids = list((await s.execute(
                select(Membership.branch_id).where(Membership.member_id == member.id,
                                                   Membership.status == MembershipStatus.ACTIVE)
                .order_by(Membership.id))).scalars().all())
            if me is None or me.id != member.id:
                actor = await self._access.actor(s, telegram_user_id)
                visible = [b for b in branch_ids if decide(actor, Action.REPORT_MEMBER, b).allowed]
                if not visible:  # refused and audited
                    await self._access.require(s, telegram_user_id, Action.REPORT_MEMBER,
                                               branch_ids[0] if branch_ids else None)
                branch_ids = visible
            branches = [b for b in await self._branches(s) if b.id in branch_ids]
            facts = await self._facts(s, period, branches, Scope(tuple(branch_ids), member.id))
            pairs = [(f.title, member_line(f.branch_id, m, self.rules)) for f in facts.values() for m in f.members]
            return MemberReport(period, member.id, member.full_name, tuple(line for _, line in pairs),
                                tuple(title for title, _ in pairs))

    async def branch_report(self, telegram_user_id: int, branch_id: int, period: Period) -> BranchReport:
        """A branch's members side by side, its totals and rates, its scorecard and rank in the organization."""
        await self.rollups.refresh()
        with collector_paused():
            return await self._branch_report(telegram_user_id, branch_id, period)

    async def _branch_report(self, telegram_user_id: int, branch_id: int, period: Period) -> BranchReport:
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.REPORT_BRANCH, branch_id)
            branches = await self._branches(s)
            if not any(b.id == branch_id for b in branches):
                raise NotFound("branch", branch_id)
            facts = await self._facts(s, period, branches, Scope())
            lines = self._ranked(facts, self.rules)
            line = next(b for b in lines if b.branch_id == branch_id)
            members = [member_line(branch_id, m, self.rules) for m in facts[branch_id].members]
            members = self._member_ranks(actor, members)
            return BranchReport(period, line, sum(b.rank is not None for b in lines), tuple(members))

    def _member_ranks(self, actor: Actor, members: list[MemberLine]) -> list[MemberLine]:
        if not self.rules.member_ranking or not decide(actor, Action.MEMBER_RANKING).allowed:
            return members
        order = ranks({m.member_id: float(m.points.total) for m in members})
        return [replace(m, rank=order.get(m.member_id)) for m in members]

    async def org_report(self, telegram_user_id: int, period: Period) -> OrgReport:
        """Every branch side by side with its scorecard and rank, those under the threshold, the trend."""
        await self.rollups.refresh()
        with collector_paused():
            async with self._db.transaction() as s:
                actor = await self._access.require(s, telegram_user_id, Action.REPORT_ORG)
                branches = await self._branches(s)
                facts = await self._facts(s, period, branches, Scope())
                before = await period_totals(s, period.previous(), branches, Scope(), self._types, self._clock.now())
            members = {f.branch_id: [member_line(f.branch_id, m, self.rules) for m in f.members]
                       for f in facts.values()}
            lines = self._ranked(facts, self.rules, members)
            previous = {branch_id: scorecard(f, self.rules, sums).total for branch_id, (f, sums) in before.items()}
            trend = tuple(Trend(b.branch_id, b.scorecard.total, previous.get(b.branch_id)) for b in lines)
            ranked = [m for b in lines for m in self._member_ranks(actor, members.get(b.branch_id, []))]
            return OrgReport(period, period.previous(), tuple(lines), trend, tuple(ranked), self.rules)

    async def compare_rules(self, telegram_user_id: int, period: Period, old: AssessmentRules,
                            new: AssessmentRules) -> RulesDiff:
        """What `new` makes of a past period against `old`: each branch's score, the members whose points change."""
        await self.rollups.refresh()
        with collector_paused():
            return await self._compare_rules(telegram_user_id, period, old, new)

    async def _compare_rules(self, telegram_user_id: int, period: Period, old: AssessmentRules,
                             new: AssessmentRules) -> RulesDiff:
        async with self._db.transaction() as s:
            await self._access.require(s, telegram_user_id, Action.REPORT_ORG)
            facts = await self._facts(s, period, await self._branches(s), Scope())
        before = {b.branch_id: b for b in self._ranked(facts, old)}
        after = {b.branch_id: b for b in self._ranked(facts, new)}
        branches = tuple(Delta(f.branch_id, None, f.title, before[f.branch_id].scorecard.total,
                               after[f.branch_id].scorecard.total) for f in facts.values())
        members = tuple(
            Delta(f.branch_id, m.member_id, m.name, member_points(m, old).total, member_points(m, new).total)
            for f in facts.values() for m in f.members
            if member_points(m, old).total != member_points(m, new).total)
        return RulesDiff(period, branches, members)

    async def enter_score(self, telegram_user_id: int, branch_id: int, period: Period, dimension: str,
                          score: float, note: str | None = None) -> None:
        """An admin's score (0-100) for a manual dimension of a branch in a period; entering again replaces it."""
        async with self._db.transaction() as s:
            actor = await self._access.require(s, telegram_user_id, Action.ENTER_SCORE, branch_id)
            if dimension not in self.rules.manual_keys:
                raise InvalidInput("dimension", "not_manual", value=dimension,
                                   manual=", ".join(self.rules.manual_keys))
            if not 0 <= score <= 100:
                raise InvalidInput("score", "out_of_range", value=score)
            if await s.get(Branch, branch_id) is None:
                raise NotFound("branch", branch_id)
            row = (await s.execute(select(ManualScore).where(
                ManualScore.branch_id == branch_id, ManualScore.period == period.label,
                ManualScore.dimension == dimension))).scalar_one_or_none()
            if row is None:
                row = ManualScore(branch_id=branch_id, period=period.label, dimension=dimension)
                s.add(row)
            row.score, row.note = float(score), note
            row.entered_by_telegram_id, row.entered_at = telegram_user_id, self._clock.now()
            self._access.record(s, actor, Action.ENTER_SCORE, branch_id,
                                {"period": period.label, "dimension": dimension, "score": float(score),
                                 "note": note})
