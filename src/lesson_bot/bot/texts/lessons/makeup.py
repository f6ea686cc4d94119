"""Texts of /lessons (补学) and /review (re-quiz of mistakes)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.i18n import Lang
from lesson_bot.services.lessons.makeup import BranchLessons, LessonLine
from lesson_bot.services.messages.reviews import review_intro

BUTTON_TITLE_MAX = 24

__all__ = ["review_intro"]


def use_private(t: Lang) -> str:
    return t._("I show your lessons and quiz reviews in our private chat, so the group is not flooded. "
               "Tap the button and send the command there.")


def open_private_button(t: Lang) -> str:
    return t._("Open the private chat")


def no_branch(t: Lang) -> str:
    return t._("You are not on any branch's roster yet. Send /join in your branch's group, or open the link your "
               "secretary gave you.")


def _when(line: LessonLine, zone: ZoneInfo) -> str:
    return line.delivered_at.astimezone(zone).strftime("%m-%d")


def _studied(t: Lang, mode: ParticipationMode | None) -> str:
    return t._("on time") if mode is ParticipationMode.ON_TIME else t._("make-up")


def branch_lessons(t: Lang, view: BranchLessons) -> str:
    """One branch's lessons for the member: missed ones (to make up with the buttons), then studied ones."""
    zone = ZoneInfo(view.timezone)
    lines = [t._("<b>Your lessons in {title}</b>", title=escape(view.title))]
    if view.missed_total:
        lines.append(t.ngettext("Not studied yet: {n} lesson. Tap one below to make it up (补学) here.",
                                "Not studied yet: {n} lessons. Tap one below to make it up (补学) here.",
                                view.missed_total))
        lines += [f"• {_when(line, zone)} {escape(line.title)}" for line in view.missed]
        if view.pages > 1:
            lines.append(t._("Page {page} of {pages}", page=view.page + 1, pages=view.pages))
    else:
        lines.append(t._("Nothing to make up: you have studied every lesson sent to you. 👍"))
    studied = view.on_time + view.makeup
    if studied:
        lines += ["", t.ngettext("Studied: {n} lesson ({on_time} on time, {makeup} as make-up).",
                                 "Studied: {n} lessons ({on_time} on time, {makeup} as make-up).",
                                 studied, on_time=view.on_time, makeup=view.makeup)]
        lines += [f"✅ {_when(line, zone)} {escape(line.title)} — {_studied(t, line.studied)}" for line in view.done]
    return "\n".join(lines)


def makeup_button(t: Lang, line: LessonLine) -> str:
    title = line.title if len(line.title) <= BUTTON_TITLE_MAX else line.title[:BUTTON_TITLE_MAX - 1] + "…"
    return t._("Make up: {title}", title=title)


def previous_page(t: Lang) -> str:
    return t._("◀ Newer")


def next_page(t: Lang) -> str:
    return t._("Older ▶")


def makeup_sending(t: Lang, title: str) -> str:
    """The tap's answer (at most 200 characters)."""
    return t._("Sending “{title}” to you here…", title=title[:120])


def makeup_intro(t: Lang, title: str, already: ParticipationMode | None) -> str:
    """The first message of a make-up delivery (a lesson studied before comes without a check-in button)."""
    if already is None:
        return t._("📘 Make-up (补学): <b>{title}</b>\nRead it, tap “✅ Studied” under the text, then answer the quiz.",
                   title=escape(title))
    return t._("📘 <b>{title}</b>, once more\nYou have already studied this lesson ({how}). Read it as often as you "
               "like; it earns no new credit, so this copy has no check-in button. The quiz follows.",
               title=escape(title), how=_studied(t, already))


def makeup_not_yours(t: Lang, title: str) -> str:
    """A 补学 button for a lesson that was not sent to the member's branch while they were in it."""
    return t._("“{title}” was not sent to you: it went to a branch you were not in at the time, so there is "
               "nothing to make up.", title=title[:100])


def makeup_gone(t: Lang) -> str:
    return t._("I cannot find that lesson any more. Send /lessons to see the lessons you can make up.")


def makeup_in_group(t: Lang) -> str:
    return t._("Make-up lessons are studied in our private chat: send me /lessons there.")


def nothing_to_review(t: Lang) -> str:
    return t._("Nothing to review: you have no wrong answers left to correct. 👍")


def review_start(t: Lang, questions: int) -> str:
    """/review: what follows."""
    return t.ngettext("🔁 {n} question you answered wrongly, once more:",
                      "🔁 {n} questions you answered wrongly, once more:", questions)
