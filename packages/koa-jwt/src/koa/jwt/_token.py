"""Where the token comes from: ``get_token(ctx)``, then the cookie, then the
``Authorization: Bearer`` header (koa-jwt's resolvers, in its order)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable

from koa.core import Context

from ._verify import AuthenticationError

__all__ = ["BAD_HEADER", "GetToken", "resolve_token"]

#: ``get_token(ctx)``: the token, or ``None`` to try the cookie and header.
GetToken = Callable[[Context], "str | Awaitable[str | None] | None"]

BAD_HEADER = 'Bad Authorization header format. Format is "Authorization: Bearer <token>"'
_BEARER = re.compile("bearer", re.IGNORECASE)
# JavaScript's String.prototype.trim(): whitespace and line terminators.
_JS_WHITESPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def _from_header(ctx: Context, passthrough: bool) -> str | None:
    authorization = ctx.get("Authorization")
    if not authorization:
        return None
    parts = authorization.strip(_JS_WHITESPACE).split(" ")
    if len(parts) == 2 and _BEARER.fullmatch(parts[0]):
        return parts[1]
    if not passthrough:
        raise AuthenticationError(BAD_HEADER)
    return None


async def resolve_token(
    ctx: Context, get_token: GetToken | None, cookie: str | None, passthrough: bool
) -> str | None:
    """The first non-empty token of the resolvers, or ``None``.

    A malformed ``Authorization`` header is a 401 (koa-jwt's message, shown
    whether or not ``debug`` is on), unless ``passthrough``.
    """
    if get_token is not None:
        token = get_token(ctx)
        if inspect.isawaitable(token):
            token = await token
        if token:
            return str(token)
    if cookie is not None:
        value = ctx.cookies.get(cookie)
        if value:
            return value
    return _from_header(ctx, passthrough) or None
