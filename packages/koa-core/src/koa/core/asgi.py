"""Serve a Koa app with any ASGI 3 server (uvicorn, hypercorn, granian).

``app.asgi`` (or ``asgi(app)``) is an ASGI application with the same Koa
semantics as aiohttp serving: the request becomes an aiohttp request object
(so ``ctx.req``, ``ctx.req.content`` and every Context member behave the
same), the response aiohttp would write is handed to the ASGI server instead,
and ``lifespan`` runs the app's ``on_startup``/``on_shutdown`` hooks. The ASGI
server does the HTTP framing (chunking, keep-alive) and adds its own ``Date``
and ``Server`` headers. WebSocket scopes are closed: use aiohttp serving and
``ctx.respond = False`` for WebSockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from aiohttp import HttpVersion, StreamReader
from aiohttp.abc import AbstractStreamWriter
from aiohttp.web_request import BaseRequest
from multidict import CIMultiDict

from ._aiohttp import AsgiProtocol, asgi_request

if TYPE_CHECKING:
    from .application import Koa

__all__ = ["AsgiApp", "Message", "Receive", "Scope", "Send", "asgi"]

#: ASGI 3's connection scope, its event messages and the receive/send callables.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_HOP_BY_HOP = frozenset({"transfer-encoding", "connection", "keep-alive", "date", "server"})
_READ_LIMIT = 2**16


class _Transport:
    """What Koa and aiohttp ask of a transport, for an ASGI connection."""

    def __init__(self, scope: Scope) -> None:
        client, server = scope.get("client"), scope.get("server")
        self._extra = {
            "peername": tuple(client) if client else None,
            "sockname": tuple(server) if server else None,
            "sslcontext": scope.get("scheme") == "https" or None,
        }
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._extra.get(name, default)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    abort = close


class _Writer(AbstractStreamWriter):
    """Turns what aiohttp writes into ``http.response.*`` messages."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._status = 200
        self._headers: list[tuple[bytes, bytes]] = []
        self._started = False
        self._ended = False
        self.length: int | None = None

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        self._status = int(status_line.split(" ", 2)[1])
        self._headers = [
            (name.lower().encode("latin-1"), value.encode("utf-8"))
            for name, value in headers.items()
            if name.lower() not in _HOP_BY_HOP
        ]

    async def _start(self) -> None:
        if not self._started:
            self._started = True
            await self._send(
                {"type": "http.response.start", "status": self._status, "headers": self._headers}
            )

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._ended:
            return
        data = bytes(chunk)
        if self.length is not None:
            data = data[: self.length]
            self.length -= len(data)
        self.output_size += len(data)
        await self._start()
        if data:
            await self._send({"type": "http.response.body", "body": data, "more_body": True})

    async def write_eof(self, chunk: bytes = b"") -> None:
        if self._ended:
            return
        if chunk:
            await self.write(chunk)
        self._ended = True
        await self._start()
        await self._send({"type": "http.response.body", "body": b"", "more_body": False})

    async def drain(self) -> None:
        return None

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        raise RuntimeError("response compression is not supported under ASGI serving")

    def enable_chunking(self) -> None:
        return None  # the ASGI server frames the body


async def _feed(receive: Receive, payload: StreamReader, protocol: AsgiProtocol) -> None:
    """Move ``http.request`` bodies into the aiohttp stream, with back-pressure."""
    while True:
        await protocol.resumed.wait()
        message = await receive()
        if message["type"] == "http.request":
            body = message.get("body", b"")
            if body:
                payload.feed_data(body)
            if not message.get("more_body", False):
                payload.feed_eof()
        elif message["type"] == "http.disconnect":
            protocol.transport.closing = True
            protocol.connected = False
            if not payload.is_eof():
                payload.set_exception(ConnectionResetError("the client disconnected"))
            return


class AsgiApp:
    """An ASGI 3 application serving a Koa app (see the module docstring)."""

    def __init__(self, app: Koa) -> None:
        self.app = app
        self._handler: Callable[[BaseRequest], Awaitable[Any]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)
        elif kind == "websocket":
            await receive()
            await send({"type": "websocket.close", "code": 1000})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.app.startup()
                except Exception as err:
                    await send({"type": "lifespan.startup.failed", "message": str(err)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.app.shutdown()
                except Exception as err:
                    await send({"type": "lifespan.shutdown.failed", "message": str(err)})
                    return
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._handler is None:
            self._handler = self.app.callback()
        loop = asyncio.get_running_loop()
        writer = _Writer(send)
        transport = _Transport(scope)
        protocol = AsgiProtocol(transport, writer)

        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = raw_path.decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = CIMultiDict(
            (k.decode("latin-1"), v.decode("utf-8", "surrogateescape"))
            for k, v in scope.get("headers", ())
        )
        major, _, minor = scope.get("http_version", "1.1").partition(".")
        request, payload = asgi_request(
            scope["method"],
            target,
            HttpVersion(int(major), int(minor or 0)),
            headers,
            tuple(scope.get("headers", ())),
            protocol,
            writer,
            _READ_LIMIT,
            loop,
        )
        feeder = loop.create_task(_feed(receive, payload, protocol))
        try:
            response = await self._handler(request)
            await response.prepare(request)
            await response.write_eof()
        finally:
            feeder.cancel()


def asgi(app: Koa) -> AsgiApp:
    """The ASGI application for *app* (the same object as ``app.asgi``)."""
    return app.asgi
