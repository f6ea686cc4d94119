"""Registering a group as a branch, secretaries, and the bot leaving or the group moving."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lesson_bot.db.models import AuditEntry
from lesson_bot.domain.enums import AuditOutcome, BranchStatus, Role
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound, Refused
from lesson_bot.services.views import Person
from tests.support.services import ADMIN, Services

SEC = Person(101, "李书记", "li_shuji")
ALICE = Person(201, "Alice", "alice")
GROUP = -100123


async def test_a_group_admin_registers_the_group_and_becomes_its_secretary(services: Services) -> None:
    """The group admin who runs /register is the new branch's secretary; the branch is active in its zone."""
    branch = await services.branches.register(SEC, GROUP, "  第一 党支部 ", "Asia/Shanghai", "zh-Hans",
                                              is_group_admin=True)
    assert branch.title == "第一 党支部"
    assert branch.status is BranchStatus.ACTIVE
    assert branch.secretaries == ("李书记",)
    assert branch.invite_code.startswith("b") and len(branch.invite_code) >= 12
    assert await services.branches.by_chat(GROUP) == branch


async def test_registering_twice_is_a_conflict_that_names_the_branch(services: Services) -> None:
    """A second /register in a registered group changes nothing and says which branch it already is."""
    await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    with pytest.raises(Conflict) as info:
        await services.branches.register(ALICE, GROUP, "二支部", "UTC", "en", is_group_admin=True)
    assert info.value.params == {"title": "一支部"}


async def test_registering_needs_a_group_admin_and_the_refusal_is_audited(services: Services) -> None:
    """A member who is not a group admin cannot register; the refusal lands in the audit log."""
    with pytest.raises(Refused):
        await services.branches.register(ALICE, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=False)
    assert await services.branches.by_chat(GROUP) is None
    async with services.db.transaction() as s:
        entry = (await s.execute(select(AuditEntry))).scalar_one()
    assert (entry.action, entry.outcome, entry.actor_telegram_id) == ("branch.register", AuditOutcome.REFUSED, 201)


@pytest.mark.parametrize(("title", "zone", "field"), [("", "UTC", "title"), ("x" * 129, "UTC", "title"),
                                                      ("一支部", "China/Beijing", "timezone")])
async def test_bad_registration_input_names_the_field(services: Services, title: str, zone: str, field: str) -> None:
    """An empty or overlong name, or an unknown time zone, is refused naming the field; nothing is created."""
    with pytest.raises(InvalidInput) as info:
        await services.branches.register(SEC, GROUP, title, zone, "zh-Hans", is_group_admin=True)
    assert info.value.field == field
    assert await services.branches.by_chat(GROUP) is None


async def test_the_bot_removed_marks_the_branch_inactive_and_re_adding_restores_it(services: Services) -> None:
    """Removing the bot keeps the branch and its roster, inactive; adding it back makes it active again."""
    await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    removed = await services.branches.bot_removed(GROUP)
    assert removed is not None and removed.status is BranchStatus.INACTIVE and removed.secretaries == ("李书记",)
    restored = await services.branches.bot_added(GROUP)
    assert restored is not None and restored.status is BranchStatus.ACTIVE
    assert await services.branches.bot_removed(-5) is None


async def test_a_migrated_group_keeps_its_branch_under_the_new_id(services: Services) -> None:
    """When the group becomes a supergroup the branch follows it; the second service message changes nothing."""
    before = await services.branches.register(SEC, -555, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    moved = await services.branches.chat_migrated(-555, -1000000000555)
    again = await services.branches.chat_migrated(-555, -1000000000555)
    assert moved is not None and moved.id == before.id and moved.chat_id == -1000000000555
    assert again == moved
    assert await services.branches.by_chat(-555) is None


async def test_a_secretary_adds_a_secretary_and_only_an_admin_removes_one(services: Services) -> None:
    """Secretaries appoint another secretary by @username once the bot knows that person (never an @username
    nobody has yet: whoever registered it later would become secretary); only admins demote."""
    branch = await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    with pytest.raises(NotFound) as unknown:
        await services.branches.add_secretary(SEC.telegram_user_id, branch.id, "@Alice")
    assert unknown.value.what == "appointee"
    with pytest.raises(NotFound):
        await services.branches.add_secretary(SEC.telegram_user_id, branch.id, 6439208079590)
    await services.roster.seen(GROUP, ALICE)  # Alice writes in the group: now the bot knows her
    assert (await services.branches.by_chat(GROUP)).secretaries == ("李书记",)  # type: ignore[union-attr]
    entry = await services.branches.add_secretary(SEC.telegram_user_id, branch.id, "@Alice")
    assert entry.role is Role.SECRETARY and entry.telegram_user_id == ALICE.telegram_user_id
    assert (await services.branches.by_chat(GROUP)).secretaries == ("李书记", "Alice")  # type: ignore[union-attr]
    with pytest.raises(Refused):
        await services.branches.remove_secretary(SEC.telegram_user_id, branch.id, ALICE.telegram_user_id)
    demoted = await services.branches.remove_secretary(ADMIN.telegram_user_id, branch.id, ALICE.telegram_user_id)
    assert demoted.role is Role.MEMBER
    with pytest.raises(NotFound):
        await services.branches.remove_secretary(ADMIN.telegram_user_id, branch.id, ALICE.telegram_user_id)


async def test_branches_lists_everything_for_admins_and_own_branches_for_secretaries(services: Services) -> None:
    """/branches: admins see every branch with its status, a secretary only theirs, a member is refused."""
    one = await services.branches.register(SEC, -1, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.branches.register(ALICE, -2, "二支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)
    await services.branches.bot_removed(-2)
    everything = await services.branches.list_for(ADMIN.telegram_user_id)
    assert [(b.title, b.status) for b in everything] == [("一支部", BranchStatus.ACTIVE),
                                                         ("二支部", BranchStatus.INACTIVE)]
    assert [b.id for b in await services.branches.list_for(SEC.telegram_user_id)] == [one.id]
    with pytest.raises(Refused):
        await services.branches.list_for(777)
