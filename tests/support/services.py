"""The services the services tests build on a real, migrated database, and the administrator they know."""

from __future__ import annotations

from dataclasses import dataclass

from lesson_bot.db.uow import Database
from lesson_bot.services.access import AccessControl
from lesson_bot.services.branches.registration import BranchService
from lesson_bot.services.branches.roster import RosterService
from lesson_bot.services.clock import FixedClock
from lesson_bot.services.lessons.deliveries import DeliveryService
from lesson_bot.services.schedules.plans import ScheduleService
from lesson_bot.services.views import Person

ADMIN = Person(900, "Admin Wang", "admin_wang")


@dataclass
class Services:
    db: Database
    clock: FixedClock
    access: AccessControl
    branches: BranchService
    roster: RosterService
    deliveries: DeliveryService
    schedules: ScheduleService
