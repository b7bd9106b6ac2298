"""The etag scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from koa.core import Context, Koa, Next
from koa.etag import conditional_get, etag

MODIFIED = datetime(2024, 10, 1, 10, 0, 0, tzinfo=UTC)


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def routes(ctx: Context, next: Next) -> None:
    path = ctx.path
    if path == "/text":
        ctx.body = "Hello World"
    elif path == "/unicode":
        ctx.body = "论 and ünïcode"
    elif path == "/json":
        ctx.body = {"foo": "bar", "n": [1, 2, 3]}
    elif path == "/array":
        ctx.body = [1, "two", None]
    elif path == "/number":
        ctx.body = 42
    elif path == "/buffer":
        ctx.body = b"Hello World"
    elif path == "/empty-buffer":
        ctx.body = b""
    elif path == "/empty":
        ctx.body = ""
    elif path == "/file":
        ctx.body = open("file.txt", "rb")  # noqa: SIM115 (the response closes it)
    elif path == "/stream":
        ctx.type = "text/plain"
        ctx.body = chunks(b"streamed")
    elif path == "/existing":
        ctx.etag = "custom"
        ctx.body = "Hello World"
    elif path == "/existing-weak":
        ctx.etag = 'W/"custom"'
        ctx.body = "Hello World"
    elif path == "/created":
        ctx.status = 201
        ctx.body = "Hello World"
    elif path == "/redirect":
        ctx.redirect("/text")
    elif path == "/error":
        ctx.throw(400, "nope")
    elif path == "/dated":
        ctx.last_modified = MODIFIED
        ctx.body = "dated"
    elif path == "/dated-tagged":
        ctx.last_modified = MODIFIED
        ctx.body = "Hello World"


def make(conditional: bool, **options: bool) -> Koa:
    app = Koa(silent=True)
    if conditional:
        app.use(conditional_get())
    app.use(etag(**options))
    app.use(routes)
    return app


apps = {
    "main": make(True),
    "weak": make(True, weak=True),
    "strong": make(True, weak=False),
    "tagonly": make(False),
}
