"""The composition root: the one place that knows every concrete class and wires them together."""

from __future__ import annotations

import os
from dataclasses import dataclass

from lesson_bot.config import Settings
from lesson_bot.db import migrate
from lesson_bot.db.engine import create_engine
from lesson_bot.db.uow import Database
from lesson_bot.i18n import Translator
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches import BranchService
from lesson_bot.services.clock import Clock, SystemClock
from lesson_bot.services.deliveries import DeliveryService
from lesson_bot.services.dialogs import DialogService
from lesson_bot.services.library import LibraryService
from lesson_bot.services.roster import RosterService
from lesson_bot.services.schedules import ScheduleService


def configure_ptb() -> None:
    """python-telegram-bot 22 reports time spans (RetryAfter.retry_after, ...) as timedelta only with
    PTB_TIMEDELTA set, and warns on every 429 without it; lesson_bot is written against the timedelta API."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")


@dataclass
class Services:
    """Every use case the adapters (bot, web, CLI) may call."""

    settings: Settings
    db: Database
    clock: Clock
    translator: Translator
    access: AccessControl
    branches: BranchService
    roster: RosterService
    dialogs: DialogService
    library: LibraryService
    deliveries: DeliveryService
    schedules: ScheduleService


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Build the engine and the services for these settings (nothing is connected yet)."""
    configure_ptb()
    clock = clock or SystemClock()
    db = Database(create_engine(settings.database_url))
    access = AccessControl(db, clock, frozenset(settings.admin_ids))
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        translator=Translator(settings.default_locale),
        access=access,
        branches=BranchService(db, clock, access),
        roster=RosterService(db, clock, access),
        dialogs=DialogService(db, clock),
        library=LibraryService(db),
        deliveries=DeliveryService(db, clock, access),
        schedules=ScheduleService(db, clock, access),
    )


async def prepare_database(services: Services) -> None:
    """Bring the schema up to date on start, unless the operator turned that off."""
    if services.settings.db_upgrade_on_start:
        await migrate.upgrade(services.db.engine)
