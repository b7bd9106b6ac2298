"""The compress scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

from koa.compress import CompressContext, compress
from koa.core import Koa, Next

TEXT = "".join(f"line {i}: the quick brown fox jumps over the lazy dog\n" for i in range(200))
SMALL = "x" * 100
ITEMS = {"items": [{"id": i, "name": f"item {i}"} for i in range(100)]}


async def chunks(*parts: str) -> AsyncIterator[str]:
    for part in parts:
        yield part


async def routes(ctx: CompressContext, next: Next) -> None:
    path = ctx.path
    if path == "/text":
        ctx.body = TEXT
    elif path == "/small":
        ctx.body = SMALL
    elif path == "/exact":
        ctx.body = "y" * 1024
    elif path == "/below":
        ctx.body = "y" * 1023
    elif path == "/json":
        ctx.body = ITEMS
    elif path == "/html":
        ctx.body = "<p>" + TEXT + "</p>"
    elif path == "/buffer":
        ctx.body = TEXT.encode()
    elif path == "/forced":
        ctx.compress = True
        ctx.body = TEXT.encode()
    elif path == "/off":
        ctx.compress = False
        ctx.body = TEXT
    elif path == "/options":
        ctx.compress = {"threshold": 0, "br": False, "gzip": {"level": 0}}
        ctx.body = SMALL
    elif path == "/png":
        ctx.type = "image/png"
        ctx.body = TEXT.encode()
    elif path == "/svg":
        ctx.type = "image/svg+xml"
        ctx.body = TEXT
    elif path == "/js":
        ctx.type = "js"
        ctx.body = TEXT
    elif path == "/made-up":
        ctx.type = "application/x-made-up"
        ctx.body = TEXT
    elif path == "/made-up-json":
        ctx.type = "application/x-made-up+json"
        ctx.body = TEXT
    elif path == "/no-transform":
        ctx.set("Cache-Control", "public, no-transform")
        ctx.body = TEXT
    elif path == "/transform-ok":
        ctx.set("Cache-Control", "no-transform-thingy")
        ctx.body = TEXT
    elif path == "/encoded":
        ctx.set("Content-Encoding", "identity")
        ctx.body = TEXT
    elif path == "/stream":
        ctx.type = "text/plain"
        ctx.body = chunks(TEXT[:3000], TEXT[3000:])
    elif path == "/stream-short":
        ctx.type = "text/plain"
        ctx.length = 100
        ctx.body = chunks(SMALL)
    elif path == "/empty":
        ctx.body = ""
    elif path == "/204":
        ctx.status = 204
    elif path == "/304":
        ctx.body = TEXT
        ctx.status = 304
    elif path == "/206":
        ctx.body = TEXT
        ctx.status = 206
        ctx.set("Content-Range", f"bytes 0-{len(TEXT) - 1}/{len(TEXT) * 2}")
    elif path == "/teapot":
        ctx.throw(418, "teapot")


def make(**options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(compress(**options))
    app.use(routes)  # type: ignore[arg-type]
    return app


apps = {
    "main": make(),
    "level0": make(threshold=0, gzip={"level": 0}, deflate={"level": 0}),
    "star": make(default_encoding="*", gzip={"level": 0}),
    "wildcard": make(wildcard_accept_encoding="deflate", deflate={"level": 0}),
    "nobr": make(br=False, gzip={"level": 0}, deflate={"level": 0}),
    "filter": make(filter=lambda mime: re.search("text", mime, re.IGNORECASE) is not None),
    "kb": make(threshold="2kb"),
    "fn": make(
        threshold=lambda mime, size, ctx: 0 if size is not None and size > 5000 else 100000,
        br=lambda mime, size, ctx: {} if size is not None and size >= 5000 else False,
    ),
    "pref": make(encoding_preference=("gzip", "deflate", "br", "identity"), gzip={"level": 0}),
}
