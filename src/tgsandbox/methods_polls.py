"""Polls and quizzes: sendPoll with Telegram's limits, stopPoll, and closing when the period ends."""

from __future__ import annotations

import asyncio
from typing import Any

from tgrules.html import utf16_len
from tgrules.limits import (
    POLL_OPEN_PERIOD_MAX,
    POLL_OPEN_PERIOD_MIN,
    POLL_OPTION_MAX,
    POLL_OPTIONS_MAX,
    POLL_QUESTION_MAX,
    QUIZ_EXPLANATION_MAX,
    QUIZ_EXPLANATION_MAX_LINE_FEEDS,
)
from tgsandbox import text
from tgsandbox.access import existing_message, writable_chat
from tgsandbox.errors import bad_request
from tgsandbox.model import Poll, PollOption
from tgsandbox.objects import poll_json
from tgsandbox.params import Params
from tgsandbox.registry import method
from tgsandbox.sending import send_bot_message, snapshot
from tgsandbox.state import SandboxState

WRONG_CORRECT_OPTION = "wrong correct option ID specified"
# TDLib's get_formatted_text refuses a question or option that is empty once trimmed with this text.
TEXT_EMPTY = "text must be non-empty"
# Bot API 10.0 lowered the minimum to one option (PTB 22.8: PollLimit.MIN_OPTION_NUMBER == 1);
# tgrules.limits.POLL_OPTIONS_MIN is a stricter rule a bot may apply to what it sends, not Telegram's.
TELEGRAM_POLL_OPTIONS_MIN = 1


def _options(params: Params) -> list[str]:
    raw = params.json("options")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise bad_request("can't parse options JSON object")
    options: list[str] = []
    for entry in raw:
        value = entry.get("text") if isinstance(entry, dict) else entry
        if not isinstance(value, str):
            raise bad_request("can't parse InputPollOption JSON object")
        options.append(value)
    # Telegram's wording (TDLib PollOption::get_poll_options / get_poll_option).
    if len(options) < TELEGRAM_POLL_OPTIONS_MIN:
        raise bad_request("poll must have at least one answer option")
    if len(options) > POLL_OPTIONS_MAX:
        raise bad_request(f"poll can't have more than {POLL_OPTIONS_MAX} options")
    for option in options:
        if not option.strip():
            raise bad_request(TEXT_EMPTY)
        if utf16_len(option) > POLL_OPTION_MAX:
            raise bad_request(f"poll options length must not exceed {POLL_OPTION_MAX}")
    return options


def _correct_ids(params: Params, option_count: int) -> list[int]:
    raw = params.json("correct_option_ids")
    if raw is None and params.has("correct_option_id"):
        raw = [params.integer("correct_option_id")]
    if not isinstance(raw, list) or not raw:
        raise bad_request(WRONG_CORRECT_OPTION)
    ids: list[int] = []
    for value in raw:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < option_count:
            raise bad_request(WRONG_CORRECT_OPTION)
        ids.append(value)
    return sorted(set(ids))


def _explanation(params: Params) -> text.Formatted | None:
    source = params.string("explanation")
    if not source:
        return None
    shim = Params(
        {
            "caption": source,
            "parse_mode": params.raw("explanation_parse_mode"),
            "caption_entities": params.raw("explanation_entities"),
        }
    )
    formatted = text.caption(shim)
    if formatted is None:
        return None
    if utf16_len(formatted.text) > QUIZ_EXPLANATION_MAX:
        raise bad_request(f"poll explanation length must not exceed {QUIZ_EXPLANATION_MAX}")
    if formatted.text.count("\n") > QUIZ_EXPLANATION_MAX_LINE_FEEDS:
        raise bad_request(
            f"poll explanation can't contain more than {QUIZ_EXPLANATION_MAX_LINE_FEEDS} line feeds"
        )
    return formatted


