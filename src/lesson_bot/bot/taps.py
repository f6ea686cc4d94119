"""A burst's two kinds of update taken straight from the webhook's JSON: the lesson's "✅ 已学习" tap and a quiz answer.

They are nearly every update of a burst (docs/ingest.md), and python-telegram-bot's parsing of each into an Update
(the user, the tapped message and its chat) and its dispatch through the handler groups were a quarter of the bot's
CPU per tap; the handler reads four fields. `taken(data)` recognises exactly the updates that python-telegram-bot
would give to the lesson's check-in handler or its poll-answer handler and to no other (no other handler of any group
takes a callback query or a poll answer: tests/bot/test_taps.py holds the registration to it) and reads them into a
`Tap`; anything else, or anything shaped unexpectedly, is left to python-telegram-bot (None). Both ways end in the
same handler code (bot/handlers/lessons/checkin.py), the same per-member ordering, metrics and log line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update, User

from lesson_bot.domain.callbacks import LessonDone
from lesson_bot.services.views import Person

CHECKIN, ANSWER = "callback_query", "poll_answer"


@dataclass(frozen=True, slots=True)
class Tap:
    """A check-in tap (`kind` callback_query) or a quiz answer (`kind` poll_answer), as the handlers need it."""

    update_id: int
    kind: str
    person: Person
    query_id: str = ""  # a tap's callback query, to answer
    data: str = ""  # a tap's callback data
    chat_id: int | None = None  # where the tapped message is
    poll_id: str = ""  # an answer's poll
    option_ids: tuple[int, ...] = ()


def _person(user: object) -> Person | None:
    if not isinstance(user, dict):
        return None
    uid, first, last = user.get("id"), user.get("first_name"), user.get("last_name")
    username, language = user.get("username"), user.get("language_code")
    if type(uid) is not int or not isinstance(first, str) or not all(
            v is None or isinstance(v, str) for v in (last, username, language)):
        return None
    return Person(uid, f"{first} {last}" if last else first, username, language)  # as telegram.User.full_name


def taken(data: dict[str, Any]) -> Tap | None:
    """The update as a Tap if it is one (see the module docstring), else None."""
    update_id = data.get("update_id")
    if type(update_id) is not int or len(data) != 2:  # exactly one kind of content besides its id
        return None
    query = data.get(CHECKIN)
    if isinstance(query, dict):
        query_id, callback = query.get("id"), query.get("data")
        if not isinstance(query_id, str) or not isinstance(callback, str) or not LessonDone.pattern(callback):
            return None
        person = _person(query.get("from"))
        message = query.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if person is None or (message is not None and type(chat_id) is not int):
            return None
        return Tap(update_id, CHECKIN, person, query_id=query_id, data=callback, chat_id=chat_id)
    answer = data.get(ANSWER)
    if isinstance(answer, dict):
        poll_id, options = answer.get("poll_id"), answer.get("option_ids")
        person = _person(answer.get("user"))
        if (person is None or not isinstance(poll_id, str) or not isinstance(options, list)
                or not all(type(o) is int for o in options)
                or not isinstance(answer.get("option_persistent_ids"), list)):  # python-telegram-bot requires them
            return None  # an anonymous admin's vote (no user) goes the long way, to be ignored there
        return Tap(update_id, ANSWER, person, poll_id=poll_id, option_ids=tuple(options))
    return None


def _user(user: User) -> Person:
    return Person(user.id, user.full_name, user.username, user.language_code)


def of_update(update: Update) -> Tap | None:
    """The Tap of an update python-telegram-bot parsed (the handlers' way in polling mode): the same as `taken`
    reads from its JSON. None for a poll answer without a user (an anonymous admin's vote) or anything else."""
    query, answer = update.callback_query, update.poll_answer
    if query is not None and query.data is not None:
        chat_id = query.message.chat.id if query.message is not None else None
        return Tap(update.update_id, CHECKIN, _user(query.from_user), query_id=query.id, data=query.data,
                   chat_id=chat_id)
    if answer is not None and answer.user is not None:
        return Tap(update.update_id, ANSWER, _user(answer.user), poll_id=answer.poll_id,
                   option_ids=tuple(answer.option_ids))
    return None
