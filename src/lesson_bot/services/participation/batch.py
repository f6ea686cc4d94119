"""One batch of check-ins and quiz answers written in one transaction (the recorder's flusher calls this).

Every lookup is one bulk query per batch (IN (...)), whatever the batch size; events go in with one multi-row
insert-ignore, so a replayed tap or answer (same dedupe key) changes nothing. Rows are written in key order so
that two replicas writing overlapping batches on PostgreSQL take their locks in the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db.models import Branch, LessonDelivery, Member, Membership, ParticipationEvent, QuizPoll
from lesson_bot.db.upsert import insert_new
from lesson_bot.domain.enums import MembershipSource, MembershipStatus, ParticipationKind, ParticipationMode, Role
from lesson_bot.services import lookup
from lesson_bot.services.branches.membership import come_back
from lesson_bot.services.views import Person


@dataclass(frozen=True)
class DeliveryInfo:
    """What a check-in or an answer needs to know about a lesson delivery (immutable once it was sent)."""

    id: int
    branch_id: int
    lesson_version_id: int
    chat_id: int
    member_id: int | None  # set for a private delivery (补学, review): only that member is credited
    mode: ParticipationMode
    delivered_at: datetime | None


@dataclass(frozen=True)
class PollInfo:
    id: int
    delivery_id: int
    question_index: int
    correct_option: int


@dataclass(frozen=True)
class Request:
    """One check-in (poll_id None) or one quiz answer, as the handler saw it."""

    person: Person
    at: datetime
    delivery_id: int | None = None
    chat_id: int | None = None  # where the check-in button was tapped
    poll_id: str | None = None
    option_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What became of one request; `status` is "recorded", "already" or "refused" (then `refusal` says why)."""

    status: str
    refusal: str | None = None  # "unknown" (no such lesson or poll), "other_chat", "not_yours"
    locale: str | None = None
    delivery_id: int | None = None
    mode: ParticipationMode | None = None
    count: int = 0  # check-ins recorded for the delivery, this one included
    expected: int = 0  # the count's denominator (see docs/participation.md)
    correct: bool | None = None  # a quiz answer's
    joined: bool = False  # the member was added to the branch's roster by this request


