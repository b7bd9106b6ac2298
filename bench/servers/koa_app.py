"""Koa for Python, served as its README says: ``await app.listen(port, host)``
(``aiohttp.web.Server(app.callback(), auto_decompress=False)``)."""

from __future__ import annotations

import asyncio
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

from koa.bodyparser import BodyParserContext, bodyparser
from koa.core import Context, Koa, Next
from koa.logger import logger
from koa.mount import mount
from koa.router import Router, RouterContext
from koa.static import serve as static


async def hello(ctx: Context, next: Next) -> None:
    ctx.body = HELLO


async def passthrough(ctx: Context, next: Next) -> None:
    await next()


async def post(ctx: BodyParserContext, next: Next) -> None:
    if ctx.method == "POST" and ctx.path == POST_PATH:
        ctx.body = post_reply(ctx.request.body)
    else:
        await next()


def hello_router() -> Router[Any]:
    r: Router[Any] = Router()
    r.get("/", hello)
    return r


def router(*, with_post: bool = False) -> Router[Any]:
    r: Router[Any] = Router()
    for i in range(ROUTES):

        def show(i: int) -> Any:
            async def handler(ctx: RouterContext, next: Next) -> None:
                ctx.body = route_reply(i, ctx.params["id"])

            return handler

        r.get(route_path(i) + "/:id", show(i))
    if with_post:
        r.post(POST_PATH, post)
    return r


def request_logger(cfg: Config) -> Any:
    log = LineLog(cfg.log_path)
    return logger(lambda line, args: log.write(line), colors=False)


def build(scenario: str, cfg: Config) -> Koa:
    app = Koa()
    if scenario == "plaintext":
        app.use(hello)
    elif scenario == "plaintext_router":
        app.use(hello_router().routes())
    elif scenario == "json_router":
        app.use(router().routes())
    elif scenario == "json_post":
        app.use(bodyparser()).use(post)
    elif scenario == "middleware10":
        for _ in range(MIDDLEWARE):
            app.use(passthrough)
        app.use(hello)
    elif scenario == "realistic":
        app.use(request_logger(cfg))
        app.use(bodyparser())
        app.use(mount(STATIC_PREFIX, static(cfg.static_dir)))
        app.use(router(with_post=True).routes())
    elif scenario == "plaintext_logger":
        app.use(request_logger(cfg)).use(hello)
    else:
        raise SystemExit(f"koa: unknown scenario {scenario!r}")
    return app


async def serve(scenario: str, cfg: Config) -> None:
    await build(scenario, cfg).listen(cfg.port, "127.0.0.1")
    await asyncio.Event().wait()
