"""补学 (make-up): the lessons a member missed, and a missed lesson delivered again to them in private.

"Missed" (the lead's rule): the member was an active roster member of the branch when the group delivery was
sent (in one of their membership periods, services/branches/membership.py: time away after leaving does not count,
what came before it does) and has no lesson check-in for that lesson version, from any delivery in any mode.
A make-up delivery is a LessonDelivery of mode makeup for one member in their private chat; its check-in button
and quiz polls are credited by the participation handlers with that mode, so make-up counts stay apart from
on-time ones. Studying a lesson again after a check-in is allowed, but that copy has no
check-in button (a check-in is deduplicated per delivery, so a second button would credit the lesson twice); its
quiz is asked again, and those answers count like any other (they can close a mistake, see services/lessons/reviews.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, LessonDelivery, LessonVersion, Membership, ParticipationEvent
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import MembershipStatus, ParticipationKind, ParticipationMode
from lesson_bot.domain.messages import Part, Sent
from lesson_bot.services import lookup
from lesson_bot.services.branches.membership import present_at, was_present
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import NotFound, ServiceError
from lesson_bot.services.messages import lesson_sent
from lesson_bot.services.messages import lessons as compose
from lesson_bot.services.views import Person

PAGE = 5
DONE_SHOWN = 5


class NotConcerned(ServiceError):
    """A 补学 button for a lesson that was not sent to a branch the member was in at the time."""

    def __init__(self, title: str) -> None:
        super().__init__(f"the lesson {title!r} was not for this member")
        self.title = title


@dataclass(frozen=True)
class LessonLine:
    delivery_id: int  # the group delivery (what the 补学 button names)
    title: str
    delivered_at: datetime
    studied: ParticipationMode | None  # None: missed; else how it was studied (on time wins over make-up)


@dataclass(frozen=True)
class BranchLessons:
    """One branch's lessons for one member: a page of the missed ones, and the studied ones in brief."""

    branch_id: int
    title: str
    timezone: str
    missed: tuple[LessonLine, ...]  # this page, newest first
    missed_total: int
    page: int
    pages: int
    done: tuple[LessonLine, ...]  # the latest studied, newest first
    on_time: int
    makeup: int


@dataclass(frozen=True)
class MakeupLesson:
    """A make-up delivery ready to send: its parts, in order, for the member's private chat."""

    delivery_id: int
    chat_id: int
    title: str
    already: ParticipationMode | None  # studied before (on time or make-up): no new credit
    parts: tuple[Part, ...]


async def _lines(s: AsyncSession, member_id: int) -> dict[int, list[LessonLine]]:
    """Every group delivery sent while the member was on its branch's roster, per branch, newest first (one per
    lesson version: the latest delivery of it)."""
    rows = (await s.execute(
        select(LessonDelivery.id, LessonDelivery.branch_id, LessonDelivery.lesson_version_id,
               LessonDelivery.delivered_at, LessonVersion.title)
        .join(LessonVersion, LessonVersion.id == LessonDelivery.lesson_version_id)
        .join(Membership, and_(Membership.branch_id == LessonDelivery.branch_id, Membership.member_id == member_id))
        .where(LessonDelivery.member_id.is_(None), LessonDelivery.mode == ParticipationMode.ON_TIME,
               LessonDelivery.delivered_at.is_not(None), present_at(LessonDelivery.delivered_at))
        .order_by(LessonDelivery.delivered_at.desc(), LessonDelivery.id.desc())
    )).all()
    studied = await studied_versions(s, member_id)
    per_branch: dict[int, list[LessonLine]] = {}
    seen: set[tuple[int, int]] = set()
    for delivery_id, branch_id, version_id, delivered_at, title in rows:
        assert delivered_at is not None  # filtered above
        if (branch_id, version_id) in seen:
            continue
        seen.add((branch_id, version_id))
        per_branch.setdefault(branch_id, []).append(
            LessonLine(delivery_id, title, delivered_at, studied.get(version_id)))
    return per_branch


async def studied_versions(s: AsyncSession, member_id: int) -> dict[int, ParticipationMode]:
    """The lesson versions the member checked in to, and how (on time if ever on time, else make-up)."""
    rows = (await s.execute(
        select(ParticipationEvent.lesson_version_id, ParticipationEvent.mode).where(
            ParticipationEvent.member_id == member_id, ParticipationEvent.kind == ParticipationKind.LESSON_CHECKIN,
            ParticipationEvent.lesson_version_id.is_not(None))
    )).all()
    studied: dict[int, ParticipationMode] = {}
    for version_id, mode in rows:
        assert version_id is not None  # filtered above
        if studied.get(version_id) is not ParticipationMode.ON_TIME:
            studied[version_id] = ParticipationMode.ON_TIME if mode is ParticipationMode.ON_TIME else mode
    return studied