def _question(params: Params) -> str:
    source = params.string("question")
    if not source or not source.strip():
        raise bad_request(TEXT_EMPTY)
    shim = Params({"caption": source, "parse_mode": params.raw("question_parse_mode")})
    formatted = text.caption(shim)
    question = formatted.text if formatted else source
    if utf16_len(question) > POLL_QUESTION_MAX:
        raise bad_request(f"poll question length must not exceed {POLL_QUESTION_MAX}")
    return question


def _period(state: SandboxState, params: Params) -> tuple[int | None, int | None]:
    open_period = params.integer("open_period")
    close_date = params.integer("close_date")
    if open_period is not None and close_date is not None:
        raise bad_request("can't specify both open_period and close_date")
    if open_period is not None:
        if not POLL_OPEN_PERIOD_MIN <= open_period <= POLL_OPEN_PERIOD_MAX:
            raise bad_request("wrong open period specified")
        return open_period, state.now() + open_period
    if close_date is not None:
        delta = close_date - state.now()
        if not POLL_OPEN_PERIOD_MIN <= delta <= POLL_OPEN_PERIOD_MAX:
            raise bad_request("wrong close date specified")
        return None, close_date
    return None, None


@method("sendPoll")
async def send_poll(state: SandboxState, params: Params) -> Any:
    """Send a regular poll or a quiz."""
    chat = writable_chat(state, params)
    question = _question(params)
    options = _options(params)
    poll_type = params.string("type") or "regular"
    if poll_type not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    quiz = poll_type == "quiz"
    correct = _correct_ids(params, len(options)) if quiz else []
    explanation = _explanation(params) if quiz else None
    open_period, close_date = _period(state, params)
    markup = text.reply_markup(params)
    poll_id = state.next_poll_id()
    poll = Poll(
        id=poll_id,
        chat_id=chat.id,
        message_id=0,
        question=question,
        options=[PollOption(option, f"{poll_id}-{index}") for index, option in enumerate(options)],
        type=poll_type,
        is_anonymous=params.boolean("is_anonymous", True),
        allows_multiple_answers=params.boolean("allows_multiple_answers"),
        allows_revoting=params.boolean("allows_revoting", not quiz),
        correct_option_ids=correct,
        explanation=explanation.text if explanation else None,
        explanation_entities=explanation.entities if explanation else [],
        open_period=open_period,
        close_date=close_date if open_period is None else None,
        is_closed=params.boolean("is_closed"),
    )
    state.polls[poll_id] = poll
    try:
        result = send_bot_message(state, chat, params, poll_id=poll_id, reply_markup=markup)
    except Exception:
        del state.polls[poll_id]
        raise
    poll.message_id = result["message_id"]
    if close_date is not None and not poll.is_closed:
        delay = max(close_date - state.clock(), 0.0)
        asyncio.get_running_loop().call_later(delay, close_poll, state, poll_id, True)
    return result


def close_poll(state: SandboxState, poll_id: str, notify: bool) -> Poll | None:
    """Close a poll; when its period ran out Telegram tells the bot with a `poll` update."""
    poll = state.polls.get(poll_id)
    if poll is None or poll.is_closed:
        return None
    poll.is_closed = True
    if notify:
        state.emit("poll", poll_json(poll), poll.chat_id)
    state.changed.fire()
    return poll


@method("stopPoll")
async def stop_poll(state: SandboxState, params: Params) -> Any:
    """Close a poll the bot sent and answer the final Poll."""
    chat = writable_chat(state, params)
    message = existing_message(chat, params, "message with poll to stop not found")
    if message.poll_id is None:
        raise bad_request("message with poll to stop not found")
    if message.sender_id != state.bot.id:
        raise bad_request("message can't be edited")
    poll = state.polls[message.poll_id]
    if poll.is_closed:
        raise bad_request("poll has already been closed")
    markup = text.reply_markup(params)
    if markup != message.reply_markup:
        message.history.append(snapshot(message))
        message.reply_markup = markup
    close_poll(state, poll.id, notify=False)
    return poll_json(poll)
