"""What the ASGI peers (Starlette, FastAPI, Litestar, BlackSheep) share: the
uvicorn server they run on, and the pure ASGI middleware a user of any of
them can write (a pass-through and koa-logger's two lines per request)."""

from __future__ import annotations

from typing import Any

import uvicorn
from _common import Config, LineLog

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Any
Send = Any
ASGIApp = Any


class PassThrough:
    """A pure ASGI pass-through middleware (the fastest kind Starlette,
    FastAPI and Litestar accept)."""

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class RequestLogger:
    """koa-logger's two lines per request, as a pure ASGI middleware. The
    LineLog is made once and passed in: Litestar builds one middleware
    instance per route handler, and each must write through the same buffer."""

    __slots__ = ("app", "log")

    def __init__(self, app: ASGIApp, log: LineLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        query = scope["query_string"]
        url = scope["path"] + ("?" + query.decode("latin-1") if query else "")
        start = self.log.request(method, url)
        status, size = 500, None

        async def logged_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == b"content-length":
                        size = int(value)
            await send(message)

        await self.app(scope, receive, logged_send)
        self.log.response(method, url, status, start, size)


async def serve_uvicorn(app: ASGIApp, cfg: Config, *, lifespan: str = "on") -> None:
    """Serve *app* with uvicorn (httptools parser, what ``uvicorn[standard]``
    uses, no access log) on the loop serve.py already runs."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=cfg.port,
        loop="none",  # the loop is already running (asyncio or uvloop, chosen by serve.py)
        http="httptools",
        lifespan=lifespan,
        access_log=False,
        log_level="warning",
    )
    await uvicorn.Server(config).serve()
