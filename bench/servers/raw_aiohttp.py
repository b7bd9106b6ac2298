"""Raw ``aiohttp.web.Server`` with a hand-written dispatch: no router, no
middleware machinery, answers built with ``web.Response``; the baseline of
every ratio."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from _common import (
    HELLO,
    MIDDLEWARE,
    POST_PATH,
    ROUTES,
    STATIC_PREFIX,
    Config,
    LineLog,
    post_reply,
    route_reply,
)
from aiohttp import web
from aiohttp.web_request import BaseRequest

Handler = Callable[[BaseRequest], Awaitable[web.StreamResponse]]

# "res{i}" -> i, for the hand-written router
ROUTE_INDEX = {f"res{i}": i for i in range(ROUTES)}


async def hello(request: BaseRequest) -> web.StreamResponse:
    return web.Response(text=HELLO)


async def routed(request: BaseRequest) -> web.StreamResponse:
    parts = request.path.split("/")
    # ['', 'api', 'v1', 'res{i}', '{id}']
    if len(parts) == 5 and parts[1] == "api" and parts[2] == "v1" and parts[4]:
        i = ROUTE_INDEX.get(parts[3])
        if i is not None and request.method == "GET":
            return web.json_response(route_reply(i, parts[4]))
    return web.Response(status=404, text="Not Found")


async def post(request: BaseRequest) -> web.StreamResponse:
    if request.method != "POST" or request.path != POST_PATH:
        return web.Response(status=404, text="Not Found")
    try:
        body = json.loads(await request.read())
    except ValueError:
        return web.Response(status=400, text="Bad JSON")
    return web.json_response(post_reply(body))


def chain(handler: Handler, depth: int) -> Handler:
    """*depth* pass-through wrappers around *handler*: the hand-written form
    of a middleware stack."""
    for _ in range(depth):

        def wrap(inner: Handler) -> Handler:
            async def passthrough(request: BaseRequest) -> web.StreamResponse:
                return await inner(request)

            return passthrough

        handler = wrap(handler)
    return handler


def realistic(cfg: Config) -> Handler:
    log = LineLog(cfg.log_path)
    static_root = Path(cfg.static_dir).resolve()
    static_files = {p.name: p for p in static_root.iterdir() if p.is_file()}

    async def dispatch(request: BaseRequest) -> web.StreamResponse:
        path = request.path
        if path.startswith(STATIC_PREFIX + "/") and request.method in ("GET", "HEAD"):
            file = static_files.get(path[len(STATIC_PREFIX) + 1 :])
            if file is not None:
                return web.FileResponse(file)
        if path == POST_PATH:
            return await post(request)
        return await routed(request)

    async def handler(request: BaseRequest) -> web.StreamResponse:
        method, url = request.method, request.path_qs
        start = log.request(method, url)
        response = await dispatch(request)
        log.response(method, url, response.status, start, response.content_length)
        return response

    return handler


def logged_hello(cfg: Config) -> Handler:
    log = LineLog(cfg.log_path)

    async def handler(request: BaseRequest) -> web.StreamResponse:
        method, url = request.method, request.path_qs
        start = log.request(method, url)
        response = web.Response(text=HELLO)
        log.response(method, url, response.status, start, response.content_length)
        return response

    return handler


def handler_for(scenario: str, cfg: Config) -> Handler:
    if scenario in ("plaintext", "plaintext_router"):  # no router here: the same handler
        return hello
    if scenario == "json_router":
        return routed
    if scenario == "json_post":
        return post
    if scenario == "middleware10":
        return chain(hello, MIDDLEWARE)
    if scenario == "realistic":
        return realistic(cfg)
    if scenario == "plaintext_logger":
        return logged_hello(cfg)
    raise SystemExit(f"raw aiohttp: unknown scenario {scenario!r}")


async def serve(scenario: str, cfg: Config) -> None:
    server = web.Server(handler_for(scenario, cfg))
    runner = web.ServerRunner(server, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", cfg.port).start()
    await asyncio.Event().wait()
