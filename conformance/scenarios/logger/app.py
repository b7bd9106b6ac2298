"""The logger scenario, Koa for Python side: the twin of app.js. koa.logger
prints to stderr (no logging handler configured); the runner compares the lines."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

from koa.core import Context, Koa, Next
from koa.logger import logger


async def stream() -> AsyncIterator[bytes]:
    yield b"hello "
    yield b"stream"


async def routes(ctx: Context, next: Next) -> None:
    match ctx.path:
        case "/200":
            ctx.body = "hello world"
        case "/200-stream":
            ctx.body = stream()
        case "/301":
            ctx.status = 301
            ctx.redirect("/200")
        case "/304":
            ctx.status = 304
        case "/204":
            ctx.status = 204
        case "/404":
            ctx.status = 404
            ctx.body = "not found"
        case "/500":
            ctx.status = 500
            ctx.body = "server error"
        case "/error":
            raise RuntimeError("oh no")
        case "/throw-400":
            ctx.throw(400, "bad")
        case "/json":
            ctx.body = {"a": 1, "é": "ü"}
        case "/empty":
            ctx.body = ""
        case "/null":
            ctx.body = None
        case "/unicode":
            ctx.body = "héllo ☃"
        case "/2kb":
            ctx.body = "x" * 2048
        case "/1500b":
            ctx.body = "y" * 1500
        case "/1mb":
            ctx.body = b"a" * (1024 * 1024)
        case "/buffer":
            ctx.body = b"buffer body"
        case "/status-only":
            ctx.status = 202
        case "/custom-status":
            ctx.status = 799
            ctx.body = "odd"
        case "/length-header":
            ctx.set("Content-Length", "5")
            ctx.body = "abcde"
        case _:
            await next()


def transport(prefix: str) -> Any:
    def write(line: str, args: list[Any]) -> None:
        sys.stdout.write(prefix + line + "\n")
        sys.stdout.flush()

    return write


def make(*args: Any) -> Koa:
    app = Koa(silent=True)
    app.use(logger(*args))
    app.use(routes)
    return app


apps = {
    "main": make(),
    "transporter": make(transport("T| ")),
    "fn": make(transport("F| ")),
}
