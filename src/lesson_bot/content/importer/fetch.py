"""Fetch an article page with httpx: timeouts, a redirect limit, a streamed size limit, a content-type check."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

import httpx

from lesson_bot.content.importer.errors import ImportFailure

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
USER_AGENT = "Mozilla/5.0 (compatible; lesson-bot importer)"


@dataclass(frozen=True)
class FetchLimits:
    """How long to wait and how much to take; tests shorten the timeouts."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    total_timeout: float = 120.0
    """The whole fetch, so that a server trickling a byte now and then cannot hold the import forever."""
    public_only: bool = False
    """Refuse hosts on loopback, private, link-local and other non-public addresses, for the first request and each
    redirect: /import in Telegram fetches what a secretary sends, and must not reach the server's own network (the
    CLI, run by the operator, may fetch an intranet page)."""


@dataclass(frozen=True)
class Page:
    """A fetched page: the URL after redirects, its bytes, media type (lower case) and the header's charset."""

    url: str
    data: bytes
    media_type: str
    charset: str | None

    @property
    def is_html(self) -> bool:
        return self.media_type in HTML_TYPES


def is_url(source: str) -> bool:
    """Whether `source` is an http(s) URL rather than a file path."""
    return urlsplit(source).scheme.lower() in ("http", "https")


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """(media type in lower case, charset or None) of a Content-Type header value."""
    if not value:
        return "", None
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) and charset else None


def _sniff(data: bytes) -> str:
    """The media type of a page served without one: HTML when it starts like HTML, else text."""
    head = data[:512].lstrip().lower()
    return "text/html" if head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<!--")) else "text/plain"


async def _read(response: httpx.Response, url: str, limits: FetchLimits) -> Page:
    if response.status_code >= 400:
        raise ImportFailure(f"{url}: the server answered {response.status_code} {response.reason_phrase}",
                            "status", status=response.status_code)
    media_type, charset = parse_content_type(response.headers.get("content-type"))
    if media_type and media_type not in HTML_TYPES | TEXT_TYPES:
        raise ImportFailure(f"{url}: the page is {media_type}, not an HTML page or plain text", "media_type",
                            media_type=media_type)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise ImportFailure(f"{url}: the page has {int(declared):,} bytes, over the limit of {limits.max_bytes:,}",
                            "too_big", limit=limits.max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise ImportFailure(f"{url}: the page is over the limit of {limits.max_bytes:,} bytes", "too_big",
                                limit=limits.max_bytes)
        chunks.append(chunk)
    data = b"".join(chunks)
    return Page(str(response.url), data, media_type or _sniff(data), charset)


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address.is_global and not address.is_multicast


async def _public_only(request: httpx.Request) -> None:
    """Before each request (redirects included): every address the host resolves to must be a public one."""
    host = request.url.host
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, request.url.port or 443,
                                                                 type=socket.SOCK_STREAM)
        except OSError:
            return  # unresolvable: the request itself fails with its own one line
        addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    inner = sorted(str(a) for a in addresses if not _public(a))
    if inner:
        raise ImportFailure(f"{request.url}: {host} is an address inside a private network ({', '.join(inner)})",
                            "private_address", host=host)


async def fetch(url: str, limits: FetchLimits | None = None) -> Page:
    """The page at `url`, or ImportFailure with one line saying what went wrong."""
    limits = limits or FetchLimits()
    if not is_url(url):
        raise ImportFailure(f"{url}: not an http or https URL", "not_url")
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"}
    try:
        async with (
            asyncio.timeout(limits.total_timeout),
            httpx.AsyncClient(
                follow_redirects=True, max_redirects=limits.max_redirects, timeout=timeout, headers=headers,
                event_hooks={"request": [_public_only]} if limits.public_only else None,
            ) as client,
            client.stream("GET", url) as response,
        ):
            return await _read(response, url, limits)
    except TimeoutError:
        raise ImportFailure(f"{url}: the page took longer than {limits.total_timeout:g} s", "too_slow",
                            seconds=limits.total_timeout) from None
    except httpx.TooManyRedirects:
        raise ImportFailure(f"{url}: more than {limits.max_redirects} redirects (a redirect loop?)", "redirects",
                            count=limits.max_redirects) from None
    except httpx.ConnectTimeout:
        raise ImportFailure(f"{url}: no connection within {limits.connect_timeout:g} s", "no_connection",
                            seconds=limits.connect_timeout) from None
    except httpx.TimeoutException:
        raise ImportFailure(f"{url}: the server sent nothing for {limits.read_timeout:g} s", "silent",
                            seconds=limits.read_timeout) from None
    except httpx.InvalidURL as exc:
        raise ImportFailure(f"{url}: not a valid URL ({exc})", "not_url") from None
    except httpx.HTTPError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportFailure(f"{url}: cannot fetch the page: {reason}", "unreachable") from None
