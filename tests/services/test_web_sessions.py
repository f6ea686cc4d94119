"""Dashboard login links: single use, short-lived, stored only as a hash; Mini App initData checked."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from lesson_bot.db.models import DashboardLogin
from lesson_bot.domain.webapp_auth import InitDataRejected, sign
from lesson_bot.services.views import Person
from lesson_bot.services.web_sessions import LoginRefused, WebSessionService
from tests.support.services import Services

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
MEMBER = Person(4242, "Zhou", "zhou")


def sessions(services: Services) -> WebSessionService:
    return WebSessionService(services.db, services.clock, "https://party.example.org", TOKEN)


async def test_a_link_opens_one_session_and_is_stored_only_as_a_hash(services: Services) -> None:
    """The link names the public URL; it logs its user in once; the table holds no usable token."""
    auth = sessions(services)
    link = await auth.issue_login_link(MEMBER.telegram_user_id)
    prefix = "https://party.example.org/login/"
    assert link.url.startswith(prefix) and link.expires_at == services.clock.now() + timedelta(minutes=10)
    token = link.url.removeprefix(prefix)
    async with services.db.transaction() as s:
        stored = (await s.execute(select(DashboardLogin))).scalars().all()
    assert len(stored) == 1 and token not in stored[0].token_hash and len(stored[0].token_hash) == 64
    assert (await auth.consume(token)).telegram_user_id == MEMBER.telegram_user_id
    with pytest.raises(LoginRefused) as info:
        await auth.consume(token)
    assert info.value.reason == LoginRefused.USED


async def test_an_expired_or_unknown_link_is_refused(services: Services) -> None:
    """Ten minutes after it was sent a link no longer works; a made-up token never did."""
    auth = sessions(services)
    link = await auth.issue_login_link(MEMBER.telegram_user_id)
    services.clock.set(services.clock.now() + timedelta(minutes=10, seconds=1))
    with pytest.raises(LoginRefused) as info:
        await auth.consume(link.url.rsplit("/", 1)[1])
    assert info.value.reason == LoginRefused.EXPIRED
    with pytest.raises(LoginRefused) as info:
        await auth.consume("x" * 43)
    assert info.value.reason == LoginRefused.UNKNOWN


async def test_two_tabs_racing_with_one_link_open_one_session(services: Services) -> None:
    """The same link consumed twice at once: exactly one succeeds, the other is told it was used."""
    auth = sessions(services)
    token = (await auth.issue_login_link(MEMBER.telegram_user_id)).url.rsplit("/", 1)[1]
    results = await asyncio.gather(auth.consume(token), auth.consume(token), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["LoginRefused", "SessionUser"]


async def test_old_links_are_purged_when_new_ones_are_issued(services: Services) -> None:
    """A day after expiry a link's row is deleted when the next link is issued."""
    auth = sessions(services)
    await auth.issue_login_link(MEMBER.telegram_user_id)
    services.clock.set(services.clock.now() + timedelta(days=2))
    await auth.issue_login_link(MEMBER.telegram_user_id)
    async with services.db.transaction() as s:
        assert len((await s.execute(select(DashboardLogin))).scalars().all()) == 1


async def test_mini_app_init_data_logs_in_in_the_members_language(services: Services) -> None:
    """Signed initData logs the user in, in the language they chose in the bot; a forged one is refused."""
    await services.roster.start(MEMBER, None)
    await services.roster.set_locale(MEMBER, "en")
    fields = {"user": json.dumps({"id": MEMBER.telegram_user_id, "first_name": "Zhou"}),
              "auth_date": str(int(services.clock.now().timestamp()))}
    auth = sessions(services)
    user = await auth.login_webapp(urlencode({**fields, "hash": sign(fields, TOKEN)}))
    assert (user.telegram_user_id, user.locale) == (MEMBER.telegram_user_id, "en")
    with pytest.raises(InitDataRejected):
        await auth.login_webapp(urlencode({**fields, "hash": sign(fields, "1:" + "z" * 30)}))
