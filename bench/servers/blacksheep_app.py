"""BlackSheep on uvicorn (its documented server, httptools parser): its
router (route parameters bound by name), ``request.json()``, its
``(request, handler)`` middlewares and ``app.serve_files`` for /static.
``plaintext`` goes through the router too (a BlackSheep app answers through
its routes), so it is ``plaintext_router``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from _asgi import serve_uvicorn
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
from blacksheep import Application, Request, Response, json, text

Handler = Callable[[Request], Awaitable[Response]]


async def hello() -> Response:
    return text(HELLO)


def route_handler(i: int) -> Callable[[str], Awaitable[Response]]:
    async def show(id: str) -> Response:
        return json(route_reply(i, id))

    return show


async def post(request: Request) -> Response:
    # BlackSheep answers 400 itself when the declared JSON does not parse
    body = await request.json()
    return json(post_reply(body if isinstance(body, dict) else {}))


async def passthrough(request: Request, handler: Handler) -> Response:
    return await handler(request)


def request_logger(cfg: Config) -> Callable[[Request, Handler], Awaitable[Response]]:
    log = LineLog(cfg.log_path)

    async def logger(request: Request, handler: Handler) -> Response:
        method, url = request.method, request.url.value.decode("latin-1")
        start = log.request(method, url)
        response = await handler(request)
        content = response.content
        size = content.length if content is not None and content.length >= 0 else None
        log.response(method, url, response.status, start, size)
        return response

    return logger


def add_routes(app: Application) -> None:
    for i in range(ROUTES):
        app.router.add_get(route_path(i) + "/{id}", route_handler(i))


def build(scenario: str, cfg: Config) -> Any:
    app = Application()
    if scenario in ("plaintext", "plaintext_router"):
        app.router.add_get("/", hello)
    elif scenario == "json_router":
        add_routes(app)
    elif scenario == "json_post":
        app.router.add_post(POST_PATH, post)
    elif scenario == "middleware10":
        for _ in range(MIDDLEWARE):
            app.middlewares.append(passthrough)
        app.router.add_get("/", hello)
    elif scenario == "realistic":
        app.middlewares.append(request_logger(cfg))
        # koa-static's default Cache-Control (max-age=0), for the same answer
        app.serve_files(cfg.static_dir, root_path=STATIC_PREFIX.strip("/"), cache_time=0)
        app.router.add_post(POST_PATH, post)
        add_routes(app)
    elif scenario == "plaintext_logger":
        app.middlewares.append(request_logger(cfg))
        app.router.add_get("/", hello)
    else:
        raise SystemExit(f"blacksheep: unknown scenario {scenario!r}")
    return app


async def serve(scenario: str, cfg: Config) -> None:
    await serve_uvicorn(build(scenario, cfg), cfg)  # lifespan on: BlackSheep starts there
