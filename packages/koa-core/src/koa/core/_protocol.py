"""The connection layer koa-core serves with: aiohttp's ``RequestHandler`` and
``Server`` plus what Node's ``http`` server (the one Koa.js runs on) enforces
and aiohttp does not:

- deadlines: ``headers_timeout`` (first byte of a request to the end of its
  headers), ``request_timeout`` (first byte to the end of its body) and
  ``keepalive_timeout`` (idle between requests); a request that misses one gets
  a 408 where one can still be sent, then its connection is closed;
- ``max_connections``: above it new connections get a 503 and are closed at
  once, never left hanging, while the open ones keep being served;
- shutdown within ONE deadline (aiohttp's takes up to twice its timeout):
  requests in flight finish by then, at the deadline WebSockets get a 1001
  close frame and handlers are cancelled;
- one rate-limited WARNING line per malformed request instead of an ERROR
  traceback each (the traceback goes to DEBUG);
- a client that half-closes (sends its FIN) with a request still unanswered
  that can never complete still gets its answer: the 400 for a request that
  could not be parsed, or the app's answer to a body that ended short (aiohttp
  takes every FIN for a client gone and closes without a word).

This module is the one place that reads aiohttp's protocol internals (the
``_private`` names below); :data:`SHAPE_OK` checks at import that they exist.
If a future aiohttp changes them, :func:`make_protocol_server` falls back to
aiohttp's plain server (idle timeout only) and says so once in the log: slower
to protect, still correct.

Cost on the request path: one clock read and two attribute writes per request
(the deadlines are checked by one timer per server, ``_SWEEP`` seconds apart,
not by a timer per request).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web, web_protocol
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from aiohttp.http_parser import RawRequestMessage
from aiohttp.streams import EMPTY_PAYLOAD
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from .errors import HttpError

__all__ = ["SHAPE_OK", "BodyCutShortError", "RequestTimeoutError", "make_protocol_server"]

log = logging.getLogger("koa.server")

#: The aiohttp internals this module relies on (see the module docstring).
_NEEDED_SLOTS = (
    "_keepalive_timeout",
    "_waiter",
    "_task_handler",
    "_payload_parser",
    "_keepalive_handle",
    "_lingering_time",
    "_request_in_progress",
    "_messages",
)
_SLOTS = {name for cls in RequestHandler.__mro__ for name in getattr(cls, "__slots__", ())}
SHAPE_OK: bool = all(name in _SLOTS for name in _NEEDED_SLOTS) and all(
    callable(getattr(RequestHandler, name, None))
    for name in ("_process_keepalive", "data_received", "log_exception", "connection_made")
)

#: The request aiohttp hands its error handler for a request it could not parse.
_UNPARSABLE: object = getattr(web_protocol, "ERROR", object())

_base_data_received = RequestHandler.data_received
_base_connection_made = RequestHandler.connection_made
_base_connection_lost = RequestHandler.connection_lost
_base_process_keepalive = getattr(RequestHandler, "_process_keepalive", None)
_base_log_exception = RequestHandler.log_exception
_base_handle_error = RequestHandler.handle_error

_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 15\r\n\r\nRequest Timeout"
)
_HEAD_CUT_SHORT = (
    b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 51\r\n\r\n"
    b"The request ended before its headers were complete."
)
_SERVICE_UNAVAILABLE = (
    b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 19\r\n\r\nService Unavailable"
)
#: A WebSocket close frame from the server: FIN + close opcode, 2 bytes of
#: payload, code 1001 (going away). Control frames are never compressed.
_WS_GOING_AWAY = b"\x88\x02\x03\xe9"
#: How long cancelled handlers get to run their ``finally`` blocks at the
#: shutdown deadline before their connections are closed under them.
_CANCEL_GRACE = 0.5


class RequestTimeoutError(HttpError, TimeoutError):
    """A request body did not arrive within ``request_timeout``: reading it
    raises this 408 (``Connection: close``). It is a ``TimeoutError`` too, so
    code that guards reads with timeouts treats it as one."""

    def __init__(self) -> None:
        super().__init__(408, headers={"Connection": "close"})


class BodyCutShortError(HttpError, ConnectionResetError):
    """The client ended its side of the connection (a FIN) before the request
    body was complete: reading the body raises this 400 (``Connection:
    close``). It is a ``ConnectionResetError`` too, which is what a body read
    raises when the connection is lost, so code written for that works as
    before, and the answer still reaches a client that only half-closed."""

    def __init__(self) -> None:
        super().__init__(
            400,
            "The request body ended before its announced end.",
            headers={"Connection": "close"},
        )


class RateLimitedLog:
    """Logs one line per *interval* seconds at most; the next line says how
    many were left out in between."""

    __slots__ = ("_interval", "_last", "_logger", "_skipped")

    def __init__(self, logger: logging.Logger, interval: float = 10.0) -> None:
        self._logger = logger
        self._interval = interval
        self._last = -interval
        self._skipped = 0

    def warning(self, message: str, *args: object) -> None:
        """Log *message* at WARNING, unless a line went out less than
        *interval* seconds ago (then count it)."""
        now = time.monotonic()
        if now - self._last < self._interval:
            self._skipped += 1
            return
        if self._skipped:
            message += f" ({self._skipped} more since the last such line)"
            self._skipped = 0
        self._last = now
        self._logger.warning(message, *args)


_malformed_log = RateLimitedLog(log)
_refused_log = RateLimitedLog(log)


class _Protocol(RequestHandler):
    """aiohttp's per-connection handler, with the deadlines' bookkeeping."""

    __slots__ = (
        "_koa_answering_error",
        "_koa_payload",
        "_koa_refused",
        "_koa_started",
        "_koa_writer",
    )

    _manager: KoaServer

    def __init__(self, manager: KoaServer, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        # The first byte of the request being received (None between requests).
        self._koa_started: float | None = None
        # The body of the request being handled while it is still arriving,
        # and the writer of that request's answer.
        self._koa_payload: Any = None
        self._koa_writer: Any = None
        self._koa_refused = False
        # aiohttp is answering a request it could not parse (with a 400).
        self._koa_answering_error = False

    # -- the request path ---------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._koa_started is None:
            self._koa_started = self._loop.time()
        _base_data_received(self, data)

    def _process_keepalive(self) -> None:
        # aiohttp closes a connection waiting for its next request after the
        # idle timeout even while that request's headers are arriving; those
        # belong to headers_timeout (and get a 408), so leave them be, and look
        # again one idle period later (the bytes may also have been the last
        # of a body nobody read, and the connection idle since).
        if self._koa_started is not None:
            self._keepalive_handle = self._loop.call_later(
                self._keepalive_timeout, self._process_keepalive
            )
            return
        _base_process_keepalive(self)  # type: ignore[misc]

    # asyncio's contract (aiohttp declares None): True keeps the transport open.
    def eof_received(self) -> bool:  # type: ignore[override]
        # The client sent its last byte; it may still be reading (a
        # half-close). Node's rule: if that leaves a request that can never
        # complete (unparsable, its head or its body cut short), the request
        # still gets its answer, then the connection closes. Anything else
        # (idle, or a complete request in flight) means the client is gone:
        # False closes at once, and the handler sees client_gone(). Over TLS
        # there is no half-close (asyncio's SSL transport ignores True).
        transport = self.transport
        if transport is None:
            return False
        if self._koa_started is not None and self._koa_payload is None and self._waiter:
            # Part of a request's head arrived, and the rest never will.
            transport.write(_HEAD_CUT_SHORT)
            return False
        incomplete = [
            payload
            for message, payload in self._messages
            if not isinstance(message, RawRequestMessage) or not payload.is_eof()
        ]
        in_flight = self._koa_payload
        # (Once the answer has started, aiohttp only drains the rest of the
        # body: nothing is left to answer.)
        if in_flight is not None and not in_flight.is_eof() and not self._koa_writer.output_size:
            incomplete.append(in_flight)
        if not (incomplete or self._koa_answering_error) or transport.get_extra_info("sslcontext"):
            return False
        # The reader of a cut body gets a 400 to answer with (it is also the
        # ConnectionResetError aiohttp raises when the connection is lost, so
        # koa-bodyparser answers raw-body's 400 as before).
        for payload in incomplete:
            if payload is not EMPTY_PAYLOAD and payload.exception() is None:
                payload.set_exception(BodyCutShortError())
        self._koa_payload = self._koa_started = None
        self._lingering_time = 0.0
        self.close()
        return True

    # -- connections ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        manager = self._manager
        if manager.open_connections >= manager.max_connections:
            self._koa_refused = True
            transport.write(_SERVICE_UNAVAILABLE)  # type: ignore[attr-defined]
            transport.close()
            _refused_log.warning(
                "koa: refused a connection: %d open, max_connections=%d",
                manager.open_connections,
                manager.max_connections,
            )
            return
        manager.open_connections += 1
        _base_connection_made(self, transport)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._koa_refused:
            return
        self._manager.open_connections -= 1
        _base_connection_lost(self, exc)

    def log_exception(self, *args: Any, **kwargs: Any) -> None:
        error = kwargs.get("exc_info")
        if isinstance(error, HttpProcessingError):
            # A malformed request is the client's problem, answered with a 4xx:
            # one short line (rate-limited: a client can send thousands a
            # second), the traceback only for those who ask for DEBUG.
            peer = self.transport.get_extra_info("peername") if self.transport else None
            reason = " ".join(str(error.message).split())[:200]
            _malformed_log.warning(
                "koa: malformed request from %s: %s %s", peer, error.code, reason
            )
            log.debug("malformed request", exc_info=error)
            return
        _base_log_exception(self, *args, **kwargs)

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if isinstance(exc, LineTooLong):
            # A request line or header over the limit: RFC 6585's status with
            # an empty body, as Node answers (aiohttp: 400 quoting the line).
            self.log_exception("Error handling request", exc_info=exc)
            response = web.Response(status=431)
            response.force_close()
            return response
        handled: web.StreamResponse = _base_handle_error(self, request, status, exc, message)
        return handled

    # -- deadlines (called by the server's sweep) -----------------------------

    def _koa_check(self, now: float, headers_timeout: float, request_timeout: float) -> None:
        started = self._koa_started
        if started is None:
            return
        payload = self._koa_payload
        if payload is not None:
            if payload.is_eof():
                self._koa_payload = self._koa_started = None
            elif now - started >= request_timeout:
                self._koa_body_timed_out(payload)
            return
        # Bytes arrived and the protocol still waits for a complete request
        # line and headers.
        if self._waiter is not None and now - started >= min(headers_timeout, request_timeout):
            transport = self.transport
            if transport is not None and not transport.is_closing():
                transport.write(_REQUEST_TIMEOUT)
            self.force_close()

    def _koa_body_timed_out(self, payload: Any) -> None:
        self._koa_payload = self._koa_started = None
        # The handler reading the body gets a 408 to answer with; the
        # connection ends after that answer (its unread rest is not drained).
        self._lingering_time = 0.0
        self.close()
        payload.set_exception(RequestTimeoutError())

    # -- shutdown --------------------------------------------------------------

    def _koa_busy(self) -> bool:
        task = self._task_handler
        return task is not None and not task.done()

    def _koa_abort(self) -> None:
        """The shutdown deadline passed: say goodbye to a WebSocket, cancel
        the handler."""
        transport = self.transport
        if self._payload_parser is not None and transport is not None:
            transport.write(_WS_GOING_AWAY)
        task = self._task_handler
        if task is not None:
            task.cancel()


class KoaServer(web.Server):
    """aiohttp's low-level server with koa-core's deadlines, connection cap
    and single shutdown deadline (see the module docstring)."""

    def __init__(
        self,
        handler: Callable[[BaseRequest], Awaitable[web.StreamResponse]],
        *,
        headers_timeout: float,
        request_timeout: float,
        max_connections: int,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("request_factory", self._koa_request)
        super().__init__(handler, **kwargs)
        self.headers_timeout = headers_timeout
        self.request_timeout = request_timeout
        self.max_connections = max_connections
        self.open_connections = 0
        # Deadlines are checked this often: a quarter of the shortest, so a
        # connection is closed at most 25% late, and at least once a second.
        self._sweep_every = max(0.05, min(1.0, min(headers_timeout, request_timeout) / 4))
        self._sweep_handle: asyncio.TimerHandle | None = None

    def __call__(self) -> RequestHandler:
        if self._sweep_handle is None:
            self._sweep_handle = self._loop.call_later(self._sweep_every, self._sweep)
        return _Protocol(self, loop=self._loop, **self._kwargs)

    def _koa_request(
        self,
        message: Any,
        payload: Any,
        protocol: Any,
        writer: Any,
        task: asyncio.Task[None],
    ) -> BaseRequest:
        # The request's head is complete: its deadline now covers only the
        # body, if one is still arriving.
        if payload is EMPTY_PAYLOAD or payload.is_eof():
            protocol._koa_started = None
            if message is _UNPARSABLE:
                protocol._koa_answering_error = True
        else:
            protocol._koa_payload = payload
            protocol._koa_writer = writer
        return BaseRequest(message, payload, protocol, writer, task, self._loop)

    def _sweep(self) -> None:
        now = self._loop.time()
        headers_timeout = self.headers_timeout
        request_timeout = self.request_timeout
        for connection in self._protocols():
            connection._koa_check(now, headers_timeout, request_timeout)
        self._sweep_handle = (
            self._loop.call_later(self._sweep_every, self._sweep) if self._connections else None
        )

    def _protocols(self) -> list[_Protocol]:
        return [c for c in self._connections if isinstance(c, _Protocol)]

    async def shutdown(self, timeout: float | None = None) -> None:
        """Let requests in flight finish until *timeout* seconds from now (all
        of them together), then close WebSockets with 1001 and cancel what is
        still running; every connection is closed on return."""
        loop = self._loop
        deadline = loop.time() + (timeout or 0.0)
        connections = self._protocols()
        # pre_shutdown() cancelled the idle ones' wait for a next request.
        await asyncio.sleep(0)
        for connection in connections:
            if not connection._koa_busy():
                connection.force_close()
        busy = [c._task_handler for c in connections if c._koa_busy() and c._task_handler]
        if busy:
            _done, pending = await asyncio.wait(busy, timeout=max(0.0, deadline - loop.time()))
            if pending:
                for connection in connections:
                    if connection._koa_busy():
                        connection._koa_abort()
                await asyncio.wait(pending, timeout=_CANCEL_GRACE)
        for connection in connections:
            connection.force_close()
        self._connections.clear()
        if self._sweep_handle is not None:
            self._sweep_handle.cancel()
            self._sweep_handle = None


def make_protocol_server(
    handler: Callable[[BaseRequest], Awaitable[web.StreamResponse]],
    *,
    headers_timeout: float,
    request_timeout: float,
    keepalive_timeout: float,
    max_connections: int,
    **options: Any,
) -> web.Server:
    """A :class:`KoaServer`, or aiohttp's plain ``web.Server`` (idle timeout
    only) when this aiohttp's internals are not the shape this module knows."""
    options["keepalive_timeout"] = keepalive_timeout
    if not SHAPE_OK:
        _warn_fallback()
        return web.Server(handler, **options)
    return KoaServer(
        handler,
        headers_timeout=headers_timeout,
        request_timeout=request_timeout,
        max_connections=max_connections,
        **options,
    )


_warned: list[bool] = []


def _warn_fallback() -> None:
    if not _warned:
        _warned.append(True)
        import aiohttp

        log.warning(
            "koa: aiohttp %s's request handler is not the shape koa-core knows; serving "
            "without headers_timeout, request_timeout and max_connections (upgrade koa-core)",
            aiohttp.__version__,
        )
