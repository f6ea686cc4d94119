"""Telegram Bot API limits as data (Bot API 10.0, as implemented by python-telegram-bot 22.8).

lesson_bot's content validator enforces them before anything is scheduled and tgsandbox enforces them the way
Telegram does, so both import them from here rather than repeating the numbers.
"""

from typing import Final

MESSAGE_TEXT_MAX: Final = 4096
"""sendMessage / editMessageText text, in characters after entity parsing."""
CAPTION_MAX: Final = 1024
"""Media caption, in characters after entity parsing."""
CALLBACK_DATA_MAX_BYTES: Final = 64
ANSWER_CALLBACK_TEXT_MAX: Final = 200
POLL_QUESTION_MAX: Final = 300
POLL_OPTIONS_MIN: Final = 2
POLL_OPTIONS_MAX: Final = 12
POLL_OPTION_MAX: Final = 100
QUIZ_EXPLANATION_MAX: Final = 200
QUIZ_EXPLANATION_MAX_LINE_FEEDS: Final = 2
POLL_OPEN_PERIOD_MIN: Final = 5
POLL_OPEN_PERIOD_MAX: Final = 2_628_000
WEBHOOK_SECRET_MAX: Final = 256
GET_UPDATES_LIMIT_MAX: Final = 100

# Flood budget. Telegram publishes no exact numbers; these are the documented guidance.
GLOBAL_MESSAGES_PER_SECOND: Final = 30
GROUP_MESSAGES_PER_MINUTE: Final = 20
CHAT_MESSAGES_PER_SECOND: Final = 1

ALLOWED_HTML_TAGS: Final = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote",
    }
)
"""Tags Telegram's HTML parse mode accepts (span only with class="tg-spoiler")."""
ALLOWED_HTML_ENTITIES: Final = frozenset({"lt", "gt", "amp", "quot"})
