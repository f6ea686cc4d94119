"""Who is nudged about a lesson they have not studied, how, and when (the rules are domain/nudge_rules.py).

`NudgeService.due()` returns one round per group delivery whose nudges may go now; services/lessons/nudge_ticks.py
turns rounds into outbox rows. What was already nudged is read back from those rows (their dedupe keys and payload
"meta"), so the schema holds no nudge state of its own:

- `nudge:dm:<delivery>:<member>` a private nudge; `nudge:group:<delivery>:part:<n>` the group mention (meta lists
  the members mentioned); `nudge:summary:<delivery>:<secretary>` the summary (meta says whether group mentions
  were held back by the branch's daily limit).
- A delivery is done once its group mention is queued, or its summary is and no mention was held back. Until
  then each round nudges only members not nudged before about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, LessonDelivery, LessonVersion, Meeting, Member, Membership, OutboxMessage, Rsvp
from lesson_bot.db.uow import Database
from lesson_bot.domain import nudge_rules
from lesson_bot.domain.enums import BranchStatus, LeaveStatus, MembershipStatus, ParticipationMode, Role, RsvpAnswer
from lesson_bot.domain.nudge_rules import Candidate, NudgeRules
from lesson_bot.services.clock import Clock
from lesson_bot.services.lessons.audience import Expected, expected_members, is_reachable

KIND = "nudge"
GROUP_PREFIX = "nudge:group:"


def dm_key(delivery_id: int, member_id: int) -> str:
    return f"nudge:dm:{delivery_id}:{member_id}"


def group_key(delivery_id: int) -> str:
    """The group key of a delivery's group mention (its parts are `<group key>:part:<n>`)."""
    return f"{GROUP_PREFIX}{delivery_id}"


def summary_key(delivery_id: int, secretary_member_id: int) -> str:
    return f"nudge:summary:{delivery_id}:{secretary_member_id}"


def _prefixed(column: Any, prefix: str) -> Any:
    # A range rather than LIKE: both backends use the unique index, and no character of a key needs escaping.
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


@dataclass(frozen=True)
class Person:
    member_id: int
    name: str
    telegram_user_id: int | None
    username: str | None
    locale: str | None


@dataclass(frozen=True)
class NudgeRound:
    """What to send about one group delivery now."""

    delivery_id: int
    branch_id: int
    chat_id: int
    branch_title: str
    branch_locale: str
    timezone: str
    lesson_title: str
    delivered_at: datetime
    message_id: int | None  # the lesson message with the check-in button (the group mention replies to it)
    expected: int
    studied: int
    missing: tuple[Person, ...]  # not studied, not on leave
    private: tuple[Person, ...]  # nudge in private now
    group: tuple[Person, ...]  # mention in the group now
    postponed: tuple[Person, ...]  # to mention, but the branch's group messages for today are used up
    on_leave: tuple[Person, ...]
    secretaries: tuple[Person, ...]  # reachable in private; each gets the summary
    summarize: bool  # the first round of this delivery: the secretaries get a summary
    not_after: datetime | None  # send before quiet hours begin, or not at all


@dataclass
class _Sent:
    members: set[int]
    group: bool
    summary: bool
    group_pending: bool

    @property
    def done(self) -> bool:
        return self.group or (self.summary and not self.group_pending)


