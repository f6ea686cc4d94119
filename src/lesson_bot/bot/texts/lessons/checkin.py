"""Texts of a lesson's check-in button: the answers a member sees when they tap it (at most 200 characters)."""

from __future__ import annotations

from lesson_bot.i18n import Lang
from lesson_bot.services.participation.recorder import Outcome


def checkin_answer(t: Lang, outcome: Outcome) -> tuple[str, bool]:
    """The answer to a check-in tap, and whether it needs an alert (a refusal must not pass unnoticed)."""
    if outcome.status == "recorded":
        return t._("✅ Recorded: you studied this lesson ({count}/{expected} so far).",
                   count=outcome.count, expected=outcome.expected), False
    if outcome.status == "already":
        return t._("Already recorded: you checked in for this lesson before ({count}/{expected} so far).",
                   count=outcome.count, expected=outcome.expected), False
    if outcome.refusal == "other_chat":
        return t._("This button belongs to a lesson sent to another group; nothing was recorded. "
                   "Check in under the lesson in your own branch's group."), True
    if outcome.refusal == "not_yours":
        return t._("This lesson was sent to someone else; nothing was recorded for you."), True
    return t._("I no longer know this lesson, so nothing was recorded. Use /lessons to study it."), True


def record_failed(t: Lang) -> str:
    """The database would not take a check-in: the member should simply tap again."""
    return t._("Your check-in could not be saved just now. Please tap the button again in a moment.")
