"""The mount scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

from typing import Any

from koa.core import Context, Koa, Middleware, Next
from koa.mount import mount


def echo(label: str) -> Middleware:
    async def handler(ctx: Context, next: Next) -> None:
        if ctx.path == "/pass" or ctx.path.endswith("/pass"):
            await next()
            return
        ctx.body = {
            "label": label,
            "path": ctx.path,
            "url": ctx.url,
            "originalUrl": ctx.original_url,
            "mountPath": getattr(ctx, "mount_path", None),
            "query": ctx.query,
            "querystring": ctx.querystring,
        }

    return handler


def sub(label: str) -> Koa:
    app = Koa()
    app.use(echo(label))
    return app


outer = Koa()
outer.use(mount("/inner", sub("inner")))
outer.use(echo("outer"))


async def teapot(ctx: Context, next: Next) -> None:
    ctx.throw(418, "sub teapot")


failing = Koa()
failing.use(teapot)


async def no_content(ctx: Context, next: Next) -> None:
    ctx.status = 204


status_app = Koa()
status_app.use(no_content)


async def after(ctx: Context, next: Next) -> None:
    await next()
    ctx.set("X-After-Path", ctx.path)
    mount_path: Any = getattr(ctx, "mount_path", None)
    if ctx.query.get("after"):
        ctx.set("X-After-Mount", "null" if mount_path is None else str(mount_path))


async def fallthrough(ctx: Context, next: Next) -> None:
    if ctx.path.startswith(("/a", "/b", "/nested")):
        ctx.body = {
            "label": "fallthrough",
            "path": ctx.path,
            "mountPath": getattr(ctx, "mount_path", None),
        }
        return
    await next()


app = Koa(silent=True)
app.use(after)
app.use(mount("/a", sub("a")))
app.use(mount("/b/", sub("b-trailing")))
app.use(mount("/nested", outer))
app.use(mount("/mw", echo("middleware")))
app.use(mount("/err", failing))
app.use(mount("/empty", status_app))
app.use(mount("/caf%C3%A9", echo("encoded-prefix")))
app.use(mount("/a.b", echo("dotted")))
app.use(fallthrough)
app.use(mount(sub("root")))