class NudgeService:
    """Finds the nudges due now."""

    def __init__(self, db: Database, clock: Clock, rules: NudgeRules) -> None:
        self._db = db
        self._clock = clock
        self.rules = rules

    async def due(self) -> list[NudgeRound]:
        """A round for each group delivery with nudges to send now (nothing when in quiet hours)."""
        now = self._clock.now()
        rounds: list[NudgeRound] = []
        slots: dict[int, int] = {}  # group messages each branch may still send today
        async with self._db.transaction() as s:
            rows = (await s.execute(
                select(LessonDelivery, Branch, LessonVersion.title)
                .join(Branch, Branch.id == LessonDelivery.branch_id)
                .join(LessonVersion, LessonVersion.id == LessonDelivery.lesson_version_id)
                .where(LessonDelivery.member_id.is_(None), LessonDelivery.mode == ParticipationMode.ON_TIME,
                       LessonDelivery.delivered_at >= now - self.rules.window,
                       LessonDelivery.delivered_at <= now - self.rules.after, Branch.status == BranchStatus.ACTIVE)
                .order_by(LessonDelivery.delivered_at, LessonDelivery.id)
            )).all()
            for delivery, branch, title in rows:
                assert delivery.delivered_at is not None
                if not nudge_rules.is_due(delivery.delivered_at, now, branch.timezone, self.rules):
                    continue
                sent = await _already(s, delivery.id)
                if sent.done:
                    continue
                if branch.id not in slots:
                    slots[branch.id] = self.rules.group_per_day - await _group_today(s, branch, now)
                found = await self._round(s, delivery, branch, title, sent, slots[branch.id], now)
                if found is not None:
                    slots[branch.id] -= 1 if found.group else 0
                    rounds.append(found)
        return rounds

    async def _round(self, s: AsyncSession, delivery: LessonDelivery, branch: Branch, title: str, sent: _Sent,
                     slots: int, now: datetime) -> NudgeRound | None:
        assert delivery.delivered_at is not None
        people = await expected_members(s, delivery)
        leave = await _leave_starts(s, branch.id, delivery.delivered_at)
        candidates = [
            Candidate(p.member_id, studied=p.mode is not None,
                      on_leave=nudge_rules.on_leave(leave.get(p.member_id, ()), delivery.delivered_at, now),
                      reachable=p.reachable, nudged=p.member_id in sent.members)
            for p in people
        ]
        plan = nudge_rules.plan(candidates, slots, group_enabled=self.rules.group_per_day > 0)
        if not (plan.private or plan.group or (plan.missing and not sent.summary)):
            return None
        by_id = {p.member_id: _person(p) for p in people}

        def pick(ids: Iterable[int]) -> tuple[Person, ...]:
            return tuple(by_id[i] for i in ids)

        # A lesson sent before the group became a supergroup stayed in the old group: its message id means another
        # message in the new chat, so the group mention is no reply then.
        reply_to = delivery.message_id if delivery.chat_id == branch.chat_id else None
        return NudgeRound(
            delivery.id, branch.id, branch.chat_id, branch.title, branch.locale, branch.timezone, title,
            delivery.delivered_at, reply_to, len(people), sum(p.mode is not None for p in people),
            pick(plan.missing), pick(plan.private), pick(plan.group), pick(plan.postponed), pick(plan.on_leave),
            await _secretaries(s, branch.id), not sent.summary,
            nudge_rules.next_quiet_start(now, branch.timezone, self.rules.quiet),
        )


def _person(p: Expected) -> Person:
    return Person(p.member_id, p.name, p.telegram_user_id, p.username, p.locale)


async def _already(s: AsyncSession, delivery_id: int) -> _Sent:
    rows = (await s.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.payload).where(
            OutboxMessage.kind == KIND,
            or_(_prefixed(OutboxMessage.dedupe_key, f"nudge:dm:{delivery_id}:"),
                _prefixed(OutboxMessage.dedupe_key, f"{group_key(delivery_id)}:"),
                _prefixed(OutboxMessage.dedupe_key, f"nudge:summary:{delivery_id}:")))
    )).all()
    sent = _Sent(set(), False, False, False)
    for key, payload in rows:
        meta = dict(payload.get("meta", {}).get("nudge", {}))
        if key.startswith("nudge:dm:"):
            sent.members.add(int(key.rsplit(":", 1)[1]))
        elif key.startswith(GROUP_PREFIX):
            sent.group = True
            sent.members.update(int(m) for m in meta.get("members", []))
        else:
            sent.summary = True
            sent.group_pending = sent.group_pending or bool(meta.get("group_pending"))
    return sent


async def _group_today(s: AsyncSession, branch: Branch, now: datetime) -> int:
    """Group nudges (messages, not their parts) the branch has had this local day."""
    start, end = nudge_rules.local_day(now, branch.timezone)
    return int((await s.execute(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.branch_id == branch.id, OutboxMessage.kind == KIND, OutboxMessage.seq == 0,
            _prefixed(OutboxMessage.group_key, GROUP_PREFIX), OutboxMessage.due_at >= start,
            OutboxMessage.due_at < end)
    )).scalar_one())


async def _leave_starts(s: AsyncSession, branch_id: int, since: datetime) -> dict[int, list[datetime]]:
    """For each member with approved leave, the starts of those meetings of the branch from `since` on."""
    rows = (await s.execute(
        select(Rsvp.member_id, Meeting.starts_at).join(Meeting, Meeting.id == Rsvp.meeting_id).where(
            Meeting.branch_id == branch_id, Meeting.starts_at >= since, Rsvp.answer == RsvpAnswer.LEAVE,
            Rsvp.leave_status == LeaveStatus.APPROVED)
    )).all()
    starts: dict[int, list[datetime]] = {}
    for member_id, at in rows:
        starts.setdefault(member_id, []).append(at)
    return starts


async def _secretaries(s: AsyncSession, branch_id: int) -> tuple[Person, ...]:
    rows = (await s.execute(
        select(Membership, Member).join(Member, Member.id == Membership.member_id).where(
            Membership.branch_id == branch_id, Membership.role == Role.SECRETARY,
            Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
    )).all()
    return tuple(Person(m.id, ms.roster_name or m.full_name, m.telegram_user_id, m.username, m.locale)
                 for ms, m in rows if is_reachable(m))
