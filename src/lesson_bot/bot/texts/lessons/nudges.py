"""Texts of the nudges: the private reminder, the group mention and the secretaries' summary."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.nudge_rules import pack
from lesson_bot.i18n import Lang, Translator
from lesson_bot.services.lessons.nudges import NudgeRound, Person

# Characters of names per list in the summary (five lists stay well within Telegram's 4,096); the count before
# each list says how many there are.
NAMES_BUDGET = 600


def _date(round_: NudgeRound) -> str:
    return round_.delivered_at.astimezone(ZoneInfo(round_.timezone)).strftime("%Y-%m-%d")


def _sep(t: Lang) -> str:
    return "、" if t.locale == "zh-Hans" else ", "


def mention(person: Person) -> str:
    """A mention that notifies: by user id, else by @username (a member known only by name is just named)."""
    if person.telegram_user_id is not None:
        return f'<a href="tg://user?id={person.telegram_user_id}">{escape(person.name)}</a>'
    if person.username:
        return f"@{escape(person.username)}"
    return escape(person.name)


def private(t: Lang, round_: NudgeRound) -> tuple[str, str]:
    text = t._("📚 You have not studied “{title}” yet (sent in {branch} on {date}). Tap the button below to study it "
               "here now; it counts as a make-up (补学).", title=escape(round_.lesson_title),
               branch=escape(round_.branch_title), date=_date(round_))
    return text, t._("📖 Study it now")


def group(t: Lang, round_: NudgeRound) -> list[str]:
    header = t._("📚 A reminder about “{title}” ({date}): these members have not studied it yet. Please read the "
                 "lesson and tap “✅ 已学习” under it, or study it later with me in private (/lessons).",
                 title=escape(round_.lesson_title), date=_date(round_))
    return pack(header, [mention(p) for p in round_.group], sep=_sep(t))


def _names(t: Lang, people: Sequence[Person]) -> str:
    shown: list[str] = []
    used = 0
    for person in people:
        used += len(person.name) + 1
        if used > NAMES_BUDGET:
            return _sep(t).join(shown) + "…"
        shown.append(escape(person.name))
    return _sep(t).join(shown)


def summary(t: Lang, round_: NudgeRound) -> str:
    lines = [
        t._("<b>Nudges for “{title}”</b> ({branch}, {date})", title=escape(round_.lesson_title),
            branch=escape(round_.branch_title), date=_date(round_)),
        t._("Studied: {studied}/{expected}", studied=round_.studied, expected=round_.expected),
    ]
    if round_.private:
        lines.append(t._("Reminded in private ({n}): {names}", n=len(round_.private), names=_names(t, round_.private)))
    if round_.group:
        lines.append(t._("Mentioned in the group ({n}): {names}", n=len(round_.group), names=_names(t, round_.group)))
    if round_.postponed:
        lines.append(t._("To be mentioned in the group tomorrow, today's group reminder being used ({n}): {names}",
                         n=len(round_.postponed), names=_names(t, round_.postponed)))
    if round_.on_leave:
        lines.append(t._("On approved leave, not reminded ({n}): {names}", n=len(round_.on_leave),
                         names=_names(t, round_.on_leave)))
    if round_.missing:
        lines.append(t._("Still missing ({n}): {names}", n=len(round_.missing), names=_names(t, round_.missing)))
    lines.append(t._("/progress shows the lesson's check-ins and quiz results."))
    return "\n".join(lines)


class NudgeTexts:
    """The nudge job's texts (services/lessons/nudge_ticks.py NudgeTexts): each reader in their language, the group
    in the branch's."""

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    def private(self, person: Person, round_: NudgeRound) -> tuple[str, str]:
        return private(self._translator.lang(person.locale or round_.branch_locale), round_)

    def group(self, round_: NudgeRound) -> list[str]:
        return group(self._translator.lang(round_.branch_locale), round_)

    def summary(self, secretary: Person, round_: NudgeRound) -> str:
        return summary(self._translator.lang(secretary.locale or round_.branch_locale), round_)
