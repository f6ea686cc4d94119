"""What a review of mistakes says before its quiz polls (automatic reviews and /review alike)."""

from __future__ import annotations

from html import escape

from lesson_bot.domain.messages import Part, Text
from lesson_bot.i18n import Lang
from lesson_bot.services.lessons.reviews import ReviewLesson


def review_intro(t: Lang, title: str, questions: int) -> str:
    """The message before a lesson's review polls."""
    return t.ngettext("🔁 Review: “{title}” — {n} question you answered wrongly. Try it again:",
                      "🔁 Review: “{title}” — {n} questions you answered wrongly. Try them again:",
                      questions, title=escape(title))


def intro_part(t: Lang, lesson: ReviewLesson) -> Part:
    """The review's first message; its meta stamps the delivery as sent."""
    return Part(Text(review_intro(t, lesson.title, len(lesson.questions))), {"delivery": lesson.delivery_id})
