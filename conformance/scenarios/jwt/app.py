"""The jwt scenario, Koa for Python side: the twin of app.js."""

from __future__ import annotations

import re
from typing import Any

from koa.core import Context, Koa, Middleware, Next
from koa.jwt import jwt

SECRET = "conformance-shared-secret-of-32-bytes-and-more"
OTHER = "conformance-other-secret-also-32-bytes-or-more"


async def echo(ctx: Context, next: Next) -> None:
    ctx.body = {
        "user": ctx.state.get("user"),
        "jwtdata": ctx.state.get("jwtdata"),
        "raw": ctx.state.get("raw"),
        "failed": "jwt_original_error" in ctx.state,
    }


def make(options: dict[str, Any], before: Middleware | None = None) -> Koa:
    app = Koa(silent=True)
    if before is not None:
        app.use(before)
    unless = options.pop("unless", None)
    app.use(jwt(**options).unless(**unless) if unless else jwt(**options))
    app.use(echo)
    return app


async def choose_secret(ctx: Context, next: Next) -> None:
    choice = ctx.get("X-Secret-Id")
    if choice == "other":
        ctx.state["secret"] = OTHER
    if choice == "main":
        ctx.state["secret"] = SECRET
    await next()


def query_token(ctx: Context) -> str | None:
    token = ctx.query.get("token")
    return token if isinstance(token, str) and token else None


async def is_revoked(ctx: Context, payload: dict[str, Any], token: str) -> bool:
    return payload.get("sub") == "revoked"


async def provider(header: dict[str, Any], payload: dict[str, Any]) -> str | None:
    return {"k1": SECRET, "k2": OTHER}.get(header.get("kid"))  # type: ignore[arg-type]


apps = {
    "main": make({"secret": SECRET}),
    "debug": make({"secret": SECRET, "debug": True}),
    "passthrough": make({"secret": SECRET, "passthrough": True}),
    "cookie": make({"secret": SECRET, "cookie": "jwt", "debug": True}),
    "claims": make({"secret": SECRET, "audience": "urn:api", "issuer": "urn:idp", "debug": True}),
    "rolling": make({"secret": [OTHER, SECRET], "debug": True}),
    "keys": make({"secret": SECRET, "key": "jwtdata", "token_key": "raw"}),
    "gettoken": make({"secret": SECRET, "debug": True, "get_token": query_token}),
    "revoked": make({"secret": SECRET, "debug": True, "is_revoked": is_revoked}),
    "provider": make({"secret": provider, "debug": True}),
    "state": make({"secret": SECRET, "debug": True}, choose_secret),
    "unless": make(
        {
            "secret": SECRET,
            "unless": {
                "path": [re.compile("^/public"), "/login"],
                "method": "OPTIONS",
                "ext": ".css",
            },
        }
    ),
}
