"""The one place where koa-core reads or writes aiohttp's private names on the
request and response side (the connection side is :mod:`._protocol`, which
subclasses aiohttp's ``RequestHandler`` and has its own shape check; they are
two modules because they adapt two different aiohttp objects, and each is
read and replaced as one piece when aiohttp changes).

Each use below says why it is there and what it buys:

- :data:`request_head` reads a request's raw target, method and headers from
  aiohttp's fields (``_message.path``, ``_method``, ``_headers``) in one C call:
  the public ``raw_path``, ``method`` and ``headers`` are cached properties, a
  Python-level descriptor call each on first use, on every request.
- :func:`tls_context` reads ``_transport_sslcontext``, which aiohttp fills
  when the request is made: ``ctx.protocol`` must depend on the connection
  only, and the public ``scheme`` may have been overridden by ``clone()``.
- :data:`response_ended` reads a response's ``_eof_sent``: aiohttp has no
  public "the body is complete" flag, and ``ctx.writable`` must be False once
  a raw response was ended by hand.
- :func:`buffered_response` makes a :class:`BufferedResponse` (a
  ``web.Response`` made without ``__init__``) that writes the status line,
  headers and body as one chunk; it reads the request's ``_message``,
  ``_version``, ``_method`` and ``_payload_writer``. aiohttp's own path goes
  through eight coroutines and two header copies: a quarter of a hello-world
  request's server time (see ``docs/performance.md``).
- :func:`asgi_request` makes an aiohttp request from an ASGI scope: aiohttp
  has no public constructor for one, so it builds a ``RawRequestMessage`` (by
  field name) and a ``BaseRequest`` directly, over :class:`AsgiProtocol`, the
  slice of a ``RequestHandler`` (``_reading_paused`` included) that aiohttp's
  body stream uses.

:data:`SHAPE_OK` checks at import that these internals exist with the shape
relied on. If they do not (a new aiohttp), or ``KOA_AIOHTTP_PUBLIC_API=1`` is
set in the environment, :data:`request_head`, :func:`tls_context` and
:func:`buffered_response` use aiohttp's public API instead (plain
``web.Response`` objects: slower, the same bytes on the wire) and the log says
so once. ASGI serving has no public-API equivalent; it goes on as it is and
the log line says it may fail.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Callable
from http.cookies import SimpleCookie
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import HttpVersion, HttpVersion10, HttpVersion11, StreamReader, web
from aiohttp.http import SERVER_SOFTWARE
from aiohttp.http_parser import RawRequestMessage
from aiohttp.http_writer import StreamWriter
from aiohttp.web_request import BaseRequest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ._wire import StoredHeaders, date_header, wire_pairs

if TYPE_CHECKING:
    from aiohttp.abc import AbstractStreamWriter

__all__ = [
    "FORCE_PUBLIC_API",
    "SHAPE_OK",
    "AsgiProtocol",
    "BufferedResponse",
    "asgi_request",
    "buffered_response",
    "request_head",
    "response_ended",
    "tls_context",
]

log = logging.getLogger("koa.server")

#: ``KOA_AIOHTTP_PUBLIC_API=1``: read requests and write responses through
#: aiohttp's public API only, as when the shape check fails.
FORCE_PUBLIC_API: bool = os.environ.get("KOA_AIOHTTP_PUBLIC_API", "") not in ("", "0")

_BIN = "application/octet-stream"
#: Bodies larger than this go out through aiohttp's path, which writes them
#: after the headers without copying them into one chunk.
_COPY_LIMIT = 64 * 1024
_new = object.__new__
_SERVER = ("Server", SERVER_SOFTWARE)

# -- the shape check -------------------------------------------------------------

#: Request fields read here (aiohttp lists its request's fields in ``ATTRS``).
_REQUEST_FIELDS = ("_message", "_method", "_headers", "_version", "_payload_writer")
_REQUEST_FIELDS_ASGI = ("_transport_sslcontext",)
_MESSAGE_FIELDS = (
    "method",
    "path",
    "version",
    "headers",
    "raw_headers",
    "should_close",
    "compression",
    "upgrade",
    "chunked",
    "url",
)
_REQUEST_INIT = ("self", "message", "payload", "protocol", "payload_writer", "task", "loop")
#: ``web.StreamResponse``'s class-level defaults that :class:`BufferedResponse`
#: relies on, since its ``__init__`` (which would set them) is not called
#: (``_eof_sent`` is read by :data:`response_ended` too).
_RESPONSE_DEFAULTS = (
    "_chunked",
    "_compression",
    "_compression_force",
    "_compression_strategy",
    "_cookies",
    "_req",
    "_payload_writer",
    "_eof_sent",
    "_must_be_empty_body",
    "_body_length",
)
#: What :func:`buffered_response` sets on the instance itself.
_RESPONSE_SET = frozenset({"_state", "_pairs", "_status", "_reason", "_body", "_keep_alive"})


def _request_shape_ok() -> bool:
    attrs: frozenset[str] = getattr(BaseRequest, "ATTRS", frozenset())
    return (
        all(name in attrs for name in _REQUEST_FIELDS + _REQUEST_FIELDS_ASGI)
        and _message_shape_ok()
        and tuple(inspect.signature(BaseRequest.__init__).parameters)[:7] == _REQUEST_INIT
    )


def _message_shape_ok() -> bool:
    # aiohttp's C parser's message is not a NamedTuple: make one by field name.
    fields = dict.fromkeys(_MESSAGE_FIELDS)
    try:
        message = RawRequestMessage(**fields)  # type: ignore[arg-type]
    except TypeError:
        return False
    return all(hasattr(message, name) for name in _MESSAGE_FIELDS)


def _response_shape_ok() -> bool:
    if not all(hasattr(web.StreamResponse, name) for name in _RESPONSE_DEFAULTS):
        return False
    # Every field web.Response's __init__ sets must be one buffered_response
    # sets, or one BufferedResponse gives a class-level value.
    probe = web.Response(body=b"x", status=200, reason="OK")
    return all(name in _RESPONSE_SET or name in BufferedResponse.__dict__ for name in vars(probe))


# -- responses ---------------------------------------------------------------------


def _fast_buffered_response(
    req: BaseRequest, status: int, reason: str, stored: StoredHeaders, body: bytes
) -> web.Response:
    length = len(body)
    pairs = wire_pairs(stored, length)
    append = pairs.append
    if "content-length" not in stored:
        append(("Content-Length", str(length)))
    if length and "content-type" not in stored:
        append(("Content-Type", _BIN))
    if "date" not in stored:
        append(date_header())
    if "server" not in stored:
        append(_SERVER)
    # The fields behind req.keep_alive and req.version (properties: a Python
    # call each per request).
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


def _public_buffered_response(
    req: BaseRequest, status: int, reason: str, stored: StoredHeaders, body: bytes
) -> web.Response:
    # aiohttp adds Connection itself when preparing; Date and Server are set
    # here so that the headers read the same before sending on both paths.
    length = len(body)
    headers = CIMultiDict(wire_pairs(stored, length))
    if "content-length" not in stored:
        headers["Content-Length"] = str(length)
    if length and "content-type" not in stored:
        headers["Content-Type"] = _BIN
    if "date" not in stored:
        headers["Date"] = date_header()[1]
    if "server" not in stored:
        headers["Server"] = SERVER_SOFTWARE
    return web.Response(body=body, status=status, reason=reason, headers=headers)


class BufferedResponse(web.Response):
    """A ``web.Response`` with a complete body and complete headers, written
    in one go; made by :func:`buffered_response` only.

    It carries its headers as (name, value) pairs, with the ones aiohttp adds
    (Date, Server, Connection) already there, and writes ``status line +
    headers + body`` as one chunk: the bytes on the wire are the ones aiohttp
    would send (values are UTF-8, lone surrogates dropped, CR/LF refused, as
    aiohttp's serializer does). Its ``headers`` become a ``CIMultiDict`` only
    when someone asks for them. Anything unusual (a HEAD request, a status
    without a body, cookies or compression set on it, headers read before
    sending, a request or writer that is not aiohttp's plain one, as under
    ASGI) takes aiohttp's own path.
    """

    _pairs: list[tuple[str, str]]

    # The fields web.Response's __init__ sets that buffered_response does not
    # (the shape check makes sure there are no others); aiohttp's values.
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


# -- ASGI ----------------------------------------------------------------------------


class AsgiProtocol:
    """The slice of aiohttp's ``RequestHandler`` that a request and its body
    stream use, for a request that came through ASGI. aiohttp's
    ``StreamReader`` reads ``_reading_paused`` and calls ``pause_reading()`` /
    ``resume_reading()`` for back-pressure; :attr:`resumed` tells the ASGI
    feeder when to receive more."""

    max_field_size = 8190
    max_line_length = 8190
    max_headers = 128

    def __init__(self, transport: Any, writer: AbstractStreamWriter) -> None:
        self.transport = transport
        self.ssl_context = transport.get_extra_info("sslcontext")
        self.peername = transport.get_extra_info("peername")
        self.sockname = transport.get_extra_info("sockname")
        self.writer = writer
        self.connected = True
        self._reading_paused = False
        self.resumed = asyncio.Event()
        self.resumed.set()

    def pause_reading(self) -> None:
        """The body stream holds enough: stop receiving."""
        self._reading_paused = True
        self.resumed.clear()

    def resume_reading(self, resume_parser: bool = True) -> None:
        """The body stream was read down: receive again."""
        self._reading_paused = False
        self.resumed.set()


def asgi_request(
    method: str,
    target: str,
    version: HttpVersion,
    headers: CIMultiDict[str],
    raw_headers: tuple[tuple[bytes, bytes], ...],
    protocol: AsgiProtocol,
    writer: AbstractStreamWriter,
    read_limit: int,
    loop: asyncio.AbstractEventLoop,
) -> tuple[BaseRequest, StreamReader]:
    """An aiohttp request, and the stream its body is fed into, for a request
    that came through ASGI."""
    payload = StreamReader(protocol, read_limit, loop=loop)  # type: ignore[arg-type]
    message = RawRequestMessage(
        method=method,
        path=target,
        version=version,
        headers=CIMultiDictProxy(headers),
        raw_headers=raw_headers,
        should_close=False,
        compression=None,
        upgrade=False,
        chunked="chunked" in headers.get("Transfer-Encoding", "").lower(),
        url=URL(target, encoded=True) if target.startswith("/") else URL(target),
    )
    task = asyncio.current_task()
    assert task is not None
    request = BaseRequest(message, payload, protocol, writer, task, loop)  # type: ignore[arg-type]
    return request, payload


# -- the choice, made once at import --------------------------------------------------

SHAPE_OK: bool = _request_shape_ok() and _response_shape_ok()

#: ``request_head(req)``: the request's raw target, method and headers.
request_head: Callable[[BaseRequest], tuple[str, str, CIMultiDictProxy[str]]]
#: ``tls_context(req)``: the connection's TLS context, or a false value.
tls_context: Callable[[BaseRequest], Any]
#: ``response_ended(res)``: whether the aiohttp response's body is complete.
response_ended: Callable[[web.StreamResponse], bool]
#: ``buffered_response(req, status, reason, stored, body)``: the response for
#: a complete body, with the headers aiohttp would send.
buffered_response: Callable[[BaseRequest, int, str, StoredHeaders, bytes], web.Response]

if SHAPE_OK and not FORCE_PUBLIC_API:
    request_head = attrgetter("_message.path", "_method", "_headers")
    tls_context = attrgetter("_transport_sslcontext")
    response_ended = attrgetter("_eof_sent")
    buffered_response = _fast_buffered_response
else:
    request_head = attrgetter("raw_path", "method", "headers")

    def tls_context(req: BaseRequest) -> Any:
        """The TLS context of the request's connection (None once closed)."""
        return req.get_extra_info("sslcontext")

    def response_ended(res: web.StreamResponse) -> bool:
        """Whether the response's body is complete, if this aiohttp says."""
        return bool(getattr(res, "_eof_sent", False))

    buffered_response = _public_buffered_response
    log.warning(
        "koa: %s; responses go through aiohttp's public API (slower, same bytes)%s",
        "KOA_AIOHTTP_PUBLIC_API is set"
        if FORCE_PUBLIC_API
        else f"aiohttp {aiohttp.__version__}'s request and response internals are not "
        "the shape koa-core knows (upgrade koa-core)",
        "" if _request_shape_ok() else "; ASGI serving may fail",
    )
