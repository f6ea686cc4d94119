"""Engine jobs of the meeting routine that look at many meetings, so run at most every `interval` (the engine ticks
every few seconds): cadence reminders before a period ends (services/meetings/cadence_reminders.py) and 补学 tasks
for absentees (services/meetings/makeup.py). A replay is harmless either way: each message has a dedupe key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from lesson_bot.db.uow import Database
from lesson_bot.domain.meeting_types import MeetingTypes
from lesson_bot.i18n import Translator
from lesson_bot.services.clock import Clock
from lesson_bot.services.meetings.cadence import CadenceService
from lesson_bot.services.meetings.cadence_reminders import CadenceReminders
from lesson_bot.services.meetings.makeup import MeetingMakeupService

DEFAULT_INTERVAL = timedelta(minutes=10)


class Every:
    """Runs a job at most once per interval of the service clock (the first call always runs)."""

    def __init__(self, job: Callable[[], Awaitable[int]], clock: Clock, interval: timedelta = DEFAULT_INTERVAL) -> None:
        self._job = job
        self._clock = clock
        self._interval = interval
        self._last: datetime | None = None

    async def __call__(self) -> int:
        now = self._clock.now()
        if self._last is not None and now - self._last < self._interval:
            return 0
        self._last = now
        return await self._job()


def ticks(db: Database, clock: Clock, translator: Translator, cadence: CadenceService,
          makeup: MeetingMakeupService, types: MeetingTypes,
          interval: timedelta = DEFAULT_INTERVAL) -> list[Callable[[], Awaitable[int]]]:
    """The engine jobs of records, 补学 and cadence."""
    return [Every(CadenceReminders(db, clock, translator, cadence, types), clock, interval),
            Every(makeup.assign_due, clock, interval)]
