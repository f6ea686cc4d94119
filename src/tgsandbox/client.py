"""Python clients of the control API: `ControlClient` (async, httpx) and `SyncControlClient` for scripts.

Both offer the same methods; each returns the route's JSON result (dicts with ids the tests need) and
raises `ControlApiError` when the sandbox refuses (unknown user, not a member, a wait that timed out...).
"""

from __future__ import annotations

import base64
from collections.abc import Coroutine, Sequence
from typing import Any, Generic, TypeVar

import httpx

R = TypeVar("R")
_WAIT_MARGIN_S = 5.0


class ControlApiError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


def _result(response: httpx.Response) -> Any:
    try:
        payload = response.json()
    except ValueError:
        raise ControlApiError(response.status_code, response.text) from None
    if response.status_code >= 400 or not payload.get("ok"):
        raise ControlApiError(response.status_code, str(payload.get("error", payload)))
    return payload["result"]


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if value is not None}


class _Calls(Generic[R]):
    """The control API's operations, independent of how the request is made."""

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None, wait_s: float = 0.0) -> R:
        raise NotImplementedError

    def info(self) -> R:
        """Token, URLs, the bot and the methods the sandbox implements."""
        return self._request("GET", "/info")

    def counters(self) -> R:
        """Requests per method, 429s given (per scope), faults injected, webhook deliveries."""
        return self._request("GET", "/counters")

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> R:
        """A new person; the result is their User JSON (with "id")."""
        body: dict[str, Any] = {"first_name": first_name, "last_name": last_name, "username": username}
        body.update(language_code=language_code, id=user_id)
        return self._request("POST", "/users", _drop_none(body))

    def create_group(
        self,
        title: str,
        members: Sequence[int],
        supergroup: bool = False,
        username: str | None = None,
        with_bot: bool = True,
        bot_admin: bool = False,
    ) -> R:
        """A group created by members[0]; the bot is added (and promoted) unless told otherwise."""
        body = {"title": title, "members": list(members), "supergroup": supergroup, "username": username}
        body.update(with_bot=with_bot, bot_admin=bot_admin)
        return self._request("POST", "/groups", _drop_none(body))

    def add_member(self, chat_id: int, user_id: int | str, by: int | None = None) -> R:
        """Add a person (or "bot") to a group: new_chat_members, my_chat_member / chat_member."""
        return self._request(
            "POST", "/members/add", _drop_none({"chat_id": chat_id, "user_id": user_id, "by": by})
        )

    def remove_member(self, chat_id: int, user_id: int | str, by: int | None = None) -> R:
        """A member leaves (by=None) or is removed by `by` (status "kicked")."""
        body = {"chat_id": chat_id, "user_id": user_id, "by": by}
        return self._request("POST", "/members/remove", _drop_none(body))

    def promote(
        self, chat_id: int, user_id: int | str, rights: dict[str, bool] | None = None, by: int | None = None
    ) -> R:
        """Make a member (or "bot") an administrator, with all rights unless given."""
        body = {"chat_id": chat_id, "user_id": user_id, "rights": rights, "by": by}
        return self._request("POST", "/members/promote", _drop_none(body))

    def demote(self, chat_id: int, user_id: int | str, by: int | None = None) -> R:
        """Turn an administrator back into a plain member."""
        body = {"chat_id": chat_id, "user_id": user_id, "by": by}
        return self._request("POST", "/members/demote", _drop_none(body))

    def send(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        reply_to: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> R:
        """A person writes (text or /command); result: message_id, update_id, delivered."""
        body = {
            "chat_id": chat_id,
            "user_id": user_id,
            "text": text,
            "reply_to": reply_to,
            "entities": entities,
        }
        return self._request("POST", "/messages", _drop_none(body))

    def send_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
        reply_to: int | None = None,
    ) -> R:
        """A person sends a file as a document; result: message_id, update_id, delivered (and file_id)."""
        body = {"chat_id": chat_id, "user_id": user_id, "file_name": file_name, "mime_type": mime_type}
        body.update(content_base64=base64.b64encode(content).decode(), caption=caption, reply_to=reply_to)
        return self._request("POST", "/messages/document", _drop_none(body))

    def send_photo(
        self,
        chat_id: int,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> R:
        """A person sends a PNG/GIF/JPEG photo; result: message_id, update_id, delivered (and file_id)."""
        body = {"chat_id": chat_id, "user_id": user_id, "content_base64": base64.b64encode(content).decode()}
        body.update(caption=caption, reply_to=reply_to)
        return self._request("POST", "/messages/photo", _drop_none(body))

    def start(self, user_id: int, payload: str | None = None) -> R:
        """A person starts the bot in private (deep link payload optional): "/start <payload>"."""
        return self._request("POST", "/start", _drop_none({"user_id": user_id, "payload": payload}))

    def block(self, user_id: int) -> R:
        """A person blocks the bot."""
        return self._request("POST", "/block", {"user_id": user_id})

    def press(
        self, chat_id: int, message_id: int, user_id: int, data: str | None = None, text: str | None = None
    ) -> R:
        """Tap an inline button by callback_data (or label); result has callback_query_id."""
        body = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "data": data, "text": text}
        return self._request("POST", "/press", _drop_none(body))

    def vote(self, chat_id: int, message_id: int, user_id: int, option_ids: Sequence[int]) -> R:
        """Answer a poll (empty list retracts); result has poll_id and, for quizzes, "correct"."""
        body = {
            "chat_id": chat_id,
            "message_id": message_id,
            "user_id": user_id,
            "option_ids": list(option_ids),
        }
        return self._request("POST", "/vote", body)

    def press_many(self, taps: Sequence[Sequence[int | str]]) -> R:
        """Queue many taps at once, each [chat_id, message_id, user_id, callback_data]; result: queued,
        callback_query_ids, refused (index and error of each tap Telegram would not allow)."""
        return self._request("POST", "/bulk/press", {"taps": [list(tap) for tap in taps]})

    def vote_many(self, votes: Sequence[Sequence[Any]]) -> R:
        """Queue many votes at once, each [poll_id, user_id, option_ids]; result: queued, update_ids, refused."""
        return self._request("POST", "/bulk/vote", {"votes": [list(vote) for vote in votes]})

    def answer_times(self, samples: bool = False) -> R:
        """Taps answered and unanswered since the last reset, answer latency percentiles (ms), first tap and
        last answer (time.monotonic() seconds); with samples, every latency in ms."""
        return self._request("GET", "/answers?samples=1" if samples else "/answers")

    def reset_answer_times(self) -> R:
        """Start a new answer-latency measurement."""
        return self._request("POST", "/answers/reset", {})

    def wait_answers(self, count: int = 0, timeout: float = 10.0) -> R:
        """Wait until every tap since the last reset is answered (at least `count`); the answer report."""
        return self._request("POST", "/wait", {"for": "answers", "count": count, "timeout": timeout}, timeout)

    def migrate(self, chat_id: int, by: int | None = None) -> R:
        """Upgrade a group to a supergroup; result has the new chat_id."""
        return self._request("POST", "/migrate", _drop_none({"chat_id": chat_id, "by": by}))

    def set_privacy(self, enabled: bool) -> R:
        """Turn the bot's group privacy mode on (Telegram's default) or off."""
        return self._request("POST", "/privacy", {"enabled": enabled})

    def set_flood(self, **fields: Any) -> R:
        """Replace the flood configuration (FloodConfig fields)."""
        return self._request("POST", "/flood", fields)

    def set_faults(self, rules: Sequence[dict[str, Any]], seed: int | None = None) -> R:
        """Replace the fault rules (FaultRule fields each)."""
        return self._request("POST", "/faults", _drop_none({"rules": list(rules), "seed": seed}))

    def transcript(self, chat_id: int) -> R:
        """The chat as its members see it, in order."""
        return self._request("GET", f"/transcript/{chat_id}")

    def callback(self, query_id: str) -> R:
        """A button tap and the bot's answer (answered, text, show_alert...)."""
        return self._request("GET", f"/callbacks/{query_id}")

    def wait_bot_messages(self, chat_id: int, after: int = 0, count: int = 1, timeout: float = 10.0) -> R:
        """Wait until the bot has sent `count` messages in the chat after message `after`; their ids."""
        body = {"for": "bot_messages", "chat_id": chat_id, "after": after, "count": count, "timeout": timeout}
        return self._request("POST", "/wait", body, timeout)

    def wait_callback_answered(self, query_id: str, timeout: float = 10.0) -> R:
        """Wait until the bot answers a button tap; the answer."""
        body = {"for": "callback_answered", "query_id": query_id, "timeout": timeout}
        return self._request("POST", "/wait", body, timeout)

    def wait_webhook(self, attempts: int = 0, idle: bool = False, timeout: float = 10.0) -> R:
        """Wait until the webhook had `attempts` delivery attempts (and, if idle, nothing is pending)."""
        body = {"for": "webhook", "attempts": attempts, "idle": idle, "timeout": timeout}
        return self._request("POST", "/wait", body, timeout)

    def wait_requests(self, method: str, count: int = 1, timeout: float = 10.0) -> R:
        """Wait until the sandbox has received `count` calls of a Bot API method (canonical name)."""
        body = {"for": "requests", "method": method, "count": count, "timeout": timeout}
        return self._request("POST", "/wait", body, timeout)

    def wait_updates_taken(self, timeout: float = 10.0) -> R:
        """Wait until the poller has fetched and confirmed every pending update."""
        return self._request("POST", "/wait", {"for": "updates_taken", "timeout": timeout}, timeout)


