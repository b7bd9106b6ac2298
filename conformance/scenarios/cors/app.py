"""The cors scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import asyncio
from typing import Any

from koa.core import Context, HttpError, Koa, Middleware, Next
from koa.cors import OriginResult, cors


class Whoops(Exception):
    def __init__(self, headers: dict[str, str] | None = None) -> None:
        super().__init__("Whoops!")
        if headers is not None:
            self.headers = headers


async def routes(ctx: Context, next: Next) -> None:
    path = ctx.path
    if path in ("/", "/forbin"):
        ctx.body = {"foo": "bar"}
    elif path == "/error":
        ctx.body = {"foo": "bar"}
        ctx.set("X-Example", "Value")
        raise Whoops()
    elif path == "/vary-error":
        raise Whoops({"Vary": "Accept-Encoding"})
    elif path == "/vary-star-error":
        raise Whoops({"Vary": "*"})
    elif path == "/vary-origin-error":
        raise Whoops({"Vary": "Origin, Accept-Encoding"})
    elif path == "/401":
        raise HttpError(401, "Please log in", headers={"WWW-Authenticate": "Basic"})


def make(before: Middleware | None = None, **options: Any) -> Koa:
    app = Koa(silent=True)
    if before is not None:
        app.use(before)
    app.use(cors(**options))
    app.use(routes)
    return app


ALLOWED = {"https://app.example", "https://admin.example"}


def allow_listed(ctx: Context) -> OriginResult:
    origin = ctx.get("Origin")
    return origin if origin in ALLOWED else None


async def async_origin(ctx: Context) -> OriginResult:
    await asyncio.sleep(0.005)
    return False if ctx.url == "/forbin" else "*"


async def vary_encoding(ctx: Context, next: Next) -> None:
    ctx.set("Vary", "Accept-Encoding")
    await next()


apps = {
    "main": make(),
    "star": make(origin="*"),
    "fixed": make(origin="https://app.example"),
    "reflect": make(origin=lambda ctx: ctx.get("Origin") or "*"),
    "fn": make(origin=lambda ctx: False if ctx.url == "/forbin" else "*"),
    "async_fn": make(origin=async_origin),
    "allowlist": make(origin=allow_listed, credentials=True, max_age=600),
    "credentials": make(credentials=True),
    "credentials_fn": make(credentials=lambda ctx: ctx.url != "/forbin"),
    "star_credentials": make(origin="*", credentials=True),
    "star_no_credentials": make(origin="*", credentials=False),
    "expose": make(expose_headers=["content-length", "x-header"]),
    "expose_str": make(expose_headers="content-length"),
    "max_age": make(max_age=3600),
    "max_age_str": make(max_age="3600"),
    "max_age_zero": make(max_age=0),
    "allow_headers": make(allow_headers="X-PINGOTHER"),
    "allow_headers_list": make(allow_headers=["X-PINGOTHER", "X-Other"]),
    "methods_list": make(allow_methods=["GET", "POST"]),
    "methods_null": make(allow_methods=None),
    "no_keep": make(keep_headers_on_error=False),
    "secure": make(secure_context=True),
    "pna": make(private_network_access=True),
    "vary_before": make(vary_encoding),
}
