"""python-telegram-bot's HTTP backend on aiohttp instead of httpx.

Why: in polling mode each check-in tap needs its own answerCallbackQuery request (no webhook reply to carry it),
and httpx costs python-telegram-bot about a millisecond of CPU per request — ~350 requests/s per core, fewer with
more concurrency — so a burst of taps is paced by the HTTP client, not by the bot. aiohttp (C-accelerated
parser, keep-alive pool) does the same work for a fraction of that. Requests are built like HTTPXRequest's:
urlencoded fields, or multipart when files are attached; errors map to the same TimedOut/NetworkError.
"""

from __future__ import annotations

import json
from typing import cast

import aiohttp
import orjson
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData


def _chosen(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp ClientSession with a pool of keep-alive connections."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (python-telegram-bot adds getUpdates' long-poll timeout to it)."""
        return self._read_timeout

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Telegram's answer parsed by orjson (several times faster than the standard library's json, which
        python-telegram-bot uses); an answer orjson refuses (not UTF-8, say) is read as python-telegram-bot reads
        it. An answer that is no JSON at all (a web page at a wrong LESSON_BOT_BOT_API_BASE_URL) raises
        TelegramError as python-telegram-bot does, but without its ERROR log of the whole body with a traceback:
        the caller reports it (one line at start-up, bot/startup.py)."""
        try:
            parsed: JSONDict = orjson.loads(payload)
        except orjson.JSONDecodeError:
            try:
                return cast(JSONDict, json.loads(payload.decode("utf-8", "replace")))
            except ValueError as exc:
                raise TelegramError("Invalid server response") from exc
        return parsed

    async def initialize(self) -> None:
        """Open the session (its connections are made on first use)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See BaseRequest.do_request."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            # As httpx sends it: a file name in UTF-8 as it is (report-2026-Q4-一支部.xlsx); aiohttp's default would
            # percent-encode it, and the reader would see the escapes.
            form = aiohttp.FormData(quote_fields=False)
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                form.add_field(name, content, filename=filename, content_type=mime_type)
            body = form
        default_write = self._media_write_timeout if files else self._write_timeout
        pool_and_connect = [t for t in (_chosen(pool_timeout, self._pool_timeout),
                                        _chosen(connect_timeout, self._connect_timeout)) if t is not None]
        read = _chosen(read_timeout, self._read_timeout)
        write = _chosen(write_timeout, default_write)
        # aiohttp has no separate write timeout: the read timeout starts once the request is sent, so the write
        # allowance is added to the time the whole exchange may take instead.
        total = None if read is None or write is None else read + write + sum(pool_and_connect)
        timeout = aiohttp.ClientTimeout(total=total, connect=sum(pool_and_connect) if pool_and_connect else None,
                                        sock_read=read)
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
