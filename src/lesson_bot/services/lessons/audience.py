"""Who a group lesson is for, and how many of them have studied it: the one definition behind /progress, the
nudges and the live count on the group's button ("✅ 已学习 8/10（补学 2）"), so they never disagree.

A group delivery is for the branch's active members who were on the roster when it was delivered
(services/branches/membership.py `present_at`), plus any active member who studied it anyway: a late joiner who
tapped the group's button or studied it as 补学, someone added to the roster by their tap. A member has studied it
with a `lesson_checkin` for its lesson version in the branch, in any delivery and mode; on time beats make-up.

`expected_members` answers with the people (for /progress and the nudges); `study_counts` answers with the figures
of many deliveries in one query (for the live count, which relabels hundreds of buttons in a burst): the same rule
in SQL, and a test holds the two to the same answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import LessonDelivery, Member, Membership, ParticipationEvent
from lesson_bot.domain import scoring
from lesson_bot.domain.enums import MembershipStatus, ParticipationKind, ParticipationMode
from lesson_bot.services.branches.membership import present_at


@dataclass(frozen=True)
class Expected:
    """A member expected to study a group delivery."""

    member_id: int
    name: str
    telegram_user_id: int | None
    username: str | None
    locale: str | None
    reachable: bool
    mode: ParticipationMode | None  # how they studied it (on time beats make-up); None: not yet


def display_name(membership: Membership, member: Member) -> str:
    return membership.roster_name or member.full_name


def is_reachable(member: Member) -> bool:
    """The bot may message this member in private."""
    return member.telegram_user_id is not None and member.started_bot_at is not None and member.blocked_bot_at is None


async def expected_members(session: AsyncSession, delivery: LessonDelivery) -> list[Expected]:
    """Who is expected to study a delivered group lesson, with how each studied it, in roster order."""
    delivered_at = delivery.delivered_at
    present = false() if delivered_at is None else present_at(delivered_at)
    rows = (await session.execute(
        select(Membership, Member, present).join(Member, Member.id == Membership.member_id)
        .where(Membership.branch_id == delivery.branch_id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Membership.id)
    )).all()
    checkins = (await session.execute(
        select(ParticipationEvent.member_id, ParticipationEvent.mode)
        .join(Membership, Membership.member_id == ParticipationEvent.member_id)
        .where(Membership.branch_id == delivery.branch_id, ParticipationEvent.kind == ParticipationKind.LESSON_CHECKIN,
               ParticipationEvent.lesson_version_id == delivery.lesson_version_id)
    )).all()
    modes: dict[int, ParticipationMode] = {}
    for member_id, mode in checkins:
        if mode in scoring.CREDITED and modes.get(member_id) is not ParticipationMode.ON_TIME:
            modes[member_id] = mode
    return [
        Expected(member.id, display_name(membership, member), member.telegram_user_id, member.username, member.locale,
                 is_reachable(member), modes.get(member.id))
        for membership, member, was_there in rows
        if was_there or modes.get(member.id) is not None
    ]


@dataclass(frozen=True)
class StudyCount:
    """How many a group lesson is for, and how many studied it on time and as make-up."""

    expected: int
    on_time: int
    makeup: int

    @property
    def studied(self) -> int:
        return self.on_time + self.makeup


def study_count(people: Sequence[Expected]) -> StudyCount:
    """The figures of `expected_members`' answer."""
    modes = [p.mode for p in people]
    return StudyCount(len(people), modes.count(ParticipationMode.ON_TIME), modes.count(ParticipationMode.MAKEUP))


async def study_counts(session: AsyncSession, deliveries: Sequence[LessonDelivery]) -> dict[int, StudyCount]:
    """`study_count(await expected_members(session, d))` for each of the deliveries, in one query."""
    if not deliveries:
        return {}
    event = ParticipationEvent
    # Per member and lesson version: 1 if any credited check-in was on time, else 0 (then it was a make-up).
    studied = (
        select(event.member_id, event.lesson_version_id,
               func.max(case((event.mode == ParticipationMode.ON_TIME, 1), else_=0)).label("on_time"))
        .where(event.kind == ParticipationKind.LESSON_CHECKIN, event.mode.in_(scoring.CREDITED),
               event.lesson_version_id.in_(sorted({d.lesson_version_id for d in deliveries})))
        .group_by(event.member_id, event.lesson_version_id)
    ).subquery()
    delivery = LessonDelivery
    rows = await session.execute(
        select(delivery.id, func.count(),
               func.coalesce(func.sum(case((studied.c.on_time == 1, 1), else_=0)), 0),
               func.coalesce(func.sum(case((studied.c.on_time == 0, 1), else_=0)), 0))
        .select_from(delivery)
        .join(Membership, and_(Membership.branch_id == delivery.branch_id,
                               Membership.status == MembershipStatus.ACTIVE))
        .outerjoin(studied, and_(studied.c.member_id == Membership.member_id,
                                 studied.c.lesson_version_id == delivery.lesson_version_id))
        .where(delivery.id.in_(sorted({d.id for d in deliveries})),
               or_(and_(delivery.delivered_at.is_not(None), present_at(delivery.delivered_at)),
                   studied.c.member_id.is_not(None)))
        .group_by(delivery.id))
    counts = {d.id: StudyCount(0, 0, 0) for d in deliveries}
    counts.update({i: StudyCount(expected, on_time, makeup) for i, expected, on_time, makeup in rows})
    return counts
