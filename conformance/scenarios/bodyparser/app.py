"""The bodyparser scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import re
from typing import Any

from koa.bodyparser import bodyparser
from koa.core import Context, Koa, Next

ALL = ["json", "form", "text", "xml"]


async def flags(ctx: Context, next: Next) -> None:
    if ctx.path == "/disabled":
        ctx.disable_body_parser = True  # type: ignore[attr-defined]
    if ctx.path == "/preset":
        ctx.request.body = {"preset": True}  # type: ignore[attr-defined]
    if ctx.path == "/raw":
        ctx.req["body"] = {"fromReq": True}
    await next()


async def echo(ctx: Context, next: Next) -> None:
    request: Any = ctx.request
    ctx.body = {"body": request.body, "rawBody": request.raw_body}


def make(**options: Any) -> Koa:
    app = Koa(silent=True)
    app.use(flags)
    app.use(bodyparser(**options))
    app.use(echo)
    return app


def detect(ctx: Context) -> bool:
    return re.search(r"\.json$", ctx.path, re.IGNORECASE) is not None


def on_error(err: Exception, ctx: Context) -> None:
    ctx.throw(422, f"body parse error: {getattr(err, 'status', None)}")


apps = {
    "main": make(),
    "all": make(enable_types=ALL),
    "limits": make(enable_types=ALL, json_limit=20, form_limit=20, text_limit=20, xml_limit=20),
    "lax": make(json_strict=False),
    "extend": make(
        enable_types=["json", "form", "text"],
        extend_types={
            "json": ["application/x-javascript"],
            "form": ["application/x-my-form"],
            "text": ["text/x-custom"],
        },
    ),
    "detect": make(detect_json=detect),
    "onerror": make(on_error=on_error),
    "methods": make(parsed_methods=["POST", "DELETE", "GET"]),
    "latin1": make(enable_types=["json", "form", "text"], encoding="latin-1"),
    "raw": make(enable_raw_checking=True),
}
