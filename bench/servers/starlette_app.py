"""Starlette on uvicorn (httptools parser): its router, pure ASGI middleware
and ``StaticFiles`` mount."""

from __future__ import annotations

from typing import Any

import uvicorn
from _common import (
    HELLO,
    MIDDLEWARE,
    POST_PATH,
    ROUTES,
    STATIC_PREFIX,
    Config,
    LineLog,
    post_reply,
    route_path,
    route_reply,
)
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send


async def hello(request: Request) -> Response:
    return PlainTextResponse(HELLO)


def route_handler(i: int) -> Any:
    async def show(request: Request) -> Response:
        return JSONResponse(route_reply(i, request.path_params["id"]))

    return show


async def post(request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return PlainTextResponse("Bad JSON", status_code=400)
    return JSONResponse(post_reply(body))


class PassThrough:
    """A pure ASGI pass-through middleware (Starlette's fastest kind)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class RequestLogger:
    """koa-logger's two lines per request, as a pure ASGI middleware."""

    def __init__(self, app: ASGIApp, log_path: str) -> None:
        self.app = app
        self.log = LineLog(log_path)

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
                    if name == b"content-length":
                        size = int(value)
            await send(message)

        await self.app(scope, receive, logged_send)
        self.log.response(method, url, status, start, size)


def api_routes() -> list[BaseRoute]:
    return [
        Route(route_path(i) + "/{id}", route_handler(i), methods=["GET"]) for i in range(ROUTES)
    ]


def build(scenario: str, cfg: Config) -> Starlette:
    hello_route: list[BaseRoute] = [Route("/", hello, methods=["GET"])]
    if scenario == "plaintext":
        return Starlette(routes=hello_route)
    if scenario == "json_router":
        return Starlette(routes=api_routes())
    if scenario == "json_post":
        return Starlette(routes=[Route(POST_PATH, post, methods=["POST"])])
    if scenario == "middleware10":
        return Starlette(routes=hello_route, middleware=[Middleware(PassThrough)] * MIDDLEWARE)
    if scenario == "realistic":
        routes: list[BaseRoute] = [
            Mount(STATIC_PREFIX, StaticFiles(directory=cfg.static_dir)),
            Route(POST_PATH, post, methods=["POST"]),
            *api_routes(),
        ]
        return Starlette(
            routes=routes, middleware=[Middleware(RequestLogger, log_path=cfg.log_path)]
        )
    if scenario == "plaintext_logger":
        return Starlette(
            routes=hello_route, middleware=[Middleware(RequestLogger, log_path=cfg.log_path)]
        )
    raise SystemExit(f"starlette: unknown scenario {scenario!r}")


async def serve(scenario: str, cfg: Config) -> None:
    config = uvicorn.Config(
        build(scenario, cfg),
        host="127.0.0.1",
        port=cfg.port,
        loop="none",  # the loop is already running (asyncio or uvloop, chosen by serve.py)
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
    await uvicorn.Server(config).serve()
