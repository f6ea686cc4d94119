"""The HTTP face of the sandbox: `/bot<token>/<method>`, `/file/bot<token>/<path>` and `/control/...`.

The Bot API part is a bare ASGI handler rather than a Starlette route: it is the hot path, and it needs
the raw connection to drop a request the way a broken network does.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from tgsandbox import registry
from tgsandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError, bad_request
from tgsandbox.params import Params, Upload
from tgsandbox.state import SandboxState

_JSON_HEADERS = [(b"content-type", b"application/json")]
_BAD_GATEWAY = ApiError(502, "Bad Gateway")
_MAX_FILES = 50


class SandboxServer:
    """ASGI app: Bot API and file downloads here, everything else to the control app."""

    def __init__(self, state: SandboxState, control: ASGIApp) -> None:
        self.state = state
        self.control = control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/bot"):
            await self._bot_api(scope, receive, send, path[4:])
        elif scope["type"] == "http" and path.startswith("/file/bot"):
            await self._download(send, path[len("/file/bot") :])
        else:
            await self.control(scope, receive, send)

    async def _bot_api(self, scope: Scope, receive: Receive, send: Send, rest: str) -> None:
        token, _, name = rest.partition("/")
        if token != self.state.token:
            await _answer(send, UNAUTHORIZED.code, UNAUTHORIZED.payload())
            return
        found = registry.lookup(name) if name and "/" not in name else None
        if found is None:
            await _answer(send, NOT_FOUND.code, NOT_FOUND.payload())
            return
        canonical = found[0]
        try:
            params = await _read_params(scope, receive)
        except ApiError as exc:
            await _answer(send, exc.code, exc.payload())
            return
        decision = self.state.faults.decide(canonical)
        if decision.latency_s > 0:
            await asyncio.sleep(decision.latency_s)
        if decision.action == "error":
            await _answer(send, _BAD_GATEWAY.code, _BAD_GATEWAY.payload())
            return
        if decision.action == "drop":
            await _drop(send)
            return
        try:
            status, body = 200, {"ok": True, "result": await registry.call(self.state, canonical, params)}
        except ApiError as exc:
            status, body = exc.code, exc.payload()
        if decision.action == "timeout":
            # Performed, but the answer comes too late: a client that gave up may send it again.
            await asyncio.sleep(decision.timeout_s)
        await _answer(send, status, body)

    async def _download(self, send: Send, rest: str) -> None:
        token, _, file_path = rest.partition("/")
        stored = self.state.files_by_path.get(file_path) if token == self.state.token else None
        if stored is None:
            await _answer(send, 404, NOT_FOUND.payload())
            return
        headers = [
            (b"content-type", (stored.mime_type or "application/octet-stream").encode()),
            (b"content-length", str(len(stored.content)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": stored.content})


async def _answer(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _drop(send: Send) -> None:
    """Close the connection without any response, as a broken network would."""
    # uvicorn's `send` is a method of the request cycle that owns the transport.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("dropped by fault injection")
    transport.close()
    # Let the server see the disconnect before the handler returns, so it sends nothing at all.
    await asyncio.sleep(0)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _read_params(scope: Scope, receive: Receive) -> Params:
    """Parameters from the query string and the body (JSON, urlencoded or multipart)."""
    values: dict[str, Any] = dict(
        parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    )
    content_type = ""
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            content_type = value.decode("latin-1").lower()
            break
    if content_type.startswith("multipart/form-data"):
        return await _read_multipart(scope, receive, values)
    body = await _read_body(receive)
    if not body:
        return Params(values)
    if content_type.startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON encoded request parameters") from None
        if not isinstance(decoded, dict):
            raise bad_request("can't parse JSON encoded request parameters")
        values.update(decoded)
    else:
        values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return Params(values)


async def _read_multipart(scope: Scope, receive: Receive, values: dict[str, Any]) -> Params:
    request = Request(scope, receive)
    files: dict[str, Upload] = {}
    try:
        async with request.form(
            max_files=_MAX_FILES, max_fields=1000, max_part_size=16 * 1024 * 1024
        ) as form:
            for key, item in form.multi_items():
                if isinstance(item, UploadFile):
                    content = await item.read()
                    files[key] = Upload(item.filename or key, content, item.content_type or "")
                else:
                    values[key] = item
    except Exception as exc:
        raise bad_request(f"can't parse multipart request: {exc}") from None
    return Params(values, files)