def _branch_lessons(branch: Branch, lines: list[LessonLine], page: int) -> BranchLessons:
    missed = [line for line in lines if line.studied is None]
    done = [line for line in lines if line.studied is not None]
    pages = max(1, -(-len(missed) // PAGE))
    page = min(max(page, 0), pages - 1)
    return BranchLessons(
        branch_id=branch.id, title=branch.title, timezone=branch.timezone,
        missed=tuple(missed[page * PAGE:(page + 1) * PAGE]), missed_total=len(missed), page=page, pages=pages,
        done=tuple(done[:DONE_SHOWN]),
        on_time=sum(line.studied is ParticipationMode.ON_TIME for line in done),
        makeup=sum(line.studied is ParticipationMode.MAKEUP for line in done),
    )


class MakeupService:
    """/lessons and the 补学 button."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def lessons(self, telegram_user_id: int) -> list[BranchLessons]:
        """The member's lessons in each of their branches (first page of the missed ones); [] if on no roster."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, telegram_user_id)
            if member is None:
                return []
            per_branch = await _lines(s, member.id)
            rows = (await s.execute(
                select(Branch, Membership.status).join(Membership, Membership.branch_id == Branch.id)
                .where(Membership.member_id == member.id).order_by(Branch.id)
            )).all()
            # A branch they left shows only if it sent them something while they were there.
            return [_branch_lessons(b, per_branch.get(b.id, []), 0) for b, status in rows
                    if b.id in per_branch or status is MembershipStatus.ACTIVE]

    async def branch_lessons(self, telegram_user_id: int, branch_id: int, page: int) -> BranchLessons:
        """One page of the member's missed lessons in one branch."""
        async with self._db.transaction() as s:
            member = await lookup.by_telegram_id(s, telegram_user_id)
            branch = await s.get(Branch, branch_id)
            if member is None or branch is None or await lookup.membership(s, branch_id, member.id) is None:
                raise NotFound("branch", branch_id)
            return _branch_lessons(branch, (await _lines(s, member.id)).get(branch_id, []), page)

    async def start(self, person: Person, group_delivery_id: int, button: str) -> MakeupLesson:
        """A new make-up delivery of the group delivery's lesson for this member, its check-in button labelled
        `button` (NotConcerned if the lesson was not sent to a branch they were in at the time)."""
        async with self._db.transaction() as s:
            group = await s.get(LessonDelivery, group_delivery_id)
            if group is None or group.member_id is not None or group.delivered_at is None:
                raise NotFound("lesson", group_delivery_id)
            version = await s.get(LessonVersion, group.lesson_version_id)
            assert version is not None
            member = await lookup.by_telegram_id(s, person.telegram_user_id)
            membership = None if member is None else await lookup.membership(s, group.branch_id, member.id)
            if member is None or membership is None or not await was_present(s, membership.id, group.delivered_at):
                raise NotConcerned(version.title)
            already = (await studied_versions(s, member.id)).get(version.id)
            # delivered_at is stamped when its first part is sent (record_sent), as for a group delivery.
            delivery = LessonDelivery(branch_id=group.branch_id, lesson_version_id=version.id, member_id=member.id,
                                      mode=ParticipationMode.MAKEUP, chat_id=person.telegram_user_id)
            s.add(delivery)
            await s.flush()
            # Studied before: the check-in dedupe is per delivery, so a second button would credit the lesson
            # twice. The text comes without it; the quiz stays (answers still close open mistakes).
            parts = compose.lesson_parts(version, delivery_id=delivery.id, button=button, checkin=already is None,
                                         file_ids=await compose.uploaded_file_ids(s, version))
            return MakeupLesson(delivery.id, delivery.chat_id, version.title, already, tuple(parts))

    async def record_sent(self, parts: Sequence[tuple[Part, Sent]]) -> None:
        """Record what the sent parts of a private delivery (补学 or /review) mean: when it was delivered, the
        message with the check-in button, its quiz polls (so that answers are credited)."""
        async with self._db.transaction() as s:
            for part, sent in parts:
                await lesson_sent.record_part(s, part.meta, sent, self._clock.now())
