"""Services on a real, migrated database (each test on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.lessons.deliveries import DeliveryService
from lesson_bot.services.schedules.plans import ScheduleService
from tests.support.services import ADMIN, Services


@pytest.fixture
async def services(migrated_db_url: str) -> AsyncIterator[Services]:
    db = Database(create_engine(migrated_db_url))
    clock = FixedClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    access = AccessControl(db, clock, frozenset({ADMIN.telegram_user_id}))
    try:
        yield Services(db, clock, access, BranchService(db, clock, access), RosterService(db, clock, access),
                       DeliveryService(db, clock, access),
                       ScheduleService(db, clock, access, Translator(), MeetingTypes()))
    finally:
        await db.dispose()
