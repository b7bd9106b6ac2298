"""Sanic on its own server, run as its docs recommend for a production
benchmark: one process (``single_process=True``), access log off, no debug.
Its router (named routes), ``request.json``, its request/response
middleware and ``app.static`` for /static. ``plaintext`` goes through the
router too (a Sanic app answers through its routes), so it is
``plaintext_router``.

The loop: Sanic installs uvloop itself when it is importable; the
``USE_UVLOOP`` setting set to False keeps the default asyncio loop. A
listener checks the loop the server really runs on matches the one asked for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

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
from sanic import HTTPResponse, Request, Sanic, json, text


async def hello(request: Request) -> HTTPResponse:
    return text(HELLO)


def route_handler(i: int) -> Callable[[Request, str], Awaitable[HTTPResponse]]:
    async def show(request: Request, id: str) -> HTTPResponse:
        return json(route_reply(i, id))

    return show


async def post(request: Request) -> HTTPResponse:
    # request.json answers 400 itself when the body does not parse
    body = request.json
    return json(post_reply(body if isinstance(body, dict) else {}))


def passthrough() -> Callable[[Request], Awaitable[None]]:
    """A new pass-through request middleware (Sanic keeps one registration
    per function, so each of the ten is its own function)."""

    async def middleware(request: Request) -> None:
        return None

    return middleware


def add_logger(app: Sanic[Any, Any], cfg: Config) -> None:
    """koa-logger's two lines per request: the first from a request
    middleware, the second from a response middleware."""
    log = LineLog(cfg.log_path)

    @app.on_request
    async def log_request(request: Request) -> None:
        url = request.path + ("?" + request.query_string if request.query_string else "")
        request.ctx.url = url
        request.ctx.start = log.request(request.method, url)

    @app.on_response
    async def log_response(request: Request, response: HTTPResponse) -> None:
        body = response.body
        size = None if body is None else len(body)
        log.response(request.method, request.ctx.url, response.status, request.ctx.start, size)


def add_routes(app: Sanic[Any, Any]) -> None:
    for i in range(ROUTES):
        app.add_route(route_handler(i), route_path(i) + "/<id>", methods=["GET"], name=f"res{i}")


def build(scenario: str, cfg: Config) -> Sanic[Any, Any]:
    app: Sanic[Any, Any] = Sanic("bench")
    if scenario in ("plaintext", "plaintext_router"):
        app.add_route(hello, "/", methods=["GET"])
    elif scenario == "json_router":
        add_routes(app)
    elif scenario == "json_post":
        app.add_route(post, POST_PATH, methods=["POST"])
    elif scenario == "middleware10":
        for _ in range(MIDDLEWARE):
            app.register_middleware(passthrough(), "request")
        app.add_route(hello, "/", methods=["GET"])
    elif scenario == "realistic":
        add_logger(app, cfg)
        app.static(STATIC_PREFIX, cfg.static_dir)
        app.add_route(post, POST_PATH, methods=["POST"])
        add_routes(app)
    elif scenario == "plaintext_logger":
        add_logger(app, cfg)
        app.add_route(hello, "/", methods=["GET"])
    else:
        raise SystemExit(f"sanic: unknown scenario {scenario!r}")
    return app


def run(scenario: str, cfg: Config, loop: str) -> None:
    app = build(scenario, cfg)
    app.config.USE_UVLOOP = loop == "uvloop"

    @app.before_server_start
    async def check_loop(app: Sanic[Any, Any]) -> None:
        running = type(asyncio.get_running_loop()).__module__.split(".")[0]
        if (running == "uvloop") != (loop == "uvloop"):
            raise SystemExit(f"sanic: asked for the {loop} loop, runs on {running}")

    app.run(
        host="127.0.0.1",
        port=cfg.port,
        single_process=True,
        access_log=False,
        debug=False,
        motd=False,
    )
