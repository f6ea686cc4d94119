"""The control API: HTTP routes that play the people in the sandbox and report what happened.

Every route answers `{"ok": true, "result": ...}` or `{"ok": false, "error": "..."}` with a 4xx status.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tgsandbox import actions, bulk, registry, user_files
from tgsandbox.actions import ControlError
from tgsandbox.faults import FaultRule
from tgsandbox.limits import FloodConfig
from tgsandbox.model import ADMINISTRATOR, KICKED, LEFT, MEMBER
from tgsandbox.objects import chat_json, user_json
from tgsandbox.state import SandboxState
from tgsandbox.transcript import callback_view, transcript
from tgsandbox.waits import wait
from tgsandbox.webhook import WebhookPusher

Body = dict[str, Any]
Action = Callable[[SandboxState, Body], Awaitable[Any]]


def _int(body: Body, key: str) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ControlError(f"{key} must be an integer")
    try:
        return int(value)
    except ValueError:
        raise ControlError(f"{key} must be an integer") from None


def _opt_int(body: Body, key: str) -> int | None:
    return None if body.get(key) is None else _int(body, key)


async def _create_user(state: SandboxState, body: Body) -> Any:
    try:
        user = state.add_user(
            str(body.get("first_name") or "User"),
            body.get("last_name"),
            body.get("username"),
            body.get("language_code"),
            _opt_int(body, "id"),
        )
    except ValueError as exc:
        raise ControlError(str(exc), 409) from None
    return user_json(user)


async def _create_group(state: SandboxState, body: Body) -> Any:
    members = body.get("members") or []
    if not isinstance(members, list):
        raise ControlError("members must be a list of user ids")
    try:
        return actions.create_group(
            state,
            str(body.get("title") or "Group"),
            [int(member) for member in members],
            supergroup=bool(body.get("supergroup", False)),
            username=body.get("username"),
            with_bot=bool(body.get("with_bot", True)),
            bot_admin=bool(body.get("bot_admin", False)),
        )
    except ValueError as exc:
        raise ControlError(str(exc), 409) from None


def _status_action(status: str) -> Action:
    async def act(state: SandboxState, body: Body) -> Any:
        user_id = state.bot.id if body.get("user_id") == "bot" else _int(body, "user_id")
        by = state.bot.id if body.get("by") == "bot" else _opt_int(body, "by")
        rights = body.get("rights")
        chosen = status
        if status == LEFT and by is not None and by != user_id:
            # Removed by someone else rather than leaving: Telegram then says "kicked".
            chosen = KICKED
        return actions.set_status(
            state, _int(body, "chat_id"), user_id, chosen, by, rights if rights else None
        )

    return act


async def _send(state: SandboxState, body: Body) -> Any:
    return actions.user_message(
        state,
        _int(body, "chat_id"),
        _int(body, "user_id"),
        str(body.get("text") or ""),
        reply_to=_opt_int(body, "reply_to"),
        entities=body.get("entities"),
    )


def _send_file(kind: str) -> Action:
    async def act(state: SandboxState, body: Body) -> Any:
        caption = body.get("caption")
        return user_files.user_file_message(
            state,
            _int(body, "chat_id"),
            _int(body, "user_id"),
            kind,
            user_files.decode_content(body.get("content_base64")),
            file_name=_opt_str(body, "file_name"),
            mime_type=_opt_str(body, "mime_type"),
            caption=None if caption is None else str(caption),
            reply_to=_opt_int(body, "reply_to"),
        )

    return act


def _opt_str(body: Body, key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ControlError(f"{key} must be a string")
    return value


async def _start(state: SandboxState, body: Body) -> Any:
    payload = body.get("payload")
    return actions.start(state, _int(body, "user_id"), None if payload is None else str(payload))


async def _block(state: SandboxState, body: Body) -> Any:
    return actions.block(state, _int(body, "user_id"))


async def _press(state: SandboxState, body: Body) -> Any:
    return actions.press_button(
        state,
        _int(body, "chat_id"),
        _int(body, "message_id"),
        _int(body, "user_id"),
        data=body.get("data"),
        text=body.get("text"),
    )


async def _vote(state: SandboxState, body: Body) -> Any:
    option_ids = body.get("option_ids")
    if not isinstance(option_ids, list):
        raise ControlError("option_ids must be a list")
    return actions.answer_poll(
        state,
        _int(body, "chat_id"),
        _int(body, "message_id"),
        _int(body, "user_id"),
        [int(i) for i in option_ids],
    )


async def _migrate(state: SandboxState, body: Body) -> Any:
    return actions.migrate(state, _int(body, "chat_id"), _opt_int(body, "by"))


async def _privacy(state: SandboxState, body: Body) -> Any:
    state.privacy_mode = bool(body.get("enabled", True))
    return {"privacy_mode": state.privacy_mode}


async def _flood(state: SandboxState, body: Body) -> Any:
    try:
        config = FloodConfig.from_mapping(body)
    except (TypeError, ValueError) as exc:
        raise ControlError(str(exc)) from None
    state.flood.configure(config)
    return {key: getattr(config, key) for key in body} or True


async def _faults(state: SandboxState, body: Body) -> Any:
    rules = body.get("rules") or []
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise ControlError("rules must be a list of objects")
    try:
        state.faults.configure([FaultRule.from_mapping(rule) for rule in rules], seed=body.get("seed"))
    except (TypeError, ValueError) as exc:
        raise ControlError(str(exc)) from None
    return {"rules": len(rules)}


def build_control_app(state: SandboxState, pusher: WebhookPusher, info: dict[str, Any]) -> Starlette:
    """The Starlette app for /control/... bound to one sandbox."""

    def post(path: str, action: Action) -> Route:
        async def endpoint(request: Request) -> JSONResponse:
            try:
                raw = await request.body()
                body = json.loads(raw) if raw else {}
                if not isinstance(body, dict):
                    raise ControlError("the body must be a JSON object")
                return _ok(await action(state, body))
            except ControlError as exc:
                return _error(str(exc), exc.status)
            except ValueError as exc:
                return _error(f"bad request body: {exc}", 400)

        return Route(path, endpoint, methods=["POST"])

    async def get_transcript(request: Request) -> JSONResponse:
        chat = state.chats.get(int(request.path_params["chat_id"]))
        return _ok(transcript(state, chat)) if chat else _error("no such chat", 404)

    async def get_callback(request: Request) -> JSONResponse:
        view = callback_view(state, request.path_params["query_id"])
        return _ok(view) if view else _error("no such callback query", 404)

    async def get_counters(request: Request) -> JSONResponse:
        counters = state.counters()
        counters["webhook"] = {
            "attempts": pusher.attempts,
            "delivered": pusher.delivered,
            "failures": pusher.failures,
            "in_flight": pusher.in_flight,
        }
        return _ok(counters)

    async def get_info(request: Request) -> JSONResponse:
        return _ok({**info, "bot": user_json(state.bot), "methods": registry.method_names()})

    async def get_chats(request: Request) -> JSONResponse:
        return _ok([chat_json(state, chat) for chat in state.chats.values() if chat.is_group])

    async def get_answers(request: Request) -> JSONResponse:
        samples = request.query_params.get("samples", "") in ("1", "true")
        return _ok(state.answer_times.report(samples=samples))

    async def reset_answers(sandbox_state: SandboxState, body: Body) -> Any:
        sandbox_state.answer_times.reset()
        return sandbox_state.answer_times.report()

    async def press_many(sandbox_state: SandboxState, body: Body) -> Any:
        return bulk.press_many(sandbox_state, body)

    async def vote_many(sandbox_state: SandboxState, body: Body) -> Any:
        return bulk.vote_many(sandbox_state, body)

    async def wait_action(sandbox_state: SandboxState, body: Body) -> Any:
        return await wait(sandbox_state, pusher, body)

    routes = [
        Route("/control/info", get_info, methods=["GET"]),
        Route("/control/counters", get_counters, methods=["GET"]),
        Route("/control/groups", get_chats, methods=["GET"]),
        Route("/control/transcript/{chat_id}", get_transcript, methods=["GET"]),
        Route("/control/callbacks/{query_id}", get_callback, methods=["GET"]),
        Route("/control/answers", get_answers, methods=["GET"]),
        post("/control/answers/reset", reset_answers),
        post("/control/bulk/press", press_many),
        post("/control/bulk/vote", vote_many),
        post("/control/users", _create_user),
        post("/control/groups", _create_group),
        post("/control/members/add", _status_action(MEMBER)),
        post("/control/members/remove", _status_action(LEFT)),
        post("/control/members/ban", _status_action(KICKED)),
        post("/control/members/promote", _status_action(ADMINISTRATOR)),
        post("/control/members/demote", _status_action(MEMBER)),
        post("/control/messages", _send),
        post("/control/messages/document", _send_file("document")),
        post("/control/messages/photo", _send_file("photo")),
        post("/control/start", _start),
        post("/control/block", _block),
        post("/control/press", _press),
        post("/control/vote", _vote),
        post("/control/migrate", _migrate),
        post("/control/privacy", _privacy),
        post("/control/flood", _flood),
        post("/control/faults", _faults),
        post("/control/wait", wait_action),
    ]
    return Starlette(routes=routes)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)
