"""The static scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import os
from typing import Any

from koa.core import Context, Koa, Next, Response
from koa.static import send, serve


async def downstream(ctx: Context, next: Next) -> None:
    if ctx.path == "/downstream":
        ctx.body = "downstream answered"


async def deferred_downstream(ctx: Context, next: Next) -> None:
    if ctx.path == "/set-by-downstream":
        ctx.body = "downstream answered"
    if ctx.path == "/hello.txt" and ctx.query.get("claim"):
        ctx.body = "claimed"
    await next()


def static_app(**options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(serve("public", **options))
    app.use(deferred_downstream if options.get("defer") else downstream)
    return app


async def send_handler(ctx: Context, next: Next) -> None:
    if ctx.path == "/empty":
        await send(ctx, "", root="public")
        return
    if ctx.path.startswith("/index-opt/"):
        await send(ctx, ctx.path[len("/index-opt") :], root="public", index="index.html")
        return
    await send(ctx, ctx.path, root="public")


def set_headers(response: Response, path: str, stats: os.stat_result) -> None:
    response.set("X-Served", os.path.basename(path))
    response.set("X-Size", str(stats.st_size))
    if path.endswith(".html"):
        response.set("Cache-Control", "no-store")


send_app = Koa(silent=True)
send_app.use(send_handler)

apps = {
    "main": static_app(),
    "hidden": static_app(hidden=True),
    "noindex": static_app(index=False),
    "customindex": static_app(index="page.html"),
    "defer": static_app(defer=True),
    "maxage": static_app(max_age=3600, immutable=True),
    "noformat": static_app(format=False),
    "extensions": static_app(extensions=["html", "txt"]),
    "nocompress": static_app(gzip=False, brotli=False),
    "send": send_app,
    "headers": static_app(set_headers=set_headers),
}
