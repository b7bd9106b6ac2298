"""Starlette on uvicorn (httptools parser): its router, pure ASGI middleware
and ``StaticFiles`` mount. ``plaintext`` goes through the router too (a
Starlette app answers through its routes), so it is ``plaintext_router``."""

from __future__ import annotations

from typing import Any

from _asgi import PassThrough, RequestLogger, serve_uvicorn
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


def api_routes() -> list[BaseRoute]:
    return [
        Route(route_path(i) + "/{id}", route_handler(i), methods=["GET"]) for i in range(ROUTES)
    ]


def build(scenario: str, cfg: Config) -> Starlette:
    hello_route: list[BaseRoute] = [Route("/", hello, methods=["GET"])]
    if scenario in ("plaintext", "plaintext_router"):  # Starlette answers through its router
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
            routes=routes, middleware=[Middleware(RequestLogger, log=LineLog(cfg.log_path))]
        )
    if scenario == "plaintext_logger":
        return Starlette(
            routes=hello_route, middleware=[Middleware(RequestLogger, log=LineLog(cfg.log_path))]
        )
    raise SystemExit(f"starlette: unknown scenario {scenario!r}")


async def serve(scenario: str, cfg: Config) -> None:
    await serve_uvicorn(build(scenario, cfg), cfg, lifespan="off")
