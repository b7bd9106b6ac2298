"""``aiohttp.web.Application``: aiohttp's router, middlewares and static route."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

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
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def hello(request: web.Request) -> web.StreamResponse:
    return web.Response(text=HELLO)


def route_handler(i: int) -> Handler:
    async def show(request: web.Request) -> web.StreamResponse:
        return web.json_response(route_reply(i, request.match_info["id"]))

    return show


async def post(request: web.Request) -> web.StreamResponse:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="Bad JSON") from None
    return web.json_response(post_reply(body))


@web.middleware
async def passthrough(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request)


def logger_middleware(cfg: Config) -> Callable[..., Awaitable[web.StreamResponse]]:
    log = LineLog(cfg.log_path)

    @web.middleware
    async def logger(request: web.Request, handler: Handler) -> web.StreamResponse:
        method, url = request.method, request.path_qs
        start = log.request(method, url)
        response = await handler(request)
        log.response(method, url, response.status, start, response.content_length)
        return response

    return logger


def add_routes(app: web.Application) -> None:
    for i in range(ROUTES):
        app.router.add_get(route_path(i) + "/{id}", route_handler(i), allow_head=False)


def build(scenario: str, cfg: Config) -> web.Application:
    if scenario in ("plaintext", "plaintext_router"):  # an Application answers through its router
        app = web.Application()
        app.router.add_get("/", hello, allow_head=False)
    elif scenario == "json_router":
        app = web.Application()
        add_routes(app)
    elif scenario == "json_post":
        app = web.Application()
        app.router.add_post(POST_PATH, post)
    elif scenario == "middleware10":
        app = web.Application(middlewares=[passthrough] * MIDDLEWARE)
        app.router.add_get("/", hello, allow_head=False)
    elif scenario == "realistic":
        app = web.Application(middlewares=[logger_middleware(cfg)])
        app.router.add_static(STATIC_PREFIX, cfg.static_dir)
        app.router.add_post(POST_PATH, post)
        add_routes(app)
    elif scenario == "plaintext_logger":
        app = web.Application(middlewares=[logger_middleware(cfg)])
        app.router.add_get("/", hello, allow_head=False)
    else:
        raise SystemExit(f"aiohttp.web.Application: unknown scenario {scenario!r}")
    return app


async def serve(scenario: str, cfg: Config) -> None:
    runner = web.AppRunner(build(scenario, cfg), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", cfg.port).start()
    await asyncio.Event().wait()
