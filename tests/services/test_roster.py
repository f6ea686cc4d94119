"""The roster fills itself from the group, from /join and deep links, and from a secretary's CSV."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lesson_bot.db.models import Member, Membership
from lesson_bot.domain.enums import MembershipStatus, PartyStatus, Role
from lesson_bot.services.errors import InvalidInput, NotFound, Refused
from lesson_bot.services.views import BranchView, Person
from tests.support.services import Services

SEC = Person(101, "李书记", "li_shuji")
BOB = Person(202, "Bob", "bob")
GROUP = -100777


async def _branch(services: Services) -> BranchView:
    return await services.branches.register(SEC, GROUP, "一支部", "Asia/Shanghai", "zh-Hans", is_group_admin=True)


async def test_someone_writing_in_the_group_lands_on_the_roster_once(services: Services) -> None:
    """A message from a new person adds them as a member; their next messages change nothing."""
    branch = await _branch(services)
    assert await services.roster.seen(GROUP, BOB) is True
    assert await services.roster.seen(GROUP, BOB) is False
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert [(e.name, e.role) for e in roster.active] == [("李书记", Role.SECRETARY), ("Bob", Role.MEMBER)]


async def test_messages_in_an_unregistered_group_record_nobody(services: Services) -> None:
    """Before /register, chatter in a group is not turned into a roster."""
    assert await services.roster.seen(-4242, BOB) is False
    async with services.db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(Member))).scalar_one() == 0


async def test_a_member_who_leaves_is_marked_left_and_comes_back_active(services: Services) -> None:
    """Leaving marks the member left (never deleted); rejoining makes them active again."""
    branch = await _branch(services)
    await services.roster.seen(GROUP, BOB)
    assert await services.roster.left(GROUP, BOB.telegram_user_id) is True
    assert await services.roster.left(GROUP, BOB.telegram_user_id) is False
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert [(e.name, e.status) for e in roster.entries if e.name == "Bob"] == [("Bob", MembershipStatus.LEFT)]
    result = await services.roster.join(GROUP, BOB)
    assert result.newly_joined is True
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert "Bob" in [e.name for e in roster.active]


async def test_join_in_an_unregistered_group_is_not_found(services: Services) -> None:
    """/join where there is no branch says so instead of creating one."""
    with pytest.raises(NotFound):
        await services.roster.join(-1, BOB)


async def test_start_with_the_branch_deep_link_joins_and_makes_the_member_reachable(services: Services) -> None:
    """/start <invite> ties the member to the branch; the roster then shows them as reachable in private."""
    branch = await _branch(services)
    result = await services.roster.start(BOB, branch.invite_code)
    assert result.first_start is True and result.joined is not None and result.joined.newly_joined
    again = await services.roster.start(BOB, branch.invite_code)
    assert again.first_start is False and again.joined is not None and not again.joined.newly_joined
    bogus = await services.roster.start(BOB, "b-not-a-real-code")
    assert bogus.bad_payload is True and bogus.joined is None
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert [e.name for e in roster.not_started] == ["李书记"]


async def test_a_member_who_blocked_the_bot_is_unreachable_until_they_start_it_again(services: Services) -> None:
    """Blocking the bot takes the member off the reachable list; /start again puts them back."""
    branch = await _branch(services)
    await services.roster.start(BOB, branch.invite_code)
    await services.roster.blocked(BOB.telegram_user_id)
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert "Bob" in [e.name for e in roster.not_started]
    await services.roster.start(BOB, None)
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    assert "Bob" not in [e.name for e in roster.not_started]


async def test_lang_is_remembered_and_only_supported_languages_are_accepted(services: Services) -> None:
    """/lang en is remembered for the person; an unsupported code is refused naming the field."""
    assert await services.roster.locale_of(BOB.telegram_user_id) is None
    await services.roster.set_locale(BOB, "en")
    assert await services.roster.locale_of(BOB.telegram_user_id) == "en"
    with pytest.raises(InvalidInput) as info:
        await services.roster.set_locale(BOB, "fr")
    assert info.value.field == "locale"


CSV = """姓名,Telegram,角色,状态,党小组,支委
张三,@zhangsan,党员,正式,第一党小组,否
李四,300003,书记,正式,,是
王五,@wangwu,党员,预备,第二党小组,否
赵六,,党员,正式,,否
钱七,@qianqi,队长,正式,,否
孙八,@zhangsan,党员,正式,,否
周九,@zhoujiu,党员,半正式,,否
"""


async def test_csv_import_reports_bad_rows_by_line_and_imports_the_good_ones(services: Services) -> None:
    """Good rows land on the roster; each bad row is reported with its line and column; nothing else is lost."""
    branch = await _branch(services)
    report = await services.roster.import_csv(SEC.telegram_user_id, branch.id, CSV.encode("gb18030"))
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    assert [(p.line, p.field, p.problem) for p in report.problems] == [
        (5, "telegram", "empty"), (6, "role", "unknown"), (7, "telegram", "duplicate"), (8, "status", "unknown"),
    ]
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    by_name = {e.name: e for e in roster.entries}
    assert by_name["李四"].role is Role.SECRETARY and by_name["李四"].is_committee
    assert by_name["王五"].party_status is PartyStatus.PROBATIONARY and by_name["王五"].party_group == "第二党小组"
    assert by_name["张三"].username == "zhangsan" and not by_name["张三"].started_bot


async def test_reimporting_the_same_file_changes_nothing(services: Services) -> None:
    """Importing the same CSV twice adds and updates nothing the second time."""
    branch = await _branch(services)
    data = CSV.encode("utf-8-sig")
    await services.roster.import_csv(SEC.telegram_user_id, branch.id, data)
    async with services.db.transaction() as s:
        before = (await s.execute(select(func.count()).select_from(Membership))).scalar_one()
    second = await services.roster.import_csv(SEC.telegram_user_id, branch.id, data)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 3)
    async with services.db.transaction() as s:
        assert (await s.execute(select(func.count()).select_from(Membership))).scalar_one() == before


async def test_an_imported_username_is_tied_to_the_user_when_they_appear(services: Services) -> None:
    """A roster line known only by @username becomes that user's entry when they first write in the group."""
    branch = await _branch(services)
    await services.roster.import_csv(SEC.telegram_user_id, branch.id, CSV.encode())
    await services.roster.seen(GROUP, Person(555, "Zhang San", "ZhangSan"))
    roster = await services.roster.roster(SEC.telegram_user_id, branch.id)
    zhang = [e for e in roster.entries if e.name == "张三"]
    assert len(zhang) == 1 and zhang[0].telegram_user_id == 555
    assert len(roster.entries) == 4  # no second entry for the same person


