"""FastAPI on uvicorn (its documented server, httptools parser): path
operations with typed parameters, a JSON body declared as
``dict[str, Any] = Body()`` (FastAPI parses and validates it), pure ASGI
middleware added with ``app.add_middleware`` (FastAPI's fastest kind; the
``@app.middleware("http")`` decorator runs each one through Starlette's
BaseHTTPMiddleware and costs much more) and ``StaticFiles`` mounted at
/static. ``plaintext`` goes through the router too (a FastAPI app answers
through its path operations), so it is ``plaintext_router``."""

from __future__ import annotations

from typing import Annotated, Any

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
from fastapi import Body, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles


async def hello() -> str:
    return HELLO


def route_handler(i: int) -> Any:
    async def show(id: str) -> Any:
        return route_reply(i, id)

    return show


async def post(body: Annotated[dict[str, Any], Body()]) -> Any:
    return post_reply(body)


def add_hello(app: FastAPI) -> None:
    app.add_api_route("/", hello, methods=["GET"], response_class=PlainTextResponse)


def add_routes(app: FastAPI) -> None:
    for i in range(ROUTES):
        app.add_api_route(route_path(i) + "/{id}", route_handler(i), methods=["GET"])


def build(scenario: str, cfg: Config) -> FastAPI:
    app = FastAPI()
    if scenario in ("plaintext", "plaintext_router"):
        add_hello(app)
    elif scenario == "json_router":
        add_routes(app)
    elif scenario == "json_post":
        app.add_api_route(POST_PATH, post, methods=["POST"])
    elif scenario == "middleware10":
        for _ in range(MIDDLEWARE):
            app.add_middleware(PassThrough)
        add_hello(app)
    elif scenario == "realistic":
        app.add_middleware(RequestLogger, log=LineLog(cfg.log_path))
        app.mount(STATIC_PREFIX, StaticFiles(directory=cfg.static_dir))
        app.add_api_route(POST_PATH, post, methods=["POST"])
        add_routes(app)
    elif scenario == "plaintext_logger":
        app.add_middleware(RequestLogger, log=LineLog(cfg.log_path))
        add_hello(app)
    else:
        raise SystemExit(f"fastapi: unknown scenario {scenario!r}")
    return app


async def serve(scenario: str, cfg: Config) -> None:
    await serve_uvicorn(build(scenario, cfg), cfg)