class ControlClient(_Calls[Coroutine[Any, Any, Any]]):
    """Async control client; `await client.create_user("Li")`."""

    def __init__(self, control_url: str, timeout: float = 10.0) -> None:
        self.control_url = control_url.rstrip("/")
        self._timeout = timeout
        self._http = httpx.AsyncClient(timeout=timeout)

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, wait_s: float = 0.0
    ) -> Coroutine[Any, Any, Any]:
        return self._send(method, path, body, wait_s)

    async def _send(self, method: str, path: str, body: dict[str, Any] | None, wait_s: float) -> Any:
        response = await self._http.request(
            method, self.control_url + path, json=body, timeout=self._timeout + wait_s + _WAIT_MARGIN_S
        )
        return _result(response)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._http.aclose()


class SyncControlClient(_Calls[Any]):
    """Blocking control client for scripts; the same methods, without await."""

    def __init__(self, control_url: str, timeout: float = 10.0) -> None:
        self.control_url = control_url.rstrip("/")
        self._timeout = timeout
        self._http = httpx.Client(timeout=timeout)

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, wait_s: float = 0.0
    ) -> Any:
        response = self._http.request(
            method, self.control_url + path, json=body, timeout=self._timeout + wait_s + _WAIT_MARGIN_S
        )
        return _result(response)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()
