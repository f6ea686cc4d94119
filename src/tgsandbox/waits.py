"""Control-API waits: block until the bot has done something, woken by state changes (no polling)."""

from __future__ import annotations

from typing import Any

from tgsandbox.actions import ControlError, chat_of
from tgsandbox.state import SandboxState
from tgsandbox.webhook import WebhookPusher

DEFAULT_TIMEOUT_S = 10.0


def _bot_messages_after(state: SandboxState, chat_id: int, after: int) -> list[int]:
    chat = chat_of(state, chat_id)
    found: list[int] = []
    for message_id in reversed(chat.order):
        if message_id <= after:
            break
        message = chat.messages[message_id]
        if message.sender_id == state.bot.id and not message.service:
            found.append(message_id)
    return found[::-1]


async def wait(state: SandboxState, pusher: WebhookPusher, body: dict[str, Any]) -> Any:
    """Wait for one condition named by body["for"]; 408 when the timeout passes first."""
    kind = body.get("for")
    timeout = float(body.get("timeout", DEFAULT_TIMEOUT_S))
    if kind == "bot_messages":
        chat_id, after, count = int(body["chat_id"]), int(body.get("after", 0)), int(body.get("count", 1))
        if not await state.changed.wait_until(
            lambda: len(_bot_messages_after(state, chat_id, after)) >= count, timeout
        ):
            raise ControlError(
                f"the bot sent fewer than {count} message(s) in chat {chat_id} in {timeout} s", 408
            )
        return {"message_ids": _bot_messages_after(state, chat_id, after)}
    if kind == "callback_answered":
        query_id = str(body["query_id"])
        if query_id not in state.callbacks:
            raise ControlError("no such callback query", 404)
        query = state.callbacks[query_id]
        if not await state.changed.wait_until(lambda: query.answered, timeout):
            raise ControlError(f"callback query {query_id} was not answered in {timeout} s", 408)
        return query.answer
    if kind == "webhook":
        attempts = int(body.get("attempts", 0))
        want_idle = bool(body.get("idle", False))

        def reached() -> bool:
            return pusher.attempts >= attempts and (pusher.idle or not want_idle)

        if not await pusher.progress.wait_until(reached, timeout):
            raise ControlError(f"webhook delivery did not reach the requested point in {timeout} s", 408)
        return {"attempts": pusher.attempts, "delivered": pusher.delivered, "pending": len(state.updates)}
    if kind == "requests":
        name, count = str(body["method"]), int(body.get("count", 1))
        if not await state.changed.wait_until(lambda: state.requests[name] >= count, timeout):
            raise ControlError(f"fewer than {count} {name} request(s) arrived in {timeout} s", 408)
        return {"count": state.requests[name]}
    if kind == "updates_taken":
        # Pending updates drop to zero once the poller confirmed them with a later offset.
        if not await state.updates.arrived.wait_until(lambda: len(state.updates) == 0, timeout):
            raise ControlError(f"updates still pending after {timeout} s", 408)
        return {"pending": 0}
    if kind == "answers":
        # Every tap since the last reset answered, and at least `count` of them.
        count = int(body.get("count", 0))
        times = state.answer_times
        if not await state.changed.wait_until(
            lambda: times.unanswered == 0 and times.answered_count >= count, timeout
        ):
            raise ControlError(f"{times.unanswered} tap(s) still unanswered after {timeout} s", 408)
        return times.report()
    raise ControlError(
        '"for" must be bot_messages, callback_answered, webhook, requests, updates_taken or answers'
    )
