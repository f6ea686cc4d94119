"""Recurrence: when a schedule fires, in the branch's zone; what a secretary types for "when"; a rule in words.

The public face of the package: callers import from here, never from its modules.
- model: the Recurrence value, validation, occurrences and previews;
- rules / clock / walk / count: the rule as data, wall clock to instants across DST, walking and counting;
- text: a rule in words; when / when_dates: parsing what a secretary types.
"""

from lesson_bot.domain.recurrence.clock import resolve_local
from lesson_bot.domain.recurrence.model import Occurrence, Recurrence, occurrences, preview, validate
from lesson_bot.domain.recurrence.rules import RecurrenceError
from lesson_bot.domain.recurrence.text import describe
from lesson_bot.domain.recurrence.walk import clear_position_cache

__all__ = [
    "Occurrence",
    "Recurrence",
    "RecurrenceError",
    "clear_position_cache",
    "describe",
    "occurrences",
    "preview",
    "resolve_local",
    "validate",
]
