"""Who sees which report: a member only their own, a secretary their branches, an admin everything; every
refusal audited. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from lesson_bot.db.models import AuditEntry
from lesson_bot.domain.assessment import AssessmentRules
from lesson_bot.domain.enums import AuditOutcome
from lesson_bot.domain.periods import parse
from lesson_bot.services.errors import Refused
from lesson_bot.services.reports.service import ReportService
from tests.support.reports import BOB, OUTSIDER, SEC_A, SEC_B, Quarter, play_quarter
from tests.support.services import ADMIN, Services

Q4 = parse("2026-Q4")
Call = Callable[[ReportService, Quarter, int], Awaitable[object]]

CALLS: dict[str, Call] = {
    "own": lambda r, q, tg: r.member_report(tg, None, Q4),
    "bob": lambda r, q, tg: r.member_report(tg, q.members["Bob"], Q4),
    "branch_a": lambda r, q, tg: r.branch_report(tg, q.branch_a, Q4),
    "org": lambda r, q, tg: r.org_report(tg, Q4),
    "rules_diff": lambda r, q, tg: r.compare_rules(tg, Q4, AssessmentRules(), AssessmentRules()),
}
# Who may: (call, actor) -> allowed. Bob reads his own; 一支部's secretary reads Bob and the branch; 二支部's may
# not; an admin reads everything; an outsider (not a member) has no own report and nothing else.
MATRIX = {
    ("own", BOB): True, ("bob", BOB): True, ("branch_a", BOB): False, ("org", BOB): False,
    ("rules_diff", BOB): False,
    ("bob", SEC_A): True, ("branch_a", SEC_A): True, ("org", SEC_A): False, ("rules_diff", SEC_A): False,
    ("bob", SEC_B): False, ("branch_a", SEC_B): False, ("org", SEC_B): False,
    ("bob", ADMIN): True, ("branch_a", ADMIN): True, ("org", ADMIN): True, ("rules_diff", ADMIN): True,
    ("bob", OUTSIDER): False, ("branch_a", OUTSIDER): False, ("org", OUTSIDER): False,
}


async def refusals(services: Services) -> int:
    async with services.db.transaction() as s:
        rows = (await s.execute(select(AuditEntry).where(AuditEntry.outcome == AuditOutcome.REFUSED))).all()
    return len(rows)


async def test_the_role_matrix_over_every_report(services: Services) -> None:
    """Each (report, person) pair is allowed or refused as the matrix says; each refusal adds one audit entry."""
    q = await play_quarter(services, services.clock)
    service = ReportService(services.db, services.clock, services.access)
    for (call, person), allowed in MATRIX.items():
        before = await refusals(services)
        if allowed:
            assert await CALLS[call](service, q, person.telegram_user_id) is not None, (call, person.full_name)
            assert await refusals(services) == before
        else:
            with pytest.raises(Refused):
                await CALLS[call](service, q, person.telegram_user_id)
            assert await refusals(services) == before + 1, (call, person.full_name)


async def test_a_secretary_sees_a_member_only_in_their_own_branches(services: Services) -> None:
    """Eve's report for 二支部's secretary has 二支部's line; the admin's the same; 一支部's secretary is refused."""
    q = await play_quarter(services, services.clock)
    service = ReportService(services.db, services.clock, services.access)
    eve = q.members["Eve"]
    assert [line.branch_id for line in (await service.member_report(SEC_B.telegram_user_id, eve, Q4)).branches] \
        == [q.branch_b]
    with pytest.raises(Refused):
        await service.member_report(SEC_A.telegram_user_id, eve, Q4)


async def test_member_rankings_only_for_admins_and_only_when_turned_on(services: Services) -> None:
    """With member_ranking on, the admin sees Bob first (9 points) and 李书记 last; the secretary sees no ranks."""
    q = await play_quarter(services, services.clock)
    service = ReportService(services.db, services.clock, services.access, AssessmentRules(member_ranking=True))
    ranked = await service.branch_report(ADMIN.telegram_user_id, q.branch_a, Q4)
    assert {m.name: m.rank for m in ranked.members} == {"Bob": 1, "Carol": 2, "Dan": 3, "李书记": 4}
    plain = await service.branch_report(SEC_A.telegram_user_id, q.branch_a, Q4)
    assert all(m.rank is None for m in plain.members)
