"""Buffered responses written the short way.

A str, bytes or JSON body is complete before anything is sent, so the status
line, headers and body can go out in one write. ``aiohttp.web.Response``
gets there through eight coroutines (prepare, two ``_start``,
``_prepare_headers``, the prepare hook, ``_write_headers``, two
``write_eof``) and two copies of the headers into ``CIMultiDict``; on a
hello-world request that was a quarter of the server's time.
:class:`BufferedResponse` is a ``web.Response`` that carries its headers as
(name, value) pairs, with the ones aiohttp adds (Date, Server, Connection)
already there, and writes ``status line + headers + body`` as one chunk: the
bytes on the wire are the ones aiohttp would send (values are UTF-8, lone
surrogates dropped, CR/LF refused, as aiohttp's serializer does). Its
``headers`` become a ``CIMultiDict`` only when someone asks for them. Anything
unusual (a HEAD request, a status without a body, cookies or compression set
on it, headers read before sending, a request or writer that is not aiohttp's
plain one, as under ASGI) takes aiohttp's own path.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from aiohttp import HttpVersion10, HttpVersion11, web
from aiohttp.http import SERVER_SOFTWARE
from aiohttp.http_writer import StreamWriter
from aiohttp.web_request import BaseRequest
from multidict import CIMultiDict

if TYPE_CHECKING:
    from aiohttp.abc import AbstractStreamWriter

__all__ = ["BufferedResponse", "buffered_response", "http_date", "wire_pairs"]

#: Koa's stored headers: lower-cased name -> (name as set, value as set).
StoredHeaders = dict[str, tuple[str, Any]]

_BIN = "application/octet-stream"
#: Bodies larger than this go out through aiohttp's path, which writes them
#: after the headers without copying them into one chunk.
_COPY_LIMIT = 64 * 1024
_new = object.__new__
_SERVER = ("Server", SERVER_SOFTWARE)
_date_second = -1
_date_header = ("Date", "")


def http_date() -> str:
    """The current time as an HTTP date, formatted once per second."""
    return _date()[1]


def _date() -> tuple[str, str]:
    global _date_second, _date_header
    now = int(time.time())
    if now != _date_second:
        _date_header = ("Date", formatdate(now, usegmt=True))
        _date_second = now
    return _date_header


def wire_pairs(stored: StoredHeaders, body_length: int | None = None) -> list[tuple[str, str]]:
    """Koa's stored headers as aiohttp writes them: (name, str value) pairs,
    a list value giving one pair per item. For a buffered body of
    *body_length* bytes, Content-Length is that length whatever was set
    (K082) and Transfer-Encoding is left out."""
    pairs: list[tuple[str, str]] = []
    append = pairs.append
    for key, entry in stored.items():
        value = entry[1]
        if body_length is not None and (key == "content-length" or key == "transfer-encoding"):
            if key == "content-length":
                append((entry[0], str(body_length)))
        elif value.__class__ is str:
            append(entry)
        elif isinstance(value, (list, tuple)):
            pairs.extend((entry[0], str(item)) for item in value)
        else:
            append((entry[0], str(value)))
    return pairs


def buffered_response(
    req: BaseRequest, status: int, reason: str, stored: StoredHeaders, body: bytes
) -> BufferedResponse:
    """The response for a complete *body*, with the headers aiohttp would send:
    Koa's, the real Content-Length, no Transfer-Encoding, and Date, Server and
    Connection unless set."""
    length = len(body)
    pairs = wire_pairs(stored, length)
    append = pairs.append
    if "content-length" not in stored:
        append(("Content-Length", str(length)))
    if length and "content-type" not in stored:
        append(("Content-Type", _BIN))
    if "date" not in stored:
        append(_date())
    if "server" not in stored:
        append(_SERVER)
    # aiohttp's fields behind req.keep_alive and req.version (see request.py)
    keep_alive = not req._message.should_close
    if "connection" not in stored:
        if keep_alive:
            if req._version == HttpVersion10:
                append(("Connection", "keep-alive"))
        elif req._version == HttpVersion11:
            append(("Connection", "close"))
    # Made without calling __init__ (web.Response's would copy the headers
    # and infer a type; a Python __init__ of its own is a frame per request).
    response: BufferedResponse = _new(BufferedResponse)
    response._state = {}
    response._pairs = pairs
    response._status = status
    response._reason = reason
    response._body = body
    response._keep_alive = keep_alive
    return response


class BufferedResponse(web.Response):
    """A ``web.Response`` with a complete body and complete headers, written
    in one go; made by :func:`buffered_response` only.
    """

    _pairs: list[tuple[str, str]]

    # aiohttp < 3.11 sets these in __init__, which is not called; newer
    # versions have the same class-level defaults.
    _keep_alive: bool | None = None
    _chunked = False
    _compression = False
    _compression_force = None
    _compression_strategy = None
    _cookies: SimpleCookie | None = None
    _req: BaseRequest | None = None
    _payload_writer: AbstractStreamWriter | None = None
    _eof_sent = False
    _must_be_empty_body: bool | None = None
    _body_length = 0
    _compressed_body: bytes | None = None
    _zlib_executor_size = 4096  # aiohttp's MAX_SYNC_CHUNK_SIZE
    _zlib_executor = None
    _materialized: CIMultiDict[str] | None = None
    _wire: bytes | None = None  # status line, headers and body, once prepared

    @property  # type: ignore[override]
    def _headers(self) -> CIMultiDict[str]:
        # aiohttp's code reads and writes the headers through this attribute.
        headers = self._materialized
        if headers is None:
            headers = self._materialized = CIMultiDict(self._pairs)
        return headers

    @_headers.setter
    def _headers(self, value: CIMultiDict[str]) -> None:
        self._materialized = value

    async def prepare(self, request: BaseRequest) -> AbstractStreamWriter | None:
        """Serialize the status line and headers; they leave with the body in
        ``write_eof``. Unusual cases go through ``web.Response.prepare``."""
        status = self._status
        method = request._method
        writer = request._payload_writer
        if (
            writer.__class__ is not StreamWriter
            or len(self._body) > _COPY_LIMIT  # type: ignore[arg-type]
            or request.__class__ is not BaseRequest
            or self._materialized is not None
            or self._payload_writer is not None
            or self._eof_sent
            or self._cookies
            or self._compression
            or self._chunked
            or status < 200
            or status == 204
            or status == 304
            or method == "HEAD"
            or method == "CONNECT"
        ):
            if self._cookies is None:
                self._cookies = SimpleCookie()  # aiohttp < 3.11 iterates it
            return await super().prepare(request)
        pairs = self._pairs  # never empty: Content-Length is always there
        version = request._version
        head = (
            f"HTTP/{version[0]}.{version[1]} {status} {self._reason}\r\n"
            + "\r\n".join(map(": ".join, pairs))  # no Python frame per line
            + "\r\n\r\n"
        )
        lines = len(pairs) + 2
        if head.count("\n") != lines or head.count("\r") != lines:
            raise ValueError(
                "Newline or carriage return detected in headers. Potential header injection attack."
            )
        self._wire = head.encode("utf-8", "ignore") + self._body  # type: ignore[operator]
        self._must_be_empty_body = False
        self._req = request
        self._payload_writer = writer
        return writer

    async def write_eof(self, data: bytes = b"") -> None:
        """Send status line, headers and body in one write."""
        wire = self._wire
        writer = self._payload_writer
        if wire is None or self._eof_sent or writer is None:
            await super().write_eof(data)
            return
        self._wire = None
        await writer.write_eof(wire)
        self._eof_sent = True
        self._req = None
        self._body_length = writer.output_size
        self._payload_writer = None
