"""The basic-auth scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

from typing import Any

from koa.basic_auth import basic_auth
from koa.core import Context, HttpError, Koa, Middleware, Next


async def secret(ctx: Context, next: Next) -> None:
    ctx.body = {"secret": True, "method": ctx.method, "path": ctx.path}


def make(options: dict[str, Any], before: Middleware | None = None) -> Koa:
    app = Koa(silent=True)
    if before is not None:
        app.use(before)
    app.use(basic_auth(**options))
    app.use(secret)
    return app


# custom 401 handling, as in koa-basic-auth's README
async def custom_401(ctx: Context, next: Next) -> None:
    try:
        await next()
    except HttpError as err:
        if err.status != 401:
            raise
        ctx.status = 401
        ctx.set("WWW-Authenticate", "Basic")
        ctx.body = "cant haz that"


apps = {
    "main": make({"name": "user", "password": "pass"}),
    "realm": make({"name": "user", "password": "pass", "realm": 'custom "message"'}),
    "nameonly": make({"name": "user"}),
    "passonly": make({"password": "pass"}),
    "unicode": make({"name": "jörg", "password": "pässwörd€:x"}),
    "custom": make({"name": "tj", "password": "tobi"}, custom_401),
}