class Caches:
    """Deliveries and quiz polls never change once sent: kept in memory (members and rosters do change)."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self.deliveries: dict[int, DeliveryInfo] = {}
        self.polls: dict[str, PollInfo] = {}

    def trim(self) -> None:
        for cache in (self.deliveries, self.polls):
            if len(cache) > self.LIMIT:
                cache.clear()  # crude but bounded; a miss costs one query per batch


async def write_batch(s: AsyncSession, caches: Caches, requests: Sequence[Request], now: datetime) -> list[Outcome]:
    """Record the requests in this transaction; one outcome per request, in order."""
    caches.trim()
    polls = await _polls(s, caches, {r.poll_id for r in requests if r.poll_id is not None})
    wanted = {r.delivery_id for r in requests if r.delivery_id is not None}
    deliveries = await _deliveries(s, caches, wanted | {p.delivery_id for p in polls.values()})
    branch_ids = {d.branch_id for d in deliveries.values()}
    branches = {i: (chat, locale) for i, chat, locale in (await s.execute(
        select(Branch.id, Branch.chat_id, Branch.locale).where(Branch.id.in_(branch_ids))
    ))} if branch_ids else {}
    locales = {i: locale for i, (_chat, locale) in branches.items()}

    outcomes: list[Outcome | None] = [None] * len(requests)
    accepted: list[tuple[int, DeliveryInfo, PollInfo | None]] = []
    for i, r in enumerate(requests):
        poll = polls.get(r.poll_id) if r.poll_id is not None else None
        delivery = deliveries.get(poll.delivery_id if poll is not None else (r.delivery_id or 0))
        if delivery is None or (r.poll_id is not None and poll is None):
            outcomes[i] = Outcome("refused", "unknown")
        elif poll is None and r.chat_id not in (delivery.chat_id, _group_now(delivery, branches)):
            outcomes[i] = Outcome("refused", "other_chat", locales.get(delivery.branch_id), delivery.id, delivery.mode)
        else:
            accepted.append((i, delivery, poll))

    members, member_locales = await _members(s, [requests[i].person for i, _d, _p in accepted])
    for i, delivery, _poll in accepted:
        owner = delivery.member_id
        if owner is not None and owner != members[requests[i].person.telegram_user_id]:
            outcomes[i] = Outcome("refused", "not_yours", locales.get(delivery.branch_id), delivery.id, delivery.mode)
    accepted = [a for a in accepted if outcomes[a[0]] is None]
    joined = await _ensure_memberships(s, {(d.branch_id, members[requests[i].person.telegram_user_id])
                                           for i, d, _p in accepted if d.member_id is None}, now)

    rows: dict[str, dict[str, object]] = {}
    keys: list[str] = []
    for i, delivery, poll in accepted:
        r = requests[i]
        member_id = members[r.person.telegram_user_id]
        key, row = _event(r, delivery, poll, member_id, now)
        rows.setdefault(key, row)  # the same tap twice in one batch: the first one counts
        keys.append(key)
    inserted = set(await insert_new(s, ParticipationEvent, [rows[k] for k in sorted(rows)], ["dedupe_key"],
                                    ParticipationEvent.dedupe_key))

    new_checkins: Counter[int] = Counter()
    newcomers: set[tuple[int, int]] = set()  # (delivery, member): someone this batch put on the roster
    first_seen: set[str] = set()
    for (i, delivery, poll), key in zip(accepted, keys, strict=True):
        fresh = key in inserted and key not in first_seen
        first_seen.add(key)
        if fresh and poll is None:
            new_checkins[delivery.id] += 1
        member_id = members[requests[i].person.telegram_user_id]
        came = (delivery.branch_id, member_id) in joined
        if came:
            newcomers.add((delivery.id, member_id))
        outcomes[i] = Outcome("recorded" if fresh else "already", None,
                              _locale(delivery, locales, member_locales, requests[i].person),
                              delivery.id, delivery.mode, correct=rows[key]["correct"],  # type: ignore[arg-type]
                              joined=came)
    added = Counter(delivery_id for delivery_id, _member in newcomers)
    counts = await _bump_counts(s, new_checkins, added, {d.id for _i, d, p in accepted if p is None})
    makeups: Counter[tuple[int, int]] = Counter()
    for d in deliveries.values():
        if d.member_id is not None and new_checkins[d.id]:
            makeups[(d.branch_id, d.lesson_version_id)] += new_checkins[d.id]
    await _bump_groups(s, makeups)
    done: list[Outcome] = []
    for outcome in outcomes:
        assert outcome is not None
        if outcome.delivery_id in counts and outcome.status != "refused":
            count, expected = counts[outcome.delivery_id]
            outcome = replace(outcome, count=count, expected=max(expected, count))
        done.append(outcome)
    return done


def _event(r: Request, d: DeliveryInfo, poll: PollInfo | None, member_id: int,
           now: datetime) -> tuple[str, dict[str, object]]:
    seconds = None if d.delivered_at is None else max(0, int((r.at - d.delivered_at).total_seconds()))
    row: dict[str, object] = {
        "mode": d.mode, "occurred_at": r.at, "recorded_at": now, "branch_id": d.branch_id, "member_id": member_id,
        "lesson_version_id": d.lesson_version_id, "delivery_id": d.id, "meeting_id": None,
        "question_index": None, "option_index": None, "correct": None, "seconds_after_delivery": seconds,
        "detail": {},
    }
    if poll is None:
        return f"checkin:{d.id}:{member_id}", {**row, "dedupe_key": f"checkin:{d.id}:{member_id}",
                                               "kind": ParticipationKind.LESSON_CHECKIN}
    row["question_index"] = poll.question_index
    if not r.option_ids:  # a retracted vote: kept as evidence, but the first answer is the one that counts
        key = f"retract:{poll.id}:{member_id}"
        return key, {**row, "dedupe_key": key, "kind": ParticipationKind.QUIZ_RETRACT}
    chosen = r.option_ids[0]
    key = f"quiz:{poll.id}:{member_id}"
    return key, {**row, "dedupe_key": key, "kind": ParticipationKind.QUIZ_ANSWER, "option_index": chosen,
                 "correct": chosen == poll.correct_option, "detail": {"option_ids": list(r.option_ids)}}


def _group_now(d: DeliveryInfo, branches: dict[int, tuple[int, str]]) -> int | None:
    """The branch's group today: a group that became a supergroup keeps its lessons' buttons."""
    return branches[d.branch_id][0] if d.member_id is None and d.branch_id in branches else None


def _locale(d: DeliveryInfo, branches: dict[int, str], members: dict[int, str | None], person: Person) -> str | None:
    if d.member_id is not None:  # a private delivery speaks the member's language
        return members.get(person.telegram_user_id) or person.language_code or branches.get(d.branch_id)
    return branches.get(d.branch_id)


async def _polls(s: AsyncSession, caches: Caches, ids: set[str]) -> dict[str, PollInfo]:
    missing = ids - caches.polls.keys()
    if missing:
        for row in (await s.execute(select(QuizPoll).where(QuizPoll.telegram_poll_id.in_(missing)))).scalars():
            caches.polls[row.telegram_poll_id] = PollInfo(row.id, row.delivery_id, row.question_index,
                                                          row.correct_option)
    return {i: caches.polls[i] for i in ids if i in caches.polls}


async def _deliveries(s: AsyncSession, caches: Caches, ids: set[int]) -> dict[int, DeliveryInfo]:
    found = {i: caches.deliveries[i] for i in ids if i in caches.deliveries}
    missing = ids - found.keys()
    if missing:
        for row in (await s.execute(select(LessonDelivery).where(LessonDelivery.id.in_(missing)))).scalars():
            info = DeliveryInfo(row.id, row.branch_id, row.lesson_version_id, row.chat_id, row.member_id, row.mode,
                                row.delivered_at)
            found[row.id] = info
            if row.delivered_at is not None:  # not yet sent: its delivered_at is still to come
                caches.deliveries[row.id] = info
    return found


async def _members(s: AsyncSession,
                   people: Iterable[Person]) -> tuple[dict[int, int], dict[int, str | None]]:
    """Member ids (and chosen locales) by Telegram user id; people seen for the first time are created."""
    by_id = {p.telegram_user_id: p for p in people}
    if not by_id:
        return {}, {}
    query = select(Member.telegram_user_id, Member.id, Member.locale).where(Member.telegram_user_id.in_(by_id))
    found = {uid: (mid, loc) for uid, mid, loc in (await s.execute(query)) if uid is not None}
    missing = [p for uid, p in sorted(by_id.items()) if uid not in found]
    if missing:
        # A roster entry known only by @username is tied to the user here, as anywhere else (rare: one by one).
        names = {p.username.lower() for p in missing if p.username}
        claimable = set((await s.execute(select(func.lower(Member.username)).where(
            func.lower(Member.username).in_(names), Member.telegram_user_id.is_(None)))).scalars()) if names else set()
        plain = []
        for p in missing:
            if p.username and p.username.lower() in claimable:
                member = await lookup.upsert_person(s, p)
                await s.flush()
                found[p.telegram_user_id] = (member.id, member.locale)
            else:
                plain.append({"telegram_user_id": p.telegram_user_id, "username": p.username,
                              "full_name": (p.full_name or str(p.telegram_user_id))[:128]})
        await insert_new(s, Member, plain, ["telegram_user_id"], Member.id)
        query = select(Member.telegram_user_id, Member.id, Member.locale).where(
            Member.telegram_user_id.in_([row["telegram_user_id"] for row in plain]))
        found.update({uid: (mid, loc) for uid, mid, loc in (await s.execute(query)) if uid is not None})
    return {uid: mid for uid, (mid, _l) in found.items()}, {uid: loc for uid, (_m, loc) in found.items()}


async def _ensure_memberships(s: AsyncSession, pairs: set[tuple[int, int]], now: datetime) -> set[tuple[int, int]]:
    """Put everyone who acted in a branch's group on its roster (they can see the group, so they are in it);
    the (branch, member) pairs that were added or came back."""
    if not pairs:
        return set()
    rows = (await s.execute(select(Membership.branch_id, Membership.member_id, Membership.status, Membership.id)
                            .where(tuple_(Membership.branch_id, Membership.member_id).in_(sorted(pairs))))).all()
    known = {(b, m): status for b, m, status, _i in rows}
    missing = sorted(pairs - known.keys())
    new = [{"branch_id": b, "member_id": m, "role": Role.MEMBER, "status": MembershipStatus.ACTIVE,
            "source": MembershipSource.MESSAGE, "joined_at": now, "is_committee": False} for b, m in missing]
    inserted = await insert_new(s, Membership, new, ["branch_id", "member_id"], Membership.id)
    added = set(missing) if len(inserted) == len(missing) else set(  # else a concurrent writer added some
        (await s.execute(select(Membership.branch_id, Membership.member_id).where(
            Membership.id.in_(inserted)))).all())
    back = {(b, m): i for b, m, status, i in rows if status is MembershipStatus.LEFT}
    await come_back(s, back.values(), now)
    return added | back.keys()


async def _bump_groups(s: AsyncSession, makeups: Counter[tuple[int, int]]) -> None:
    """A 补学 check-in changes the group's count of that lesson (everyone who studied it, make-ups told apart):
    bump its group deliveries' make-up counts, so the count tick relabels their buttons."""
    if not makeups:
        return
    table = cast(Table, LessonDelivery.__table__)
    await s.execute(
        update(table).where(table.c.branch_id == bindparam("b_branch"),
                            table.c.lesson_version_id == bindparam("b_version"), table.c.member_id.is_(None))
        .values(makeup_count=table.c.makeup_count + bindparam("b_new")),
        [{"b_branch": b, "b_version": v, "b_new": n} for (b, v), n in sorted(makeups.items())])


async def _bump_counts(s: AsyncSession, new: Counter[int], added: Counter[int],
                       ids: set[int]) -> dict[int, tuple[int, int]]:
    """Add the batch's new check-ins (and roster additions) to each delivery; every touched delivery's
    (count, expected)."""
    touched = sorted(new.keys() | added.keys())
    if touched:
        # One executemany for every delivery of the batch (a burst touches hundreds): one round trip, not one each.
        table = cast(Table, LessonDelivery.__table__)
        await s.execute(
            update(table).where(table.c.id == bindparam("b_id")).values(
                checkin_count=table.c.checkin_count + bindparam("b_new"),
                expected_count=table.c.expected_count + bindparam("b_added")),
            [{"b_id": i, "b_new": new[i], "b_added": added[i]} for i in touched])
    if not ids:
        return {}
    rows = await s.execute(select(LessonDelivery.id, LessonDelivery.checkin_count, LessonDelivery.expected_count)
                           .where(LessonDelivery.id.in_(ids)))
    return {i: (count, expected or 0) for i, count, expected in rows}
