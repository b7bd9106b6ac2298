"""``router.allowed_methods()``: OPTIONS, 405 and 501 answers (@koa/router's
allowedMethods algorithm)."""

from __future__ import annotations

from collections.abc import Callable

from koa.core import Context, HttpError, Middleware, Next

from ._layer import Layer
from ._options import RouterOptions

__all__ = ["allowed_methods"]


def allowed_methods(
    opts: RouterOptions,
    throw: bool,
    not_implemented: Callable[[], BaseException] | None,
    method_not_allowed: Callable[[], BaseException] | None,
) -> Middleware:
    """The middleware of :meth:`Router.allowed_methods`. After ``next()``, on
    a request some router saw whose status is still 404: collect the methods
    of every layer that matched the path (all routers), then

    1. a method the router does not implement (``opts.methods``) gets 501 and
       ``Allow`` (raised when *throw*);
    2. OPTIONS gets 200, an empty body and ``Allow``, if anything matched;
    3. a method none of the matched layers allows gets 405 and ``Allow``
       (raised when *throw*).
    """

    async def middleware(ctx: Context, next: Next) -> None:
        await next()
        matched: list[Layer] | None = ctx.__dict__.get("matched")
        if matched is None or ctx.status != 404:
            return
        allowed: dict[str, None] = {}
        for layer in matched:
            for method in layer.methods:
                allowed[method] = None
        allow = ", ".join(allowed)
        method = ctx.method.upper()
        if method not in opts.methods:
            if throw:
                raise not_implemented() if not_implemented else HttpError(501)
            ctx.status = 501
            ctx.set("Allow", allow)
        elif method == "OPTIONS" and allowed:
            ctx.status = 200
            ctx.body = ""
            ctx.set("Allow", allow)
        elif allowed and method not in allowed:
            if throw:
                raise method_not_allowed() if method_not_allowed else HttpError(405)
            ctx.status = 405
            ctx.set("Allow", allow)

    middleware.__name__ = "allowed_methods"
    return middleware
