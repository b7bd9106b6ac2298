"""One header operation per helmet part, and the middleware that applies them.

Every part (CSP, HSTS, X-Frame-Options, ...) is checked and turned into a
:class:`Part` when it is configured; the middleware then only sets the
precomputed values (or, for a CSP with functions in it, computes that one
value) before calling downstream, as koa-helmet does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from koa.core import Context, Middleware, Next, returns_awaitable

__all__ = ["Part", "build", "check_header_value", "js_repr"]

# koa-core refuses these in a header value (CR, LF and other controls).
_BAD_VALUE = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def js_repr(value: object) -> str:
    """*value* as helmet's messages show it (``JSON.stringify``)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def check_header_value(header: str, value: str) -> str:
    """*value* when it can be sent in a header; else a ``ValueError``."""
    if _BAD_VALUE.search(value):
        raise ValueError(
            f"{header} received a value with a character that cannot be sent in an HTTP "
            f"header (CR, LF or another control character): {value!r}"
        )
    return value


@dataclass(frozen=True, slots=True)
class Part:
    """Set *header* to *value* (``None``: remove it), or to ``dynamic(ctx)``."""

    header: str
    value: str | None
    dynamic: Callable[[Context], str] | None = None


def build(parts: Sequence[Part], name: str) -> Middleware:
    """The middleware applying *parts* in order, then calling downstream."""
    if any(part.dynamic is not None for part in parts):
        return _dynamic(tuple(parts), name)
    operations = tuple((part.header, part.value) for part in parts)

    # A plain function returning next()'s awaitable: no coroutine frame of
    # its own per request (koa-core's returns_awaitable()).
    @returns_awaitable
    def middleware(ctx: Context, next: Next) -> Awaitable[Any]:
        response = ctx.response
        for header, value in operations:
            if value is None:
                response.remove(header)
            else:
                response.set(header, value)
        return next()

    middleware.__name__ = middleware.__qualname__ = name
    return middleware


def _dynamic(parts: tuple[Part, ...], name: str) -> Middleware:
    async def middleware(ctx: Context, next: Next) -> Any:
        # Computed first: helmet stops at the failing part, so an error in a
        # directive function leaves no header of a later part set.
        values = [part.dynamic(ctx) if part.dynamic is not None else part.value for part in parts]
        response = ctx.response
        for part, value in zip(parts, values, strict=True):
            if value is None:
                response.remove(part.header)
            else:
                response.set(part.header, value)
        return await next()

    middleware.__name__ = middleware.__qualname__ = name
    return middleware
