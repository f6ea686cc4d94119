"""Many people acting at once: one control call queues a list of button taps or poll votes.

A load test needs thousands of taps queued faster than one HTTP call each allows. Each item is checked and
performed like its single counterpart (`/control/press`, `/control/vote`); an item Telegram would not allow is
reported by its index and the others still happen, as they would for different people.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tgsandbox import actions
from tgsandbox.actions import ControlError
from tgsandbox.state import SandboxState

MAX_ITEMS = 50_000


def _items(body: dict[str, Any], key: str) -> list[Any]:
    items = body.get(key)
    if not isinstance(items, list):
        raise ControlError(f"{key} must be a list")
    if len(items) > MAX_ITEMS:
        raise ControlError(f"at most {MAX_ITEMS} {key} per call")
    return items


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ControlError(f"{name} must be an integer")
    try:
        return int(value)
    except ValueError:
        raise ControlError(f"{name} must be an integer") from None


def _each(items: list[Any], perform: Callable[[Any], dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    done: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, list | dict):
                raise ControlError("each item must be a list or an object")
            done.append(perform(item))
        except ControlError as exc:
            refused.append({"index": index, "error": str(exc), "status": exc.status})
    return done, refused


def press_many(state: SandboxState, body: dict[str, Any]) -> dict[str, Any]:
    """Taps given as [chat_id, message_id, user_id, callback_data] (or objects with those keys), in order."""

    def press(item: Any) -> dict[str, Any]:
        chat_id, message_id, user_id, data = (
            item if isinstance(item, list) else [item.get(k) for k in ("chat_id", "message_id", "user_id", "data")]
        )
        if not isinstance(data, str):
            raise ControlError("data must be a string")
        return actions.press_button(
            state, _int(chat_id, "chat_id"), _int(message_id, "message_id"), _int(user_id, "user_id"), data=data
        )

    done, refused = _each(_items(body, "taps"), press)
    return {
        "queued": len(done),
        "callback_query_ids": [result["callback_query_id"] for result in done],
        "refused": refused,
    }


def vote_many(state: SandboxState, body: dict[str, Any]) -> dict[str, Any]:
    """Votes given as [poll_id, user_id, option_ids] (or objects with those keys), in order."""

    def vote(item: Any) -> dict[str, Any]:
        poll_id, user_id, option_ids = (
            item if isinstance(item, list) else [item.get(k) for k in ("poll_id", "user_id", "option_ids")]
        )
        poll = state.polls.get(str(poll_id))
        if poll is None:
            raise ControlError(f"no poll {poll_id}", 404)
        if not isinstance(option_ids, list):
            raise ControlError("option_ids must be a list")
        return actions.answer_poll(
            state, poll.chat_id, poll.message_id, _int(user_id, "user_id"),
            [_int(option, "option_ids") for option in option_ids],
        )

    done, refused = _each(_items(body, "votes"), vote)
    return {"queued": len(done), "update_ids": [u for result in done for u in result["update_ids"]],
            "refused": refused}