async def test_a_secretary_cannot_demote_a_secretary_by_import_but_an_admin_can(services: Services) -> None:
    """Turning a secretary into a member through a CSV is an admin's decision; the row says so."""
    branch = await _branch(services)
    await services.roster.import_csv(SEC.telegram_user_id, branch.id, CSV.encode())
    demote = "name,telegram,role,status\n李四,300003,member,full\n".encode()
    report = await services.roster.import_csv(SEC.telegram_user_id, branch.id, demote)
    assert [(p.line, p.field, p.problem) for p in report.problems] == [(2, "role", "only_admin_can_demote")]
    admin_report = await services.roster.import_csv(900, branch.id, demote)
    assert (admin_report.updated, admin_report.problems) == (1, ())


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", ("file", "empty")), (b"\xff\xfe\x00garbage\x81", ("file", "encoding")),
     ("姓名,角色\n张三,党员\n".encode(), ("telegram", "missing_column"))],
)
async def test_an_unusable_file_is_reported_not_raised(services: Services, data: bytes,
                                                       problem: tuple[str, str]) -> None:
    """An empty file, an unreadable encoding or a missing column is reported at line 1, and nothing changes."""
    branch = await _branch(services)
    report = await services.roster.import_csv(SEC.telegram_user_id, branch.id, data)
    assert (report.added, report.updated) == (0, 0)
    assert problem in [(p.field, p.problem) for p in report.problems]


async def test_only_its_secretaries_and_admins_import_a_roster(services: Services) -> None:
    """A member cannot import a roster."""
    branch = await _branch(services)
    with pytest.raises(Refused):
        await services.roster.import_csv(BOB.telegram_user_id, branch.id, CSV.encode())


async def test_a_nul_byte_in_a_name_is_refused_alike_on_both_databases(services: Services) -> None:
    """A name with a NUL byte (stored by SQLite, refused by PostgreSQL) is reported on its line; the good line is
    imported, the same on either database."""
    branch = await _branch(services)
    data = "姓名,Telegram,角色,状态\n张\x00三,201,党员,正式\n李四,202,党员,正式\n".encode()
    report = await services.roster.import_csv(SEC.telegram_user_id, branch.id, data)
    assert [(p.line, p.field, p.problem) for p in report.problems] == [(2, "name", "control_characters")]
    names = [e.name for e in (await services.roster.roster(SEC.telegram_user_id, branch.id)).entries]
    assert "李四" in names and not [n for n in names if "\x00" in n]
