"""Litestar on uvicorn (httptools parser): route handlers with typed path
parameters, a JSON body received as ``data: dict[str, Any]`` (Litestar
decodes it with msgspec), middleware given as ``app -> ASGI app`` factories
(its plainest and fastest kind) and ``create_static_files_router`` for
/static. ``plaintext`` goes through the router too (a Litestar app answers
through its route handlers), so it is ``plaintext_router``."""

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
from litestar import Litestar, MediaType, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler


@get("/", media_type=MediaType.TEXT)
async def hello() -> str:
    return HELLO


def route_handler(i: int) -> HTTPRouteHandler:
    @get(route_path(i) + "/{id:str}", name=f"res{i}")
    async def show(id: str) -> dict[str, Any]:
        return route_reply(i, id)

    return show


@post(POST_PATH, status_code=200)  # Litestar's POST default is 201 Created
async def receive(data: dict[str, Any]) -> dict[str, Any]:
    return post_reply(data)


def request_logger(cfg: Config) -> DefineMiddleware:
    return DefineMiddleware(RequestLogger, log=LineLog(cfg.log_path))


def api_routes() -> list[ControllerRouterHandler]:
    return [route_handler(i) for i in range(ROUTES)]


def build(scenario: str, cfg: Config) -> Litestar:
    if scenario in ("plaintext", "plaintext_router"):
        return Litestar(route_handlers=[hello])
    if scenario == "json_router":
        return Litestar(route_handlers=api_routes())
    if scenario == "json_post":
        return Litestar(route_handlers=[receive])
    if scenario == "middleware10":
        return Litestar(route_handlers=[hello], middleware=[PassThrough] * MIDDLEWARE)
    if scenario == "realistic":
        static = create_static_files_router(path=STATIC_PREFIX, directories=[cfg.static_dir])
        return Litestar(
            route_handlers=[static, receive, *api_routes()], middleware=[request_logger(cfg)]
        )
    if scenario == "plaintext_logger":
        return Litestar(route_handlers=[hello], middleware=[request_logger(cfg)])
    raise SystemExit(f"litestar: unknown scenario {scenario!r}")


async def serve(scenario: str, cfg: Config) -> None:
    await serve_uvicorn(build(scenario, cfg), cfg)
